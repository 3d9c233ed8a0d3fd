"""A203: an index whose fields are a prefix of another index of its table.

`by_a` next to `by_a_and_b` costs a copy of the table for nothing, unless a
query needs `by_a`'s order (by `_creationTime` within `a`): so a prefix
index that queries use with `eq` on all its fields, and order, is kept at
info level with that reason.
"""

from __future__ import annotations

from collections.abc import Iterator

from convex_schema.analyze.common import drop_index_fix, written_indexes
from convex_schema.analyze.registry import Category, Rule, Subject, rule
from convex_schema.diagnostics import Diagnostic, Severity


@rule(
    "A203",
    "redundant-index",
    Severity.WARNING,
    Category.performance,
    "An index whose fields are a prefix of another index's is redundant, unless "
    "you need its _creationTime order; each index is another copy of the table.",
    eslint="no-duplicate-indexes",
)
def check(subject: Subject, rule: Rule) -> Iterator[Diagnostic]:
    schema = subject.schema
    if schema is None:
        return
    for table in schema.tables:
        indexes = table.db_indexes()
        for index in written_indexes(table):
            longer = [
                other
                for other in indexes
                if other is not index
                and len(other.fields) > len(index.fields)
                and other.fields[: len(index.fields)] == index.fields
            ]
            if not longer:
                continue
            other = longer[0]
            ordered = _needs_order(subject, table.name, index.name, len(index.fields))
            severity = Severity.INFO if ordered else None
            reason = (
                f"; {', '.join(ordered)} read it in _creationTime order, so keep it "
                "only if that order matters"
                if ordered
                else ""
            )
            yield rule.finding(
                f'index "{index.name}" ({", ".join(index.fields)}) is a prefix of '
                f'"{other.name}" ({", ".join(other.fields)}){reason}',
                index.span,
                hint=f'query through "{other.name}" and drop "{index.name}"',
                fix=drop_index_fix(subject, table, index),
                severity=severity,
            )


def _needs_order(subject: Subject, table: str, index: str, width: int) -> list[str]:
    """Functions that read `index` with eq on all its fields (so its order is
    by `_creationTime`, which the longer index would not give)."""
    names = []
    for function, chain in subject.project.queries():
        if chain.table != table or chain.index != index:
            continue
        equal = [s for s in chain.index_range if s.op == "eq"]
        if len(equal) >= width and chain.terminal not in ("unique", "first"):
            names.append(function.name if function else chain.span.file)
    return sorted(set(names))
