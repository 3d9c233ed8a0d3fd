"""A207: `Date.now()` in a query, in its own handler or a helper it calls.

A query's result is cached and its subscriptions rerun only when the data it
read changes; the time is not such an input, so a result computed from
`Date.now()` (or `new Date()`, which reads the same clock) goes stale while
clients keep showing it (REFERENCE §8.1 #13). Mutations and actions may read
the clock freely.
"""

from __future__ import annotations

from collections.abc import Iterator

from convex_schema.analyze.registry import Category, Rule, Subject, rule
from convex_schema.diagnostics import Diagnostic, Severity


@rule(
    "A207",
    "date-now-in-query",
    Severity.WARNING,
    Category.performance,
    "Date.now() or new Date() in a query (or a helper it calls) breaks caching and "
    "reactivity: the query does not rerun as time passes. Pass the time as an "
    "argument, or store a flag that a scheduled mutation sets.",
)
def check(subject: Subject, rule: Rule) -> Iterator[Diagnostic]:
    calls = subject.project.calls_of("date_now")
    for call, users in calls:
        queries = sorted(u.name for u in users if u.kind == "query")
        if not queries:
            continue
        noun = "query" if len(queries) == 1 else "queries"
        shown = ", ".join(f'"{name}"' for name in queries)
        yield rule.finding(
            f"{call.name}() in {noun} {shown}: a cached result does not change "
            "as time passes, so clients see a stale answer",
            call.span,
            hint="pass the time in as an argument (rounded, e.g. to the minute, "
            "so the cache still works), or store a flag (e.g. isExpired) that a "
            "scheduled mutation sets, and query that",
            data={"functions": queries},
        )
