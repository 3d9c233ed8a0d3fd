"""The index advisor: the fewest indexes that serve every query's pattern.

Each query asks its table for a pattern: a set of fields compared for
equality (from its `withIndex` range and its `.filter`), at most one field
bounded by a range, and an order (which, in Convex, is always the index's
own order). An index serves the pattern when its first fields are the
equality fields in any order and, if there is a range, the next field is the
range field. The advisor first counts what existing indexes (and their
prefixes) already serve; for the rest it proposes indexes, widest patterns
first, each reused for every narrower pattern it also serves, with field
orders that let one index serve as many patterns as possible. Each
suggestion says which functions it serves and which existing index it makes
redundant (an existing index that is a prefix of it).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from convex_schema.analyze.common import index_name, system_path
from convex_schema.analyze.functions import Function, Project, QueryChain
from convex_schema.model import Index, Schema
from convex_schema.operations import AddIndex, to_json


@dataclass(frozen=True)
class Pattern:
    table: str
    equal: frozenset[str]
    range: str | None


@dataclass
class Suggestion:
    table: str
    name: str
    fields: tuple[str, ...]
    serves: list[str] = field(default_factory=list)  # function names
    makes_redundant: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {
            "table": self.table,
            "index": self.name,
            "fields": list(self.fields),
            "serves": self.serves,
            "makesRedundant": self.makes_redundant,
            "operation": to_json(AddIndex(self.table, Index(self.name, self.fields))),
        }


def pattern_of(chain: QueryChain) -> Pattern | None:
    """What a query would need from an index, or None when it needs nothing
    (a full scan it asks for, a search query)."""
    if chain.table is None or chain.search_index is not None:
        return None
    if chain.index is not None and not chain.filter_comparisons:
        return None  # already served by the index it names (A101/A102 check it)
    equal = {s.field for s in chain.index_range if s.op == "eq"}
    ranges = {s.field for s in chain.index_range if s.op != "eq"}
    for comparison in chain.filter_comparisons:
        if comparison.op == "eq":
            equal.add(comparison.field)
        elif comparison.op in ("gt", "gte", "lt", "lte"):
            ranges.add(comparison.field)
    ranges -= equal
    if "_id" in equal:
        return None  # one document, read by id: `db.get` needs no index
    # `_creationTime` follows every index's own fields; other system paths
    # cannot be indexed at all.
    if "_creationTime" in equal:
        equal.discard("_creationTime")
        ranges.add("_creationTime")
    equal = {f for f in equal if not system_path(f)}
    creation = "_creationTime" in ranges
    ranges = {f for f in ranges if not system_path(f)}
    if not ranges and creation:
        ranges = {"_creationTime"}
    if not equal and not ranges:
        return None
    if not equal and ranges == {"_creationTime"}:
        return None  # the built-in by_creation_time serves it
    if len(ranges) > 1:
        ranges = {sorted(ranges)[0]}
    return Pattern(chain.table, frozenset(equal), next(iter(ranges), None))


def serves(fields: tuple[str, ...], pattern: Pattern) -> bool:
    width = len(pattern.equal)
    if len(fields) < width or set(fields[:width]) != pattern.equal:
        return False
    if pattern.range is None:
        return True
    if pattern.range == "_creationTime":  # what every index ends with
        return len(fields) == width
    return len(fields) > width and fields[width] == pattern.range


def advise(project: Project, schema: Schema | None) -> list[Suggestion]:
    if schema is None:
        return []
    wanted: dict[Pattern, set[str]] = defaultdict(set)
    for function, chain in project.queries():
        pattern = pattern_of(chain)
        if pattern is None or schema.table(pattern.table) is None:
            continue
        users = project.users_of(chain) or ([function] if function else [])
        wanted[pattern].update(_names(users) or {chain.span.file})
    by_table: dict[str, list[Pattern]] = defaultdict(list)
    for pattern in wanted:
        by_table[pattern.table].append(pattern)
    suggestions: list[Suggestion] = []
    for table_name in sorted(by_table):
        table = schema.table(table_name)
        assert table is not None
        existing = [i.fields for i in table.db_indexes()]
        open_patterns = [
            p for p in by_table[table_name] if not any(serves(f, p) for f in existing)
        ]
        # Widest first, so a narrower pattern can reuse a wider index.
        open_patterns.sort(
            key=lambda p: (
                -len(p.equal) - (p.range is not None),
                sorted(p.equal),
                p.range or "",
            )
        )
        chosen: list[Suggestion] = []
        for pattern in open_patterns:
            home = next((s for s in chosen if serves(s.fields, pattern)), None)
            if home is None:
                fields = _order(pattern, open_patterns)
                home = Suggestion(
                    table_name, _unique_name(fields, table, chosen), fields
                )
                chosen.append(home)
            home.serves = sorted(set(home.serves) | wanted[pattern])
        for suggestion in chosen:
            suggestion.makes_redundant = sorted(
                i.name
                for i in table.db_indexes()
                if len(i.fields) < len(suggestion.fields)
                and suggestion.fields[: len(i.fields)] == i.fields
            )
        suggestions += chosen
    return suggestions


def _order(pattern: Pattern, patterns: list[Pattern]) -> tuple[str, ...]:
    """The equality fields ordered so that narrower patterns of the same table
    find theirs as a prefix: follow the chain of nested patterns, smallest
    first, then the rest of the fields, then the range field."""
    fields: list[str] = []
    current: frozenset[str] = frozenset()
    while True:
        inner = [
            p
            for p in patterns
            if p.range is None and current < p.equal <= pattern.equal
        ]
        if not inner:
            break
        step = min(inner, key=lambda p: (len(p.equal), sorted(p.equal)))
        fields += sorted(step.equal - current)
        current = step.equal
    fields += sorted(pattern.equal - current)
    if pattern.range is not None and pattern.range != "_creationTime":
        fields.append(pattern.range)
    return tuple(fields)


def _unique_name(
    fields: tuple[str, ...], table: object, chosen: list[Suggestion]
) -> str:
    name = index_name(fields)
    taken = {s.name for s in chosen} | {i.name for i in getattr(table, "indexes", ())}
    if name not in taken:
        return name
    counter = 2
    while f"{name}_{counter}" in taken:
        counter += 1
    return f"{name}_{counter}"


def _names(functions: list[Function]) -> set[str]:
    return {f.name for f in functions}
