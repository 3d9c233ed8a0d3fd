"""Search and vector index rules (REFERENCE §2.2, §2.3, §3.2)."""

from __future__ import annotations

from collections.abc import Iterator

from convex_schema.check.paths import resolve_path
from convex_schema.check.registry import Rule, rule
from convex_schema.diagnostics import Diagnostic, Severity
from convex_schema.model import (
    AnyV,
    ArrayV,
    Float64V,
    LiteralV,
    NullV,
    Schema,
    SearchIndex,
    StringV,
    VectorIndex,
    limits,
)


@rule(
    "S301",
    "search-field-not-string",
    Severity.WARNING,
    "The searchField of a search index should be a string field; documents "
    "whose value is not a string are not indexed.",
)
def search_field_not_string(schema: Schema, r: Rule) -> Iterator[Diagnostic]:
    for table in schema.tables:
        for index in table.indexes:
            if not isinstance(index, SearchIndex):
                continue
            reached = resolve_path(table.document, index.search_field)
            if not reached:
                continue  # unknown (any) or missing, which S211 reports
            if not any(_stringish(v) for v in reached):
                yield r.diagnostic(
                    f'search index "{index.name}" on "{table.name}" searches '
                    f'"{index.search_field}", which is not a string field',
                    index.span or table.span,
                    "Search a v.string() field; keep a denormalized text field if "
                    "you need to search other data.",
                )


def _stringish(validator: object) -> bool:
    if isinstance(validator, StringV):
        return True
    return isinstance(validator, LiteralV) and isinstance(validator.value, str)


@rule(
    "S302",
    "too-many-search-indexes",
    Severity.ERROR,
    "A table has at most 4 search indexes.",
)
def too_many_search_indexes(schema: Schema, r: Rule) -> Iterator[Diagnostic]:
    for table in schema.tables:
        count = sum(isinstance(i, SearchIndex) for i in table.indexes)
        if count > limits.MAX_SEARCH_INDEXES:
            yield r.diagnostic(
                f'table "{table.name}" has {count} search indexes; Convex allows '
                f"{limits.MAX_SEARCH_INDEXES}",
                table.span,
                "Combine searched text into one field, or remove unused indexes.",
            )


@rule(
    "S303",
    "too-many-filter-fields",
    Severity.ERROR,
    "A search or vector index has at most 16 filter fields.",
)
def too_many_filter_fields(schema: Schema, r: Rule) -> Iterator[Diagnostic]:
    for table in schema.tables:
        for index in table.indexes:
            if isinstance(index, SearchIndex | VectorIndex):
                if len(index.filter_fields) > limits.MAX_FILTER_FIELDS:
                    yield r.diagnostic(
                        f'index "{index.name}" on "{table.name}" has '
                        f"{len(index.filter_fields)} filter fields; Convex allows "
                        f"{limits.MAX_FILTER_FIELDS}",
                        index.span or table.span,
                        "Keep the filter fields your queries use.",
                    )


@rule(
    "S304",
    "duplicate-search-index",
    Severity.ERROR,
    "Two search indexes on one table may not search the same field.",
)
def duplicate_search_index(schema: Schema, r: Rule) -> Iterator[Diagnostic]:
    for table in schema.tables:
        seen: dict[str, str] = {}
        for index in table.indexes:
            if not isinstance(index, SearchIndex):
                continue
            key = index.search_field
            if key in seen:
                yield r.diagnostic(
                    f'search index "{index.name}" on "{table.name}" searches '
                    f'"{key}", as "{seen[key]}" does',
                    index.span or table.span,
                    "Keep one search index per field, with all the filter fields "
                    "queries need.",
                )
            else:
                seen[key] = index.name


@rule(
    "S305",
    "too-many-vector-indexes",
    Severity.ERROR,
    "A table has at most 4 vector indexes.",
)
def too_many_vector_indexes(schema: Schema, r: Rule) -> Iterator[Diagnostic]:
    for table in schema.tables:
        count = sum(isinstance(i, VectorIndex) for i in table.indexes)
        if count > limits.MAX_VECTOR_INDEXES:
            yield r.diagnostic(
                f'table "{table.name}" has {count} vector indexes; Convex allows '
                f"{limits.MAX_VECTOR_INDEXES}",
                table.span,
                "Store other embeddings in their own tables.",
            )


@rule(
    "S306",
    "vector-field-not-float-array",
    Severity.ERROR,
    "With schema validation on, the vectorField must be v.array(v.float64()) "
    "(optional, or in a union, is fine).",
)
def vector_field_not_float_array(schema: Schema, r: Rule) -> Iterator[Diagnostic]:
    if not schema.schema_validation:
        return
    for table in schema.tables:
        for index in table.indexes:
            if not isinstance(index, VectorIndex):
                continue
            reached = resolve_path(table.document, index.vector_field)
            if not reached:
                continue
            if not any(
                isinstance(v, ArrayV) and isinstance(v.element, Float64V | AnyV)
                for v in reached
                if not isinstance(v, NullV)
            ):
                yield r.diagnostic(
                    f'vector index "{index.name}" on "{table.name}" uses '
                    f'"{index.vector_field}", which is neither an array of float64 '
                    "nor an optional array of float64",
                    index.span or table.span,
                    "Declare the field as v.array(v.float64()).",
                )


@rule(
    "S307",
    "vector-dimensions-out-of-range",
    Severity.ERROR,
    "Vector dimensions must be a whole number from 2 to 4096.",
)
def vector_dimensions(schema: Schema, r: Rule) -> Iterator[Diagnostic]:
    low, high = limits.MIN_VECTOR_DIMENSIONS, limits.MAX_VECTOR_DIMENSIONS
    for table in schema.tables:
        for index in table.indexes:
            if not isinstance(index, VectorIndex):
                continue
            dims = index.dimensions
            if not float(dims).is_integer() or not low <= dims <= high:
                yield r.diagnostic(
                    f'vector index "{index.name}" on "{table.name}" has {dims} '
                    f"dimensions; Convex allows whole numbers from {low} to {high}",
                    index.span or table.span,
                    "Use the dimension count of your embedding model (e.g. 1536).",
                )


@rule(
    "S308",
    "duplicate-vector-index",
    Severity.ERROR,
    "Two vector indexes on one table may not have the same vectorField and dimensions.",
)
def duplicate_vector_index(schema: Schema, r: Rule) -> Iterator[Diagnostic]:
    for table in schema.tables:
        seen: dict[tuple[str, float], str] = {}
        for index in table.indexes:
            if not isinstance(index, VectorIndex):
                continue
            key = (index.vector_field, float(index.dimensions))
            if key in seen:
                yield r.diagnostic(
                    f'vector index "{index.name}" on "{table.name}" duplicates '
                    f'"{seen[key]}"',
                    index.span or table.span,
                    "Remove one of them.",
                )
            else:
                seen[key] = index.name
