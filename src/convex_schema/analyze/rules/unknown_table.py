"""A103: a database call on a table the schema does not define."""

from __future__ import annotations

from collections.abc import Iterator

from convex_schema.analyze.registry import Category, Rule, Subject, rule
from convex_schema.diagnostics import Diagnostic, Severity


@rule(
    "A103",
    "unknown-table",
    Severity.WARNING,
    Category.correctness,
    "A query or write names a table the schema does not define.",
)
def check(subject: Subject, rule: Rule) -> Iterator[Diagnostic]:
    schema = subject.schema
    if schema is None:
        return
    names = set(schema.table_names)
    seen: set[tuple[str, int]] = set()
    for _, chain in subject.project.queries():
        if (
            chain.table is not None
            and chain.table not in names
            and not chain.table.startswith("_")
        ):
            seen.add((chain.span.file, chain.span.start))
            yield rule.finding(
                f'no table "{chain.table}" in the schema',
                chain.query_span,
                hint="check the name, or add the table to convex/schema.ts",
            )
    for function in subject.project.functions:
        for call in function.reach.calls:
            key = (call.span.file, call.span.start)
            if call.kind != "db" or call.table is None or key in seen:
                continue
            if call.table not in names and not call.table.startswith("_"):
                seen.add(key)
                yield rule.finding(
                    f'no table "{call.table}" in the schema',
                    call.span,
                    hint="check the name, or add the table to convex/schema.ts",
                )
