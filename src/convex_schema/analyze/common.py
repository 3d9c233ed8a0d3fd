"""What several rules share: index lookups, range checks and the rewrite of a
`.filter` into a `withIndex`."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from convex_schema.analyze.functions import (
    Body,
    Comparison,
    Function,
    Project,
    QueryChain,
)
from convex_schema.analyze.registry import Subject
from convex_schema.model import (
    ArrayV,
    Field,
    Index,
    ObjectV,
    RecordV,
    Schema,
    Span,
    Table,
    UnionV,
    Validator,
)
from convex_schema.operations import DropIndex, to_json

T = TypeVar("T")

# Every table has these two, without declaring them.
BUILTIN_INDEXES = {"by_creation_time": ("_creationTime",), "by_id": ("_id",)}


def convex_version(root: Path) -> tuple[int, int, int] | None:
    """The `convex` package version the project builds with: the installed
    one (`node_modules/convex`, from the root up), else the lowest version
    its package.json accepts (`^1.25.4` -> 1.25.4); None when neither says."""
    root = root.resolve()
    for folder in (root, *root.parents):
        manifest = folder / "node_modules" / "convex" / "package.json"
        found = _version(_json_field(manifest, ("version",)))
        if found is not None:
            return found
    for key in ("dependencies", "devDependencies", "peerDependencies"):
        found = _version(_json_field(root / "package.json", (key, "convex")))
        if found is not None:
            return found
    return None


def _json_field(path: Path, keys: tuple[str, ...]) -> object:
    try:
        value: object = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _version(text: object) -> tuple[int, int, int] | None:
    found = re.search(r"(\d+)\.(\d+)\.(\d+)", text) if isinstance(text, str) else None
    if found is None:
        return None
    major, minor, patch = (int(part) for part in found.groups())
    return major, minor, patch


def user_tables(schema: Schema) -> list[Table]:
    """The tables the project describes itself: not those a package defines
    and the schema spreads in (`...authTables`), which have no place in the
    project's files and which the project cannot change."""
    return [table for table in schema.tables if table.document.span is not None]


def written_indexes(table: Table, staged: bool | None = None) -> list[Index]:
    """The table's database indexes that the project writes: not those of a
    package's table (`...authTables`), which have no place in its files."""
    return [index for index in table.db_indexes(staged) if index.span is not None]


def drop_index_fix(
    subject: Subject, table: Table, index: Index
) -> dict[str, Any] | None:
    """The fix that drops `index`, when the surgical editor can: the index
    is written in the schema file (not in a file the schema imports)."""
    span = index.span
    if span is None or span.file != subject.schema_file:
        return None
    return {
        "description": f'drop index "{index.name}"',
        "operations": [to_json(DropIndex(table.name, index.name))],
        "edits": [],
        "safe": False,
    }


def table_of(subject: Subject, chain: QueryChain) -> Table | None:
    if subject.schema is None or chain.table is None:
        return None
    return subject.schema.table(chain.table)


def index_fields(table: Table, name: str) -> tuple[str, ...] | None:
    """The fields of a database index by name, `_creationTime` included last
    (the backend appends it to every index)."""
    if name in BUILTIN_INDEXES:
        return BUILTIN_INDEXES[name]
    index = table.index(name)
    if not isinstance(index, Index):
        return None
    return (*index.fields, "_creationTime")


def range_problem(fields: tuple[str, ...], steps: list[Comparison]) -> str | None:
    """Why a `withIndex` range is not one the index can serve, or None.

    A range is `eq`s on the index's fields in order from the first, then at
    most one lower bound (`gt`/`gte`) and one upper bound (`lt`/`lte`) on the
    next field."""
    position = 0
    bounded: str | None = None
    lower = upper = False
    for step in steps:
        if step.op == "eq":
            if bounded is not None:
                return f'q.eq("{step.field}") comes after a range on "{bounded}"'
            if position >= len(fields):
                return f'"{step.field}" is past the end of the index'
            if fields[position] != step.field:
                return (
                    f'q.eq("{step.field}") where the index expects '
                    f'"{fields[position]}" next'
                )
            position += 1
            continue
        if bounded is None:
            if position >= len(fields) or fields[position] != step.field:
                expected = fields[position] if position < len(fields) else "nothing"
                return (
                    f'q.{step.op}("{step.field}") where the index expects '
                    f'"{expected}" next'
                )
            bounded = step.field
        elif step.field != bounded:
            return f'a second range field "{step.field}" after "{bounded}"'
        is_lower = step.op in ("gt", "gte")
        if (is_lower and lower) or (not is_lower and upper):
            return f'two {"lower" if is_lower else "upper"} bounds on "{step.field}"'
        lower = lower or is_lower
        upper = upper or not is_lower
    return None


def index_name(fields: list[str] | tuple[str, ...]) -> str:
    """The Convex way: `["a", "b.c"]` → `by_a_and_b_c`."""
    return "by_" + "_and_".join(re.sub(r"\W", "_", f) for f in fields)


@dataclass(frozen=True)
class Cover:
    index: str
    fields: tuple[str, ...]  # the index fields the equalities fill, in order
    rest: tuple[Comparison, ...]  # what stays in `.filter`


