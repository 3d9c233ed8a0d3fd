"""Index rules the backend enforces on push (REFERENCE §2.3, §3.2)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from convex_schema.check.paths import resolve_path
from convex_schema.check.registry import Rule, rule
from convex_schema.diagnostics import Diagnostic, Severity
from convex_schema.model import AnyIndex, Index, Schema, SearchIndex, Table, limits


def _db_indexes(table: Table) -> list[Index]:
    return [i for i in table.indexes if isinstance(i, Index)]


def _index_paths(table: Table) -> Iterator[tuple[AnyIndex, str]]:
    for index in table.indexes:
        if isinstance(index, Index):
            for path in index.fields:
                yield index, path
        elif isinstance(index, SearchIndex):
            yield index, index.search_field
            for path in index.filter_fields:
                yield index, path
        else:
            yield index, index.vector_field
            for path in index.filter_fields:
                yield index, path


@rule(
    "S201",
    "invalid-index-name",
    Severity.ERROR,
    "An index name must be an identifier: a letter, then letters, digits or "
    "underscores, at most 64 characters.",
)
def invalid_index_name(schema: Schema, r: Rule) -> Iterator[Diagnostic]:
    for table in schema.tables:
        for index in table.indexes:
            name = index.name
            if name.startswith("_"):
                continue
            if not limits.INDEX_NAME.match(name) or len(name) > 64:
                yield r.diagnostic(
                    f'index name "{name}" on table "{table.name}" is not a valid '
                    "identifier",
                    index.span or table.span,
                    "Name indexes after their fields, e.g. by_author_and_status.",
                )


@rule(
    "S202",
    "reserved-index-name",
    Severity.ERROR,
    "`by_id`, `by_creation_time` and names starting with `_` are reserved.",
)
def reserved_index_name(schema: Schema, r: Rule) -> Iterator[Diagnostic]:
    for table in schema.tables:
        for index in table.indexes:
            name = index.name
            reserved = name in limits.RESERVED_INDEX_NAMES or (
                name.startswith("_") and not name.startswith("_fivetran")
            )
            if reserved:
                yield r.diagnostic(
                    f'index name "{name}" on table "{table.name}" is reserved',
                    index.span or table.span,
                    "Every table already has by_id and by_creation_time; pick "
                    "another name.",
                )


@rule(
    "S203",
    "duplicate-index-name",
    Severity.ERROR,
    "Index names must be unique per table across database, search and vector "
    "indexes, staged ones included.",
)
def duplicate_index_name(schema: Schema, r: Rule) -> Iterator[Diagnostic]:
    for table in schema.tables:
        seen: set[str] = set()
        for index in table.indexes:
            if index.name in seen:
                yield r.diagnostic(
                    f'table "{table.name}" has more than one index named '
                    f'"{index.name}"',
                    index.span or table.span,
                    "Rename or remove one of them.",
                )
            seen.add(index.name)


@rule(
    "S204",
    "too-many-indexes",
    Severity.ERROR,
    "A table has at most 32 indexes, search and vector indexes included.",
)
def too_many_indexes(schema: Schema, r: Rule) -> Iterator[Diagnostic]:
    for table in schema.tables:
        if len(table.indexes) > limits.MAX_INDEXES_PER_TABLE:
            yield r.diagnostic(
                f'table "{table.name}" has {len(table.indexes)} indexes; Convex '
                f"allows {limits.MAX_INDEXES_PER_TABLE}",
                table.span,
                "Drop indexes that are prefixes of others or that no query uses.",
            )


@rule(
    "S205",
    "too-many-index-fields",
    Severity.ERROR,
    "An index has at most 15 fields (16 with the `_creationTime` Convex appends).",
)
def too_many_index_fields(schema: Schema, r: Rule) -> Iterator[Diagnostic]:
    for table in schema.tables:
        for index in _db_indexes(table):
            if len(index.fields) > limits.MAX_INDEX_USER_FIELDS:
                yield r.diagnostic(
                    f'index "{index.name}" on "{table.name}" has {len(index.fields)} '
                    f"fields; Convex allows {limits.MAX_INDEX_USER_FIELDS}",
                    index.span or table.span,
                    "Index the fields queries compare with equality first, and "
                    "filter the rest after a bounded read.",
                )


@rule("S206", "empty-index", Severity.ERROR, "An index needs at least one field.")
def empty_index(schema: Schema, r: Rule) -> Iterator[Diagnostic]:
    for table in schema.tables:
        for index in _db_indexes(table):
            if not index.fields:
                yield r.diagnostic(
                    f'index "{index.name}" on "{table.name}" has no fields',
                    index.span or table.span,
                    "List the fields to index, or remove it: by_creation_time "
                    "already orders by _creationTime.",
                )


@rule(
    "S207",
    "repeated-index-field",
    Severity.ERROR,
    "A field may appear only once in an index.",
)
def repeated_index_field(schema: Schema, r: Rule) -> Iterator[Diagnostic]:
    for table in schema.tables:
        for index in _db_indexes(table):
            repeated = [f for f, n in Counter(index.fields).items() if n > 1]
            for path in repeated:
                yield r.diagnostic(
                    f'index "{index.name}" on "{table.name}" lists "{path}" twice',
                    index.span or table.span,
                    "Remove the repeated field.",
                )


@rule(
    "S208",
    "index-on-system-field",
    Severity.ERROR,
    "Indexes cannot list `_id`, `_creationTime` or any path component starting "
    "with `_`; Convex appends `_creationTime` to every index itself.",
)
def index_on_system_field(schema: Schema, r: Rule) -> Iterator[Diagnostic]:
    for table in schema.tables:
        for index, path in _index_paths(table):
            if any(part.startswith("_") for part in path.split(".")):
                hint = (
                    "Remove it: every index already ends with _creationTime."
                    if path == "_creationTime"
                    else "Index a field of your own."
                )
                yield r.diagnostic(
                    f'index "{index.name}" on "{table.name}" uses the reserved '
                    f'field "{path}"',
                    index.span or table.span,
                    hint,
                )


@rule(
    "S209",
    "invalid-index-path",
    Severity.ERROR,
    "Index fields are dot-separated paths of identifiers, e.g. `author.name`.",
)
def invalid_index_path(schema: Schema, r: Rule) -> Iterator[Diagnostic]:
    for table in schema.tables:
        for index, path in _index_paths(table):
            parts = path.split(".")
            if any(p.startswith("_") for p in parts):
                continue
            if not all(limits.is_identifier(p) for p in parts):
                yield r.diagnostic(
                    f'index "{index.name}" on "{table.name}" has an invalid field '
                    f'path "{path}"',
                    index.span or table.span,
                    "Use the field names joined by dots.",
                )


@rule(
    "S210",
    "duplicate-index-fields",
    Severity.ERROR,
    "Two database indexes (staged or not) on one table may not have the same "
    "field list.",
)
def duplicate_index_fields(schema: Schema, r: Rule) -> Iterator[Diagnostic]:
    for table in schema.tables:
        seen: dict[tuple[str, ...], str] = {}
        for index in _db_indexes(table):
            if index.fields in seen:
                yield r.diagnostic(
                    f'index "{index.name}" on "{table.name}" has the same fields as '
                    f'"{seen[index.fields]}"',
                    index.span or table.span,
                    "Remove one of them; queries can use the other.",
                )
            else:
                seen[index.fields] = index.name


@rule(
    "S211",
    "index-field-missing",
    Severity.ERROR,
    "With schema validation on, every field an index references must exist in "
    "the table's document type.",
)
def index_field_missing(schema: Schema, r: Rule) -> Iterator[Diagnostic]:
    if not schema.schema_validation:
        return
    for table in schema.tables:
        for index, path in _index_paths(table):
            parts = path.split(".")
            if path.startswith("_") or not all(limits.is_identifier(p) for p in parts):
                continue  # S208 and S209 report these
            if resolve_path(table.document, path) == []:
                names = ", ".join(_top_level_names(table)) or "none"
                yield r.diagnostic(
                    f'index "{index.name}" on "{table.name}" references the field '
                    f'"{path}", which does not exist in the table',
                    index.span or table.span,
                    f"Add the field to the table or fix the path (fields: {names}).",
                )


def _top_level_names(table: Table) -> list[str]:
    from convex_schema.model import document_objects

    names: list[str] = []
    for obj in document_objects(table.document):
        names += [n for n in obj.names if n not in names]
    return names
