"""A403: a field that nests objects and arrays more than four levels deep.

Depth is counted as the backend counts it (and as S407 does): the document
is level 1 and each object, array or record inside adds one, so
`{ a: { b: { c: v.string() } } }` is 3 levels. Convex refuses more than 16
(REFERENCE §3.1, S407 reports that); past four, documents get hard to query
(indexes reach only object fields, never into arrays) and to update (a
change anywhere rewrites the whole document). Reported once per top-level
field, at the field, with its deepest path; deeper than 16 is left to S407.
"""

from __future__ import annotations

from collections.abc import Iterator

from convex_schema.analyze.common import user_tables
from convex_schema.analyze.registry import Category, Rule, Subject, rule
from convex_schema.diagnostics import Diagnostic, Severity
from convex_schema.model import (
    ArrayV,
    ObjectV,
    RecordV,
    UnionV,
    Validator,
    document_objects,
)
from convex_schema.model.limits import MAX_NESTING

DEEP = 4


@rule(
    "A403",
    "deep-nesting",
    Severity.INFO,
    Category.design,
    f"A field nests objects and arrays more than {DEEP} levels deep (the "
    "document is level 1); flatten it or move the nested part into its own "
    "table.",
)
def check(subject: Subject, rule: Rule) -> Iterator[Diagnostic]:
    schema = subject.schema
    if schema is None:
        return
    for table in user_tables(schema):
        for document in document_objects(table.document):
            for field in document.fields:
                depth, path = _deepest(field.validator, field.name)
                depth += 1  # the document itself
                if not DEEP < depth <= MAX_NESTING:
                    continue
                yield rule.finding(
                    f'field "{field.name}" of "{table.name}" nests {depth} levels '
                    f"of objects and arrays (deepest: {path})",
                    field.span or table.span,
                    hint="flatten it, or move the nested part into its own table "
                    "that refers back with v.id(); Convex stops at "
                    f"{MAX_NESTING} levels",
                    data={"table": table.name, "field": field.name, "depth": depth},
                )


def _deepest(validator: Validator, path: str) -> tuple[int, str]:
    """The nesting depth of `validator` (0 for a plain value) and the path
    that reaches it."""
    inner: list[tuple[int, str]] = [(0, path)]
    if isinstance(validator, ObjectV):
        inner = [_deepest(f.validator, f"{path}.{f.name}") for f in validator.fields]
        inner = inner or [(0, path)]
    elif isinstance(validator, ArrayV):
        inner = [_deepest(validator.element, path + "[]")]
    elif isinstance(validator, RecordV):
        inner = [_deepest(validator.values, path + "{}")]
    elif isinstance(validator, UnionV):
        return max(
            (_deepest(m, path) for m in validator.members),
            key=lambda item: item[0],
            default=(0, path),
        )
    else:
        return 0, path
    depth, deepest = max(inner, key=lambda item: item[0])
    return depth + 1, deepest
