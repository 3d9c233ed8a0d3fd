"""A205: `.collect()` on a database query whose range can still grow.

A202 reports a `.collect()` with no index range (the whole table). This
rule covers the rest of what ESLint's `no-collect-in-query` reports: a
`.collect()` after a `withIndex` range or a search, which loads every
matching document at once and gets slower, then fails, as the range fills.
Like ESLint it looks at every `db.query(…)….collect()` in every file (tests
and top-level code too) and reports where the chain starts; a whole-table
read is left to A202, which reports on the same line.
"""

from __future__ import annotations

from collections.abc import Iterator

from convex_schema.analyze.functions import QueryChain
from convex_schema.analyze.registry import Category, Rule, Subject, rule
from convex_schema.analyze.rules.unbounded_collect import reads_whole_table
from convex_schema.diagnostics import Diagnostic, Severity


@rule(
    "A205",
    "collect-in-query",
    Severity.INFO,
    Category.performance,
    ".collect() loads every document of an index range at once, and the range "
    "can grow; read a page with .take(n) or .paginate() unless it stays small.",
    eslint="no-collect-in-query",
)
def check(subject: Subject, rule: Rule) -> Iterator[Diagnostic]:
    project = subject.project
    # A202 reports whole-table reads that functions and helpers make, on the
    # same line; the rest (a test file's, top-level code's) stay here.
    whole = {
        (chain.span.file, chain.span.start)
        for _, chain in project.queries()
        if reads_whole_table(chain)
    }
    for facts in project.files.values():
        for chain in facts.body.queries:
            if chain.terminal != "collect":
                continue
            if (chain.span.file, chain.span.start) in whole:
                continue
            users = sorted(f.name for f in project.users_of(chain))
            yield rule.finding(
                _message(chain),
                chain.span,
                hint="read a page with .take(n) or .paginate(paginationOpts); keep "
                ".collect() only where the range is known to stay small (then "
                "silence A205 on that line)",
                data={"functions": users, "table": chain.table},
            )


def _message(chain: QueryChain) -> str:
    table = f'"{chain.table or "?"}"'
    if chain.search_index is not None:
        return (
            f'.collect() loads every match of search index "{chain.search_index}" '
            f"on {table} at once"
        )
    if chain.index_range:
        return (
            f'.collect() loads every document of {table} in its "{chain.index}" '
            "range at once, and the range can still grow"
        )
    return f".collect() loads every document of {table} at once"
