"""A201: `.filter` on a database query, with the `withIndex` that replaces it.

`.filter` reads every document of the range and drops the ones that do not
match; an index range reads only the matching ones. Where an index of the
table already starts with the fields the filter compares for equality, the
finding carries the exact rewrite; where none does, it names the index to
add (the index advisor's name for it) and the rewrite that would use it.
"""

from __future__ import annotations

from collections.abc import Iterator

from convex_schema.analyze.common import (
    Cover,
    best_cover,
    index_fields,
    index_name,
    is_rewritable,
    rewrite_filter,
    table_of,
)
from convex_schema.analyze.functions import QueryChain
from convex_schema.analyze.registry import Category, Rule, Subject, rule
from convex_schema.diagnostics import Diagnostic, Severity
from convex_schema.model import Index, Table
from convex_schema.operations import AddIndex, to_json


@rule(
    "A201",
    "filter-in-query",
    Severity.WARNING,
    Category.performance,
    ".filter on a database query scans the whole range; use withIndex, or "
    "filter in TypeScript after a bounded read. Info after a withIndex that fixes "
    "every field of its index (the range is one key).",
    eslint="no-filter-in-query",
)
def check(subject: Subject, rule: Rule) -> Iterator[Diagnostic]:
    for _, chain in subject.project.queries():
        if not chain.filters:
            continue
        users = sorted(f.name for f in subject.project.users_of(chain))
        table = table_of(subject, chain)
        fields = sorted({c.field for c in chain.filter_comparisons})
        compared = f" on {', '.join(fields)}" if fields else ""
        message = f'.filter{compared} scans "{chain.table or "?"}"'
        severity = None
        if chain.index is not None:
            message += f' after index "{chain.index}"'
            if _pinned(table, chain):
                # Every field of the index is fixed by an eq: the range left
                # to filter holds the documents of one key, often one or none.
                message += ", whose every field the range fixes"
                severity = Severity.INFO
        fix = None
        hint = "use .withIndex with an index on the compared fields"
        by_id = any(c.field == "_id" and c.op == "eq" for c in chain.filter_comparisons)
        if table is not None and chain.index is None and not by_id:
            # Not rewritable (two .filters, an or, a computed value) but an
            # index still fits: name it.
            cover = best_cover(table, chain.filter_comparisons)
            if cover is not None:
                hint = f"use {_with_index(cover)} and keep the rest of the filter"
        if by_id:
            hint = (
                "read the document by its id with ctx.db.get(id) and test the "
                "other fields in TypeScript: _id is in no index but by_id"
            )
        source = _source(subject, chain.span.file)
        if table is not None and source is not None and is_rewritable(chain):
            cover = best_cover(table, chain.filter_comparisons)
            operations: list[dict[str, object]] = []
            if cover is None:
                equal = [c.field for c in chain.filter_comparisons if c.op == "eq"]
                name = index_name(equal)
                if table.index(name) is None:
                    operations.append(
                        to_json(AddIndex(table.name, Index(name, tuple(equal))))
                    )
                cover = Cover(name, tuple(equal), ())
            edits = rewrite_filter(source, chain, cover)
            after = " after adding that index" if operations else ""
            hint = f"use {_with_index(cover)}{after}"
            fix = {
                "description": f'query "{table.name}" through index "{cover.index}"',
                "operations": operations,
                "edits": edits,
                "safe": True,
            }
        yield rule.finding(
            message,
            chain.filters[0],
            hint=hint,
            fix=fix,
            data={"functions": users, "table": chain.table, "fields": fields},
            severity=severity,
        )
        for span in chain.filters[1:]:
            yield rule.finding(
                f'another .filter on the same query of "{chain.table or "?"}"',
                span,
                hint="join the predicates with q.and(...), then move what you can "
                "into a withIndex range",
                data={"functions": users, "table": chain.table},
            )


def _with_index(cover: Cover) -> str:
    """The `withIndex` call a filter becomes, values elided."""
    steps = "".join(f'.eq("{f}", …)' for f in cover.fields)
    return f'.withIndex("{cover.index}", (q) => q{steps})'


def _pinned(table: Table | None, chain: QueryChain) -> bool:
    """Whether the chain's `withIndex` range fixes every field the index
    declares with `eq` (a compound key looked up whole)."""
    if table is None or chain.index is None:
        return False
    fields = index_fields(table, chain.index)
    if not fields:
        return False
    declared = [f for f in fields if f != "_creationTime"]
    fixed = {step.field for step in chain.index_range if step.op == "eq"}
    return bool(declared) and set(declared) <= fixed


def _source(subject: Subject, file: str) -> bytes | None:
    facts = subject.project.files.get(file)
    return facts.source if facts is not None else None
