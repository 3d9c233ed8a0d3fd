"""A202: `.collect()` (or a `for await` loop) over a whole table."""

from __future__ import annotations

from collections.abc import Iterator

from convex_schema.analyze.functions import QueryChain
from convex_schema.analyze.registry import Category, Rule, Subject, rule
from convex_schema.diagnostics import Diagnostic, Severity


def reads_whole_table(chain: QueryChain) -> bool:
    """A `.collect()` or `for await` over a query with no index range."""
    return (
        chain.terminal in ("collect", "iterate")
        and not chain.index_range
        and chain.search_index is None
    )


@rule(
    "A202",
    "unbounded-collect",
    Severity.WARNING,
    Category.performance,
    ".collect() with no index range reads every document of the table: it gets "
    "slower as the table grows and fails past the 16,384-document read limit.",
)
def check(subject: Subject, rule: Rule) -> Iterator[Diagnostic]:
    for _, chain in subject.project.queries():
        if not reads_whole_table(chain):
            continue
        table = chain.table or "?"
        users = sorted(f.name for f in subject.project.users_of(chain))
        counted = _documents(subject, table)
        size = (
            f" ({counted:,} documents in the snapshot)" if counted is not None else ""
        )
        what = "collects" if chain.terminal == "collect" else "iterates over"
        yield rule.finding(
            f'this query {what} every document of "{table}"{size}',
            chain.span,  # where the chain starts, as ESLint reports it
            hint="bound it: .take(n), .paginate(opts), or a withIndex range",
            data={"functions": users, "table": chain.table},
        )


def _documents(subject: Subject, table: str) -> int | None:
    """The table's document count in the snapshot given with --data (the
    profile's JSON), or None."""
    data = subject.options.data
    if not isinstance(data, dict):
        return None
    for item in data.get("tables", []):
        if item.get("table") == table and isinstance(item.get("documents"), int):
            return int(item["documents"])
    return None
