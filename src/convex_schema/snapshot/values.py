"""Decoding documents from an export as Convex values.

In a current export (`generated_schema.jsonl` holds `"uniform"`) a JSON
integer is an int64, a number with a fraction or exponent is a float64, and
`{"$bytes": b64}` / `{"$float": b64}` carry bytes and special floats. Without
that marker (a plain `.jsonl`, `.json` or `.csv` import) every number is a
float64, as `npx convex import` types it. (Legacy exports, typed by a stored
shape and hints, are read in `legacy`.) Python values: `int` is int64, `float`
is float64, `bytes` is bytes.
"""

from __future__ import annotations

import base64
from typing import Any

from convex_schema.model.values import decode_float, decode_int64

UNIFORM = "uniform"
PLAIN = "plain"
LEGACY = "legacy"


class ValueError_(ValueError):
    """A value that is not valid in its encoding."""


def decode_uniform(value: Any) -> Any:
    """Turn the tagged objects of the uniform encoding into Python values."""
    if type(value) is dict:
        if len(value) == 1:
            if "$bytes" in value:
                return base64.b64decode(value["$bytes"])
            if "$float" in value:
                return decode_float(value["$float"])
            if "$integer" in value:
                return decode_int64(value["$integer"])
        return {k: decode_uniform(v) for k, v in value.items()}
    if type(value) is list:
        return [decode_uniform(v) for v in value]
    return value


def decode_plain(value: Any) -> Any:
    """Every JSON number is a float64, as a plain import types it."""
    kind = type(value)
    if kind is int:
        return float(value)
    if kind is dict:
        return {k: decode_plain(v) for k, v in value.items()}
    if kind is list:
        return [decode_plain(v) for v in value]
    return value
