"""A204: a database index that no function's query uses."""

from __future__ import annotations

from collections.abc import Iterator

from convex_schema.analyze.common import (
    best_cover,
    drop_index_fix,
    table_of,
    written_indexes,
)
from convex_schema.analyze.registry import Category, Rule, Subject, rule
from convex_schema.diagnostics import Diagnostic, Severity


@rule(
    "A204",
    "unused-index",
    Severity.INFO,
    Category.performance,
    "No query in the project uses this index (nor should: no .filter would read "
    "through it). Each index is another copy of the table and slows every write; "
    "drop it if nothing outside this project uses it.",
)
def check(subject: Subject, rule: Rule) -> Iterator[Diagnostic]:
    schema = subject.schema
    project = subject.project
    if schema is None or not project.functions:
        return
    used = {(chain.table, chain.index) for _, chain in project.queries()}
    used |= {(chain.table, chain.search_index) for _, chain in project.queries()}
    untyped = {chain.index for _, chain in project.queries() if chain.table is None}
    # Read by name through a relationship helper (convex-helpers).
    used |= {use for facts in project.files.values() for use in facts.index_uses}
    # Wanted by a `.filter` that A201 tells to read through it instead.
    for _, chain in project.queries():
        table = table_of(subject, chain)
        if table is not None and chain.index is None and chain.filter_comparisons:
            cover = best_cover(table, chain.filter_comparisons)
            if cover is not None:
                used.add((table.name, cover.index))
    for table in schema.tables:
        for index in written_indexes(table, staged=False):
            if (table.name, index.name) in used or index.name in untyped:
                continue
            yield rule.finding(
                f'no query uses index "{index.name}" of "{table.name}"',
                index.span,
                hint="drop it, or keep it if code outside convex/ (a component, "
                "the dashboard) needs it",
                fix=drop_index_fix(subject, table, index),
            )
