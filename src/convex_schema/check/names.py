"""Names: tables and fields must be identifiers Convex accepts.

See REFERENCE §1.5 and §3.2.
"""

from __future__ import annotations

from collections.abc import Iterator

from convex_schema.check.registry import Rule, rule
from convex_schema.diagnostics import Diagnostic, Severity
from convex_schema.model import (
    Field,
    ObjectV,
    Schema,
    Table,
    document_objects,
    limits,
    walk,
)

IDENTIFIER_HINT = (
    "Use letters, digits and underscores, starting with a letter, at most 64 "
    "characters."
)


@rule(
    "S101",
    "invalid-table-name",
    Severity.ERROR,
    "A table name must be an identifier: a letter, then letters, digits or "
    "underscores, at most 64 characters.",
)
def invalid_table_name(schema: Schema, r: Rule) -> Iterator[Diagnostic]:
    for table in schema.tables:
        if table.name.startswith("_"):
            continue
        if not limits.TABLE_NAME.match(table.name) or len(table.name) > 64:
            yield r.diagnostic(
                f'table name "{table.name}" is not a valid identifier',
                table.span,
                IDENTIFIER_HINT,
            )


@rule(
    "S102",
    "reserved-table-name",
    Severity.ERROR,
    "Table names starting with `_` are reserved for system tables.",
)
def reserved_table_name(schema: Schema, r: Rule) -> Iterator[Diagnostic]:
    for table in schema.tables:
        if table.name.startswith("_"):
            yield r.diagnostic(
                f'table name "{table.name}" starts with "_", which is reserved '
                "for system tables",
                table.span,
                "Rename the table without the leading underscore.",
            )


@rule(
    "S103",
    "too-many-tables",
    Severity.ERROR,
    "A deployment holds at most 10,000 tables.",
)
def too_many_tables(schema: Schema, r: Rule) -> Iterator[Diagnostic]:
    if len(schema.tables) > limits.MAX_TABLES:
        yield r.diagnostic(
            f"the schema defines {len(schema.tables)} tables; Convex allows "
            f"{limits.MAX_TABLES}",
            schema.span,
            "Merge tables that share a shape, using a discriminant field.",
        )


def _top_objects(table: Table) -> list[ObjectV]:
    """The top-level objects of the document and of the staged document."""
    objects = document_objects(table.document)
    if table.staged_document is not None:
        objects += document_objects(table.staged_document)
    return objects


def all_fields(table: Table) -> Iterator[tuple[str, Field]]:
    """Every object field at any depth, with its dotted path."""
    documents = [table.document]
    if table.staged_document is not None:
        documents.append(table.staged_document)
    seen: set[int] = set()
    for document in documents:
        for validator in walk(document):
            if isinstance(validator, ObjectV) and id(validator) not in seen:
                seen.add(id(validator))
                for item in validator.fields:
                    yield item.name, item


@rule(
    "S104",
    "invalid-field-name",
    Severity.ERROR,
    "Every field name in a validator, at any depth, must be an identifier of at "
    "most 64 characters that is not all underscores. Use v.record() for "
    "arbitrary keys.",
)
def invalid_field_name(schema: Schema, r: Rule) -> Iterator[Diagnostic]:
    for table in schema.tables:
        for name, item in all_fields(table):
            if not limits.is_identifier(name):
                yield r.diagnostic(
                    f'field "{name}" in table "{table.name}" is not a valid identifier',
                    item.span or table.span,
                    IDENTIFIER_HINT
                    + " For arbitrary keys, use v.record(v.string(), ...).",
                )


@rule(
    "S105",
    "reserved-field-name",
    Severity.ERROR,
    "Top-level fields starting with `_` are reserved; only the system fields "
    "`_id` and `_creationTime` exist.",
)
def reserved_field_name(schema: Schema, r: Rule) -> Iterator[Diagnostic]:
    for table in schema.tables:
        for obj in _top_objects(table):
            for item in obj.fields:
                if item.name.startswith("_") and item.name not in limits.SYSTEM_FIELDS:
                    yield r.diagnostic(
                        f'field "{item.name}" in table "{table.name}" starts with "_", '
                        "which is reserved for system fields",
                        item.span or table.span,
                        "Rename the field without the leading underscore.",
                    )


@rule(
    "S106",
    "declared-system-field",
    Severity.INFO,
    "`_id` and `_creationTime` are added to every document; declaring them in "
    "a table does nothing.",
)
def declared_system_field(schema: Schema, r: Rule) -> Iterator[Diagnostic]:
    for table in schema.tables:
        for obj in _top_objects(table):
            for item in obj.fields:
                if item.name in limits.SYSTEM_FIELDS:
                    yield r.diagnostic(
                        f'table "{table.name}" declares the system field "{item.name}"',
                        item.span or table.span,
                        "Remove it: Convex adds it to every document.",
                    )
