"""A404: an index on a field that some documents do not have.

A document without the field (an optional field left out, a field under an
optional object, or one that only some members of a union document have) is
indexed with `undefined` in its place. It is still in the index, but
`q.eq("f", value)` never returns it: only `q.eq("f", undefined)` does. That
is often what the query wants (soft-deleted rows drop out), and sometimes a
surprise (old documents written before the field existed disappear), so the
rule is informational.
"""

from __future__ import annotations

from collections.abc import Iterator

from convex_schema.analyze.common import written_indexes
from convex_schema.analyze.registry import Category, Rule, Subject, rule
from convex_schema.diagnostics import Diagnostic, Severity
from convex_schema.model import ObjectV, Table, document_objects
from convex_schema.model.limits import SYSTEM_FIELDS


@rule(
    "A404",
    "optional-index-field",
    Severity.INFO,
    Category.design,
    "An index field that documents may lack is indexed as undefined: those "
    'documents drop out of q.eq("f", value) ranges and are read with '
    'q.eq("f", undefined).',
)
def check(subject: Subject, rule: Rule) -> Iterator[Diagnostic]:
    schema = subject.schema
    if schema is None:
        return
    for table in schema.tables:
        for index in written_indexes(table):
            for name in index.fields:
                if name in SYSTEM_FIELDS:
                    continue
                why = _missing(table, name)
                if why is None:
                    continue
                yield rule.finding(
                    f'index "{index.name}" of "{table.name}" includes "{name}", '
                    f"{why}: documents without it are indexed under undefined "
                    f'and q.eq("{name}", value) never returns them',
                    index.span or table.span,
                    hint=f'read them with q.eq("{name}", undefined) where they '
                    "matter; if every document should be found by value, make "
                    "the field required (store null for none)",
                    data={"table": table.name, "index": index.name, "field": name},
                )


def _missing(table: Table, path: str) -> str | None:
    """Why some documents may lack the field at `path`, or None."""
    states = [_state(o, path.split(".")) for o in document_objects(table.document)]
    if "optional" in states:
        return "an optional field"
    if "missing" in states and "required" in states:
        return "which only some members of the document union have"
    return None


def _state(document: ObjectV, parts: list[str]) -> str:
    """`required`, `optional` (it or an object above it), `missing`, or
    `unknown` (the path goes through something other than an object)."""
    current: ObjectV = document
    optional = False
    for position, part in enumerate(parts):
        field = current.field(part)
        if field is None:
            return "missing"
        optional = optional or field.optional
        if position == len(parts) - 1:
            break
        if not isinstance(field.validator, ObjectV):
            return "unknown"
        current = field.validator
    return "optional" if optional else "required"
