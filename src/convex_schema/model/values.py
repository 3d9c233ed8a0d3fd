"""Convex's JSON encodings of values that plain JSON cannot carry.

Literals in validator JSON and documents in the wire format use the same
forms: int64 as `{"$integer": base64(8 bytes, little-endian)}`, non-finite
floats and -0.0 as `{"$float": base64(8 bytes, little-endian)}`, bytes as
`{"$bytes": base64}`. In Python, `int` stands for int64 and `float` for
float64, as they do in a current export.
"""

from __future__ import annotations

import base64
import math
import struct
from decimal import Decimal
from typing import Any

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1


def is_special_float(value: float) -> bool:
    """NaN, the infinities and -0.0: the floats JSON cannot write plainly."""
    return not math.isfinite(value) or (value == 0.0 and math.copysign(1, value) < 0)


def encode_int64(value: int) -> dict[str, str]:
    if not INT64_MIN <= value <= INT64_MAX:
        raise ValueError(f"{value} does not fit into a 64-bit signed integer")
    return {"$integer": base64.b64encode(struct.pack("<q", value)).decode()}


def decode_int64(text: str) -> int:
    raw = base64.b64decode(text, validate=True)
    if len(raw) != 8:
        raise ValueError("an $integer value must be 8 bytes")
    value: int = struct.unpack("<q", raw)[0]
    return value


def encode_float(value: float) -> dict[str, str] | float | int:
    """A float as Convex writes it: special values tagged, the rest plain.

    Integer-valued floats are written as JSON integers, as JavaScript does.
    """
    if is_special_float(value):
        return {"$float": base64.b64encode(struct.pack("<d", value)).decode()}
    if value.is_integer() and abs(value) < 1e21:
        return int(value)
    return value


def decode_float(text: str) -> float:
    raw = base64.b64decode(text, validate=True)
    if len(raw) != 8:
        raise ValueError("a $float value must be 8 bytes")
    value: float = struct.unpack("<d", raw)[0]
    return value


def literal_to_json(value: str | bool | int | float) -> Any:
    if isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return encode_int64(value)
    return encode_float(value)


def literal_from_json(raw: Any) -> str | bool | int | float:
    """Parse a literal's JSON value. A bare JSON number is a float64."""
    if isinstance(raw, bool | str):
        return raw
    if isinstance(raw, int | float):
        return float(raw)
    if isinstance(raw, dict) and len(raw) == 1:
        if "$integer" in raw:
            return decode_int64(raw["$integer"])
        if "$float" in raw:
            return decode_float(raw["$float"])
    raise ValueError(f"not a literal value: {raw!r}")


def js_number(value: float) -> str:
    """Format a float the way JavaScript's `String(n)` does."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "0"
    if value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    text = repr(value)
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    exp = int(exponent)
    if -7 < exp < 21:
        return format(Decimal(text), "f")
    return f"{mantissa}e{'+' if exp > 0 else '-'}{abs(exp)}"
