"""The batch loop skips work only where nothing can be found.

`TableChecker.run` decodes a line only when it holds a value tag and walks a
document for limits only when cheap tests cannot rule a problem out. These
tests compare it with the plain route (decode every line, check it with the
closure checks, walk it for limits) on documents built to hit the edges:
bad field names in any position, value tags with extra keys, deep nesting.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convex_schema.model import (
    AnyV,
    ArrayV,
    Field,
    Float64V,
    ObjectV,
    RecordV,
    StringV,
    Table,
    UnionV,
    Validator,
)
from convex_schema.snapshot.batch import TableChecker
from convex_schema.snapshot.checker import IdTables, compile_document_check
from convex_schema.snapshot.limits import limit_problems
from convex_schema.snapshot.reader import SnapshotTable, decode_line

NESTED = ObjectV((Field("x", Float64V(), optional=True),))
VALIDATORS: dict[str, Validator | None] = {
    "none": None,
    "any": AnyV(),
    "free": ObjectV(
        (
            Field("a", AnyV(), optional=True),
            Field("b", RecordV(StringV(), Float64V()), optional=True),
            Field("c", NESTED, optional=True),
            Field("d", ArrayV(Float64V()), optional=True),
        )
    ),
    "records": ObjectV(
        (
            Field("b", RecordV(StringV(), Float64V()), optional=True),
            Field("c", NESTED, optional=True),
            Field("d", ArrayV(RecordV(StringV(), Float64V())), optional=True),
            Field(
                "u", UnionV((Float64V(), RecordV(StringV(), StringV()))), optional=True
            ),
        )
    ),
    "bounded": ObjectV(
        (
            Field("c", NESTED, optional=True),
            Field("d", ArrayV(Float64V()), optional=True),
            Field("s", StringV(), optional=True),
        )
    ),
}

KEYS = [
    "a",
    "b",
    "c",
    "d",
    "s",
    "u",
    "x",
    "_x",
    "$x",
    "",
    "café",
    "del\x7f",
    "k" * 1030,
]
scalars = st.one_of(
    st.sampled_from([1.5, 0.25, "text", "$5", "naïve", "", None, True]),
    st.just({"$bytes": "AAE="}),
    st.just({"$bytes": "AAE=", "x": 1.5}),
    st.just({"$float": "AAAAAAAA8H8="}),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(KEYS), inner, max_size=3),
    ),
    max_leaves=8,
)
documents = st.dictionaries(st.sampled_from(KEYS), values, max_size=4)


def deep(levels: int) -> Any:
    value: Any = 1.5
    for _ in range(levels):
        value = {"x": value}
    return value


def line(fields: dict[str, Any], ascii_only: bool) -> str:
    head = '{"_id":"j97a","_creationTime":1.5'
    body = json.dumps(fields, separators=(",", ":"), ensure_ascii=ascii_only)[1:-1]
    return head + ("," + body if body else "") + "}"


def plain_route(
    table: SnapshotTable, validator: Validator | None, raw: bytes
) -> tuple[bool, list[tuple[str, str]]]:
    """(fails the schema, limit problems), the slow and obvious way."""
    document = decode_line(table, raw)
    ids = IdTables({}, known=False)
    fails = validator is not None and not compile_document_check(validator, ids)(
        document
    )
    return fails, list(limit_problems(document))


def compare(name: str, lines: list[str]) -> None:
    validator = VALIDATORS[name]
    table = Table(name, validator) if validator is not None else None
    data = SnapshotTable(name, f"{name}/documents.jsonl")
    checker = TableChecker(data, table, IdTables({}, False), {}, False, 10_000)
    raws = [text.encode() for text in lines]
    batch = checker.run(7, b"\n".join(raws))
    expected = [plain_route(data, validator, raw) for raw in raws]
    assert batch.count == len(raws)
    assert batch.failed == (sum(fails for fails, _ in expected) if table else 0)
    found = {line: problems for line, _, problems in batch.limit_failures}
    assert found == {
        7 + index: problems for index, (_, problems) in enumerate(expected) if problems
    }


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    name=st.sampled_from(sorted(VALIDATORS)),
    fields=st.lists(documents, min_size=1, max_size=4),
    ascii_only=st.booleans(),
)
def test_the_batch_loop_finds_what_the_plain_route_finds(
    name: str, fields: list[dict[str, Any]], ascii_only: bool
) -> None:
    compare(name, [line(f, ascii_only) for f in fields])


EDGES = [
    {"b": {"": 1.5}},  # an empty field name
    {"d": [{"x": 1.5}, {"": 1.5}], "u": {"": "x"}},
    {"b": {"del\x7f": 1.5}},  # DEL is ASCII but not printable
    {"b": {"k" * 1025: 1.5}},  # a name one past 1024 characters, in a short line
    {"b": {"k" * 1024: 1.5}},
    {"a": {"$bytes": "AAE=", "x": 1.5}},  # a tag with another key is an object
    {"a": {"$x": 1.5}},
    {"a": deep(15)},
    {"a": deep(16)},
    {"c": {"x": 1.5, "$y": 1.5}},  # fails the schema and breaks a name rule
    {"_hidden": 1.5},
]


@pytest.mark.parametrize("name", sorted(VALIDATORS))
@pytest.mark.parametrize("ascii_only", [True, False])
def test_edge_documents(name: str, ascii_only: bool) -> None:
    compare(name, [line(fields, ascii_only) for fields in EDGES])
