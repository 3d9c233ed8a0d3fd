"""Decoding documents from an export as Convex values.

In a current export (`generated_schema.jsonl` holds `"uniform"`) a JSON
integer is an int64, a number with a fraction or exponent is a float64, and
`{"$bytes": b64}` / `{"$float": b64}` carry bytes and special floats. Without
that marker (a plain `.jsonl`, `.json` or `.csv` import) every number is a
float64, as `npx convex import` types it. Python values: `int` is int64,
`float` is float64, `bytes` is bytes.
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


def apply_legacy_context(value: Any, context: Any) -> Any:
    """Apply a legacy export's per-document type hint (`ExportContext` JSON:
    "int64", "bytes", "float64inf", {"$float64NaN": b64}, arrays, objects)."""
    if context in (None, "infer"):
        return decode_plain_numbers(value)
    if context == "int64" and isinstance(value, str):
        return int(value)
    if context == "bytes" and isinstance(value, str):
        return base64.b64decode(value)
    if context == "float64inf" and isinstance(value, str):
        return float("inf") if value == "Infinity" else float("-inf")
    if isinstance(context, dict) and "$float64NaN" in context:
        return float("nan")
    if isinstance(context, list) and isinstance(value, list):
        return [
            apply_legacy_context(v, c) for v, c in zip(value, context, strict=False)
        ]
    if isinstance(context, dict) and isinstance(value, dict):
        return {k: apply_legacy_context(v, context.get(k)) for k, v in value.items()}
    return decode_plain_numbers(value)


def decode_plain_numbers(value: Any) -> Any:
    """The legacy "clean" JSON writes every float64 as a JSON number."""
    return decode_plain(value)
