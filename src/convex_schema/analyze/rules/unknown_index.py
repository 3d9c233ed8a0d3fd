"""A101: `withIndex` / `withSearchIndex` naming an index the table lacks."""

from __future__ import annotations

from collections.abc import Iterator

from convex_schema.analyze.common import BUILTIN_INDEXES, table_of
from convex_schema.analyze.registry import Category, Rule, Subject, rule
from convex_schema.diagnostics import Diagnostic, Severity
from convex_schema.model import Index, SearchIndex


@rule(
    "A101",
    "unknown-index",
    Severity.ERROR,
    Category.correctness,
    "A query names an index its table does not define; it fails at run time.",
)
def check(subject: Subject, rule: Rule) -> Iterator[Diagnostic]:
    for _, chain in subject.project.queries():
        table = table_of(subject, chain)
        if table is None:
            continue
        if chain.index is not None and chain.index not in BUILTIN_INDEXES:
            index = table.index(chain.index)
            if not isinstance(index, Index):
                names = [i.name for i in table.db_indexes()] + list(BUILTIN_INDEXES)
                yield rule.finding(
                    f'table "{table.name}" has no index "{chain.index}"',
                    chain.index_span or chain.span,
                    hint=f"use one of: {', '.join(names)}; or add the index "
                    "to the schema",
                )
        if chain.search_index is not None and not isinstance(
            table.index(chain.search_index), SearchIndex
        ):
            yield rule.finding(
                f'table "{table.name}" has no search index "{chain.search_index}"',
                chain.span,
                hint="add it with .searchIndex(name, { searchField: ... })",
            )
