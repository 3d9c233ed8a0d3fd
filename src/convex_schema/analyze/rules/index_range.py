"""A102: a `withIndex` range whose fields are out of the index's order."""

from __future__ import annotations

from collections.abc import Iterator

from convex_schema.analyze.common import index_fields, range_problem, table_of
from convex_schema.analyze.registry import Category, Rule, Subject, rule
from convex_schema.diagnostics import Diagnostic, Severity


@rule(
    "A102",
    "index-range-order",
    Severity.ERROR,
    Category.correctness,
    "A withIndex range must use eq on the index's fields in order, then at most "
    "one lower and one upper bound on the next field; anything else fails.",
)
def check(subject: Subject, rule: Rule) -> Iterator[Diagnostic]:
    for _, chain in subject.project.queries():
        table = table_of(subject, chain)
        if table is None or chain.index is None or not chain.index_range:
            continue
        fields = index_fields(table, chain.index)
        if fields is None:
            continue  # A101 reports the missing index
        problem = range_problem(fields, chain.index_range)
        if problem is not None:
            shown = ", ".join(fields)
            yield rule.finding(
                f'index "{chain.index}" ({shown}) cannot serve this range: {problem}',
                chain.index_range[0].span,
                hint="compare the index's fields in order, or add an index whose "
                "fields come in the order this query needs",
            )
