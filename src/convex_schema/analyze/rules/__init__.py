"""The analyzer's rules, one module each; importing this registers them all."""

from __future__ import annotations

from convex_schema.analyze.rules import (
    filter_in_query,
    index_range,
    redundant_index,
    unbounded_collect,
    unknown_index,
    unknown_table,
    unused_index,
)

__all__ = [
    "filter_in_query",
    "index_range",
    "redundant_index",
    "unbounded_collect",
    "unknown_index",
    "unknown_table",
    "unused_index",
]
