"""A402: `v.any()` in a table's documents.

A `v.any()` field accepts every value, so neither the schema nor TypeScript
says what it holds. A table whose whole document is `v.any()` (or has no
validator) is worse: schema validation is off for it, so it is reported at
warning level. Fields written with convex-helpers' `deprecated` (which is
`v.optional(v.any())`, the usual way to retire a field) are not reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from convex_schema.analyze.common import places, user_tables
from convex_schema.analyze.registry import Category, Rule, Subject, rule
from convex_schema.diagnostics import Diagnostic, Severity
from convex_schema.model import AnyV, Field

DEPRECATED = re.compile(rb"\bdeprecated\b")


@rule(
    "A402",
    "any-validator",
    Severity.INFO,
    Category.design,
    "v.any() validates nothing and types nothing. A field is reported at info "
    "level; a table whose whole document is v.any() at warning level, since "
    "schema validation is off for it.",
)
def check(subject: Subject, rule: Rule) -> Iterator[Diagnostic]:
    schema = subject.schema
    if schema is None:
        return
    sources: dict[str, bytes] = {}
    for table in user_tables(schema):
        span = table.document.span
        if span is not None and (span.file, span.start) in subject.stand_ins:
            continue
        if isinstance(table.document, AnyV):
            yield rule.finding(
                f'table "{table.name}" is v.any(): schema validation is off for '
                "its documents",
                table.span,
                hint="describe its documents with v.object({...}) (or a "
                "v.union of objects); `convex-schema infer` proposes one from a "
                "snapshot",
                data={"table": table.name, "field": None},
                severity=Severity.WARNING,
            )
            continue
        for place in places(table.document):
            if not isinstance(place.validator, AnyV):
                continue
            span = place.validator.span
            if span is not None and (span.file, span.start) in subject.stand_ins:
                continue  # a value the reader could not evaluate (R002 says so)
            if place.field is not None and _deprecated(subject, place.field, sources):
                continue
            yield rule.finding(
                f'field "{place.path}" of "{table.name}" is v.any(): its values '
                "are not validated, and code reading it gets no types",
                place.span(table),
                hint="give it a validator for what it holds (v.object, v.union, "
                "v.record for dynamic keys); `convex-schema infer` proposes one "
                "from a snapshot",
                data={"table": table.name, "field": place.path},
            )


def _deprecated(subject: Subject, field: Field, sources: dict[str, bytes]) -> bool:
    """Whether the field is written `name: deprecated`."""
    span = field.span
    if span is None:
        return False
    if span.file not in sources:
        path = Path(span.file)
        path = path if path.is_absolute() else subject.root / path
        sources[span.file] = path.read_bytes() if path.is_file() else b""
    return bool(DEPRECATED.search(sources[span.file][span.start : span.end]))
