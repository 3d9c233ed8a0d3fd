"""A405: documents or arrays past half of Convex's limits, in a snapshot.

Runs only with `--data`: the statistics of `profile` (`profile_snapshot`),
whose tables carry `documentSize` (min, max, p95 of the Convex size in
bytes) and, per field, `arrayLength` (min, max, p95). A table whose largest
document is at least half of 1 MiB, or a field whose longest array has at
least half of 8,192 elements, is reported: the next writes that grow it are
the ones that fail. Fields the profile sees are top-level fields and fields
of nested objects (`a.b`), not fields inside arrays.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from convex_schema.analyze.registry import Category, Rule, Subject, rule
from convex_schema.diagnostics import Diagnostic, Severity
from convex_schema.model import Span
from convex_schema.model.limits import MAX_ARRAY_LENGTH, MAX_DOCUMENT_BYTES

SHARE = 0.5


@rule(
    "A405",
    "near-limits",
    Severity.WARNING,
    Category.design,
    "With --data: a table whose largest document is at least half of the 1 MiB "
    "limit, or an array field whose longest array has at least half of the "
    "8,192-element limit, in the snapshot.",
)
def check(subject: Subject, rule: Rule) -> Iterator[Diagnostic]:
    data = subject.options.data
    tables = data.get("tables") if isinstance(data, dict) else None
    if not isinstance(tables, list):
        return
    for profile in tables:
        if not isinstance(profile, dict):
            continue
        name = str(profile.get("table"))
        largest = _max(profile.get("documentSize"))
        if largest is not None and largest >= SHARE * MAX_DOCUMENT_BYTES:
            share = round(100 * largest / MAX_DOCUMENT_BYTES)
            yield rule.finding(
                f'the largest document of "{name}" is {_kib(largest)}, {share}% '
                "of the 1 MiB document limit",
                _span(subject, name, None),
                hint="move the parts that grow (arrays, long text, blobs) into "
                "their own table or file storage before writes start to fail",
                data={"table": name, "documentSize": largest},
            )
        for stats in profile.get("fields") or []:
            longest = (
                _max(stats.get("arrayLength")) if isinstance(stats, dict) else None
            )
            if longest is None or longest < SHARE * MAX_ARRAY_LENGTH:
                continue
            path = str(stats.get("path"))
            share = round(100 * longest / MAX_ARRAY_LENGTH)
            yield rule.finding(
                f'the longest "{path}" array in "{name}" has {longest:,} '
                f"elements, {share}% of the {MAX_ARRAY_LENGTH:,}-element limit",
                _span(subject, name, path),
                hint="keep the elements in a child table with an index on the "
                "parent's id, one document per element",
                data={"table": name, "field": path, "arrayLength": longest},
            )


def _max(summary: Any) -> int | None:
    if isinstance(summary, dict) and isinstance(summary.get("max"), int):
        return int(summary["max"])
    return None


def _kib(size: int) -> str:
    return f"{size / 1024:,.0f} KiB"


def _span(subject: Subject, table_name: str, path: str | None) -> Span | None:
    """The schema's field (or table) the statistic is about, when it has one."""
    table = subject.schema.table(table_name) if subject.schema else None
    if table is None:
        return None
    field = table.field_at(path) if path is not None else None
    return field.span if field is not None and field.span else table.span