def best_cover(table: Table, comparisons: list[Comparison]) -> Cover | None:
    """The existing index whose leading fields the filter's equalities fill
    best (at least the first one), or None."""
    equal = {c.field: c for c in comparisons if c.op == "eq"}
    best: Cover | None = None
    for index in table.db_indexes(staged=False):
        used: list[str] = []
        for name in index.fields:
            if name not in equal:
                break
            used.append(name)
        if not used:
            continue
        if best is None or len(used) > len(best.fields):
            rest = tuple(c for c in comparisons if c.field not in used)
            best = Cover(index.name, tuple(used), rest)
    return best


def rewrite_filter(
    source: bytes, chain: QueryChain, cover: Cover
) -> list[dict[str, object]]:
    """Text edits that turn `db.query("t")….filter(eqs)` into
    `db.query("t").withIndex("by_…", (q) => q.eq(…))`, keeping any comparison
    the index does not cover in a smaller `.filter`."""
    assert chain.filter_span is not None
    by_field = {c.field: c for c in chain.filter_comparisons}
    steps = "".join(f'.eq("{f}", {by_field[f].value})' for f in cover.fields)
    with_index = f'.withIndex("{cover.index}", (q) => q{steps})'
    start = chain.filter_span.start
    # The `.` before `filter` and the line break and indent before it: the
    # new call is laid out the same way, one call a line if the chain is.
    cut = start - 1
    while cut > 0 and source[cut - 1 : cut] in (b" ", b"\n", b"\t", b"\r"):
        cut -= 1
    lead = source[cut : start - 1].decode()
    file = chain.span.file
    rest = ""
    if cover.rest:
        remaining = [f'q.eq(q.field("{c.field}"), {c.value})' for c in cover.rest]
        predicate = (
            remaining[0] if len(remaining) == 1 else f"q.and({', '.join(remaining)})"
        )
        rest = f"{lead}.filter((q) => {predicate})"
    if cut == chain.query_span.end:
        # `.filter` follows `db.query("t")` directly: it becomes the withIndex.
        text = lead + with_index + rest
        return [
            {"file": file, "start": cut, "end": chain.filter_span.end, "text": text}
        ]
    return [
        {
            "file": file,
            "start": chain.query_span.end,
            "end": chain.query_span.end,
            "text": lead + with_index,
        },
        {"file": file, "start": cut, "end": chain.filter_span.end, "text": rest},
    ]


def is_rewritable(chain: QueryChain) -> bool:
    """A single simple `.filter` of `eq`s, no `withIndex` yet, values that do
    not read the predicate's own argument."""
    if chain.index is not None or chain.search_index is not None:
        return False
    if (
        len(chain.filters) != 1
        or not chain.filter_simple
        or not chain.filter_comparisons
    ):
        return False
    return all(
        not re.search(r"\bq\.", c.value) and not system_path(c.field)
        for c in chain.filter_comparisons
    )


def system_path(field: str) -> bool:
    """A field no index can hold: `_id`, `_creationTime` (appended to every
    index by the backend) or any path with a part starting with `_`."""
    return any(part.startswith("_") for part in field.split("."))


def schema_has_table(schema: Schema | None, name: str) -> bool:
    return schema is not None and schema.table(name) is not None


def each_once(
    project: Project,
    items: Callable[[Body], Iterable[T]],
    place: Callable[[T], Span],
) -> list[tuple[T, list[Function]]]:
    """Each fact `items` picks out of a body, once per place, with the
    functions that reach it; facts of helpers no function calls come last,
    with no functions."""
    found: dict[tuple[str, int], tuple[T, list[Function]]] = {}
    for function in project.functions:
        for item in items(function.reach):
            span = place(item)
            _, users = found.setdefault((span.file, span.start), (item, []))
            if not any(user is function for user in users):
                users.append(function)
    for body in project.helpers.values():
        for item in items(body):
            span = place(item)
            found.setdefault((span.file, span.start), (item, []))
    return list(found.values())


@dataclass(frozen=True)
class Place:
    """A validator inside a table's document, with its path (`a.b` through
    objects, `a[]` into array elements, `a{}` into record values; union
    members keep their union's path) and the object field that holds it."""

    path: str
    validator: Validator
    field: Field | None

    def span(self, table: Table) -> Span | None:
        """The holding field's span, else the validator's, else the table's."""
        if self.field is not None and self.field.span is not None:
            return self.field.span
        return self.validator.span or table.span


def places(
    validator: Validator, path: str = "", holder: Field | None = None
) -> list[Place]:
    """`validator` and every validator nested in it, depth first."""
    out = [Place(path, validator, holder)]
    if isinstance(validator, ObjectV):
        for item in validator.fields:
            inner = f"{path}.{item.name}" if path else item.name
            out += places(item.validator, inner, item)
    elif isinstance(validator, ArrayV):
        out += places(validator.element, path + "[]", holder)
    elif isinstance(validator, RecordV):
        out += places(validator.values, path + "{}", holder)
    elif isinstance(validator, UnionV):
        for member in validator.members:
            out += places(member, path, holder)
    return out
