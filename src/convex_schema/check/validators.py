"""Validator rules: document types, record keys, references and literals
(REFERENCE §1.4, §1.5, §3.1)."""

from __future__ import annotations

from collections.abc import Iterator

from convex_schema.check.registry import Rule, rule
from convex_schema.diagnostics import Diagnostic, Severity
from convex_schema.model import (
    AnyV,
    IdV,
    LiteralV,
    ObjectV,
    RecordV,
    Schema,
    StringV,
    UnionV,
    Validator,
    limits,
    walk,
)
from convex_schema.model.semantics import describe
from convex_schema.model.values import is_special_float


def _documents(schema: Schema) -> Iterator[tuple[str, str, Validator]]:
    for table in schema.tables:
        yield table.name, "document", table.document
        if table.staged_document is not None:
            yield table.name, "staged document", table.staged_document


@rule(
    "S401",
    "invalid-document-type",
    Severity.ERROR,
    "A table's documents must be an object, a union of objects, or v.any().",
)
def invalid_document_type(schema: Schema, r: Rule) -> Iterator[Diagnostic]:
    spans = {t.name: t.span for t in schema.tables}
    for name, what, document in _documents(schema):
        members = document.members if isinstance(document, UnionV) else (document,)
        if isinstance(document, AnyV) or all(isinstance(m, ObjectV) for m in members):
            continue
        yield r.diagnostic(
            f'the {what} type of table "{name}" is {describe(document)}; it must be '
            "an object, a union of objects, or v.any()",
            document.span or spans[name],
            "Wrap the value in an object field, e.g. defineTable({ value: ... }).",
        )


def _key_ok(validator: Validator) -> bool:
    if isinstance(validator, StringV | IdV):
        return True
    if isinstance(validator, UnionV):
        return bool(validator.members) and all(_key_ok(m) for m in validator.members)
    return False


@rule(
    "S402",
    "invalid-record-key",
    Severity.ERROR,
    "Record keys must be v.string(), v.id(...) or a union of them; string "
    "literal keys are rejected (use v.object for a fixed set of keys).",
)
def invalid_record_key(schema: Schema, r: Rule) -> Iterator[Diagnostic]:
    for name, _, document in _documents(schema):
        for validator in walk(document):
            if isinstance(validator, RecordV) and not _key_ok(validator.keys):
                literal = any(isinstance(v, LiteralV) for v in walk(validator.keys))
                reason = (
                    "Records cannot have string literal keys"
                    if literal
                    else f"record keys must be strings, not {describe(validator.keys)}"
                )
                yield r.diagnostic(
                    f'in table "{name}": {reason}',
                    validator.span,
                    'Use v.record(v.string(), ...) or v.record(v.id("t"), ...); '
                    "for a fixed set of keys use v.object({...}).",
                )


@rule(
    "S403",
    "unknown-id-table",
    Severity.WARNING,
    'v.id("t") names a table that is not in the schema (system tables '
    "`_storage` and `_scheduled_functions` are fine).",
)
def unknown_id_table(schema: Schema, r: Rule) -> Iterator[Diagnostic]:
    names = set(schema.table_names)
    for name, _, document in _documents(schema):
        for validator in walk(document):
            if not isinstance(validator, IdV):
                continue
            target = validator.table
            if target in names or target in limits.SYSTEM_TABLES or not target:
                continue
            from rapidfuzz import process  # only for a name that is not found

            close = process.extractOne(target, sorted(names)) if names else None
            hint = (
                f'Did you mean v.id("{close[0]}")?'
                if close and close[1] >= 70
                else "Add the table to the schema or fix the name."
            )
            yield r.diagnostic(
                f'table "{name}" references v.id("{target}"), which is not a table '
                "in this schema",
                validator.span,
                hint,
            )


@rule(
    "S404",
    "invalid-id-table-name",
    Severity.ERROR,
    "v.id() needs a table name that is an identifier.",
)
def invalid_id_table_name(schema: Schema, r: Rule) -> Iterator[Diagnostic]:
    for name, _, document in _documents(schema):
        for validator in walk(document):
            if isinstance(validator, IdV):
                target = validator.table
                if target.startswith("_") and target in limits.SYSTEM_TABLES:
                    continue
                if not limits.TABLE_NAME.match(target) or len(target) > 64:
                    yield r.diagnostic(
                        f'table "{name}" uses v.id("{target}"), which is not a '
                        "valid table name",
                        validator.span,
                        "Pass the name of a table in the schema.",
                    )


@rule(
    "S405",
    "special-float-literal",
    Severity.ERROR,
    "The backend rejects v.literal(NaN), v.literal(Infinity) and "
    "v.literal(-Infinity) when it stores the schema.",
)
def special_float_literal(schema: Schema, r: Rule) -> Iterator[Diagnostic]:
    for name, _, document in _documents(schema):
        for validator in walk(document):
            if (
                isinstance(validator, LiteralV)
                and isinstance(validator.value, float)
                and is_special_float(validator.value)
                and validator.value != 0
            ):
                yield r.diagnostic(
                    f'table "{name}" uses {describe(validator)}, which the backend '
                    "rejects (UnsupportedFloatLiteral)",
                    validator.span,
                    "Store a flag or use v.number() instead.",
                )


@rule(
    "S406",
    "empty-union",
    Severity.WARNING,
    "v.union() with no members accepts no value at all.",
)
def empty_union(schema: Schema, r: Rule) -> Iterator[Diagnostic]:
    for name, _, document in _documents(schema):
        for validator in walk(document):
            if isinstance(validator, UnionV) and not validator.members:
                yield r.diagnostic(
                    f'table "{name}" has an empty v.union(), which no value matches',
                    validator.span,
                    "Add members, or remove the field.",
                )


def _depth(validator: Validator) -> int:
    from convex_schema.model import ArrayV

    if isinstance(validator, ObjectV):
        return 1 + max((_depth(f.validator) for f in validator.fields), default=0)
    if isinstance(validator, ArrayV):
        return 1 + _depth(validator.element)
    if isinstance(validator, RecordV):
        return 1 + _depth(validator.values)
    if isinstance(validator, UnionV):
        return max((_depth(m) for m in validator.members), default=0)
    return 0


@rule(
    "S407",
    "nesting-too-deep",
    Severity.ERROR,
    "Documents nest objects and arrays at most 16 levels deep; a deeper "
    "validator can never be satisfied.",
)
def nesting_too_deep(schema: Schema, r: Rule) -> Iterator[Diagnostic]:
    spans = {t.name: t.span for t in schema.tables}
    for name, _, document in _documents(schema):
        depth = _depth(document)
        if depth > limits.MAX_NESTING:
            yield r.diagnostic(
                f'table "{name}" nests {depth} levels of objects and arrays; Convex '
                f"allows {limits.MAX_NESTING}",
                spans[name],
                "Move deep parts into their own table, referenced by v.id().",
            )
