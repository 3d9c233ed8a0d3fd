"""Legacy exports: values typed by the table's stored shape, as import does."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from convex_schema.reader import read_schema
from convex_schema.snapshot.legacy import (
    BYTES,
    INFINITY,
    INT64,
    STRING,
    LegacyValueError,
    ShapeError,
    decode_legacy,
    parse_shape,
    table_place,
)
from convex_schema.snapshot.reader import Snapshot
from convex_schema.snapshot.validate import ValidationReport, validate_snapshot

from builders import SnapshotBuilder

HEADER = (
    'import { defineSchema, defineTable } from "convex/server";\n'
    'import { v } from "convex/values";\n'
)
SYSTEM = '"_creationTime": normalfloat64, "_id": id<10001>'


def validate(
    tmp_path: Path, tables: str, builder: SnapshotBuilder, **options: Any
) -> ValidationReport:
    source = tmp_path / "schema.ts"
    source.write_text(HEADER + f"export default defineSchema({{{tables}}});\n")
    schema = read_schema(source).schema
    with Snapshot(builder.write_zip(tmp_path / "snapshot.zip")) as snapshot:
        return validate_snapshot(schema, snapshot, **options)


def decode(shape: str, document: dict[str, Any], hint: Any = None) -> Any:
    return decode_legacy(document, hint, table_place(parse_shape(shape)))


# (shape of field `x`, how a string there is read without a hint)
READINGS = [
    ("int64", INT64),
    ("bytes", BYTES),
    ("string", STRING),
    ('"active"', STRING),
    ("id<10002>", STRING),
    ("int64 | null", INT64),
    ("bytes | array<string>", BYTES),
    ("int64 | string", STRING),  # two readings: the string stays a string
    ("int64 | bytes", STRING),
    ("-inf | inf | normalfloat64", INFINITY),
    ("float64", STRING),  # it may be NaN, whose bits only a hint holds
    ("NaN | inf", STRING),
    ("unknown", STRING),
    ("never", STRING),
]


@pytest.mark.parametrize(("shape", "reading"), READINGS)
def test_how_a_shape_reads_a_string(shape: str, reading: str) -> None:
    place = table_place(parse_shape("{" + SYSTEM + ', "x": ' + shape + "}"))
    assert place.field("x").string == reading


def test_places_follow_arrays_objects_records_and_unions() -> None:
    place = table_place(
        parse_shape(
            '{"a": array<{"n": int64}>, "b"?: record<field_name, bytes>} '
            '| {"a": array<int64>, "c": {"n": string}}'
        )
    )
    assert place.field("a").element().string == INT64
    assert place.field("a").element().field("n").string == INT64
    assert place.field("b").field("any key").string == BYTES
    assert place.field("c").field("n").string == STRING
    assert place.field("missing").string == STRING


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("set<int64>", "sets and maps are no longer Convex values"),
        ('{"a": map<string, int64>}', "sets and maps"),
        ('{"a" int64}', "expected ': '"),
        ("array<int64", "expected '>'"),
        ("int64 garbage", "unexpected text at column 6"),
        ("id<ten>", "expected a table number"),
        ("", "unexpected text at column 1"),
    ],
)
def test_unreadable_shapes_say_where(text: str, message: str) -> None:
    with pytest.raises(ShapeError, match=message):
        parse_shape(text)


def test_values_typed_only_by_the_shape_decode() -> None:
    shape = (
        "{" + SYSTEM + ', "count": int64, "raw": bytes, "top": -inf | inf | '
        'normalfloat64, "nested": {"big": int64, "list": array<int64 | null>}, '
        '"bag": record<field_name, bytes>, "label": string, "ratio": float64}'
    )
    document = {
        "_id": "x",
        "_creationTime": 1.5,
        "count": "-9223372036854775808",
        "raw": "AAE=",
        "top": "-Infinity",
        "nested": {"big": "+7", "list": ["1", None, "2"]},
        "bag": {"a": "AQ==", "b": ""},
        "label": "42",
        "ratio": 3,
    }
    assert decode(shape, document) == {
        "_id": "x",
        "_creationTime": 1.5,
        "count": -(2**63),
        "raw": b"\x00\x01",
        "top": -math.inf,
        "nested": {"big": 7, "list": [1, None, 2]},
        "bag": {"a": b"\x01", "b": b""},
        "label": "42",
        "ratio": 3.0,
    }


def test_hints_decide_where_the_shape_cannot() -> None:
    shape = '{"a": int64 | string, "b": array<unknown>, "c": float64}'
    document = {"a": "42", "b": ["7", "7", "AAE="], "c": "NaN"}
    hint = {
        "a": "int64",
        "b": ["infer", "int64", "bytes"],
        "c": {"$float64NaN": "AAAAAAAA+H8="},
    }
    decoded = decode(shape, document, hint)
    assert decoded["a"] == 42
    assert decoded["b"] == ["7", 7, b"\x00\x01"]
    assert math.isnan(decoded["c"])
    assert decode(shape, document)["a"] == "42"


@pytest.mark.parametrize(
    ("document", "hint", "where"),
    [
        ({"n": "12x"}, None, "at .n: '12x' is not an int64"),
        ({"n": "9223372036854775808"}, None, "is not an int64"),  # one past the top
        ({"list": ["1", "x"]}, None, r"at .list\[1\]: 'x' is not an int64"),
        ({"deep": {"raw": "not base64!"}}, None, "at .deep.raw: .* is not bytes"),
        ({"s": "5"}, {"s": "float64inf"}, 'at .s: .* is not "Infinity"'),
        ({"s": "5"}, {"s": ["int64"]}, "at .s: a string where its hint says an array"),
        ({"list": ["1"]}, {"list": ["int64", "int64"]}, "an array of 1 where"),
        ({"s": {"a": 1}}, {"s": "map"}, "no longer a Convex value"),
    ],
)
def test_a_value_that_contradicts_the_shape_is_located(
    document: dict[str, Any], hint: Any, where: str
) -> None:
    shape = '{"n": int64, "list": array<int64>, "deep": {"raw": bytes}, "s": string}'
    with pytest.raises(LegacyValueError, match=where):
        decode(shape, document, hint)


def test_validate_types_legacy_documents_by_the_shape(tmp_path: Path) -> None:
    builder = SnapshotBuilder()
    builder.legacy_table(
        "accounts",
        "{"
        + SYSTEM
        + ', "balance": int64, "key": bytes, "limits": {"daily": int64, "history": '
        'array<int64>}, "note"?: string}',
    )
    builder.add(
        "accounts",
        {
            "balance": "12",
            "key": "AAE=",
            "limits": {"daily": "5", "history": ["1", "2"]},
            "note": "7",
        },
    )
    builder.add("accounts", {"balance": 12, "key": "AAE=", "limits": {}})
    report = validate(
        tmp_path,
        "accounts: defineTable({ balance: v.int64(), key: v.bytes(), limits: "
        "v.object({ daily: v.optional(v.int64()), history: v.optional("
        "v.array(v.int64())) }), note: v.optional(v.string()) })",
        builder,
    )
    assert [d.code for d in report.diagnostics] == ["D101"]
    (violation,) = report.diagnostics
    assert violation.span is not None
    assert violation.span.line == 2
    assert violation.data is not None
    assert violation.data["found"] == "12.0 (float64)"  # a JSON number is float64


def test_a_value_contradicting_the_shape_is_a_located_bad_line(
    tmp_path: Path,
) -> None:
    builder = SnapshotBuilder()
    builder.legacy_table(
        "accounts", "{" + SYSTEM + ', "limits": {"history": array<int64>}}'
    )
    builder.add("accounts", {"limits": {"history": ["1"]}})
    builder.raw_line("accounts", "")  # blank lines keep the numbering
    builder.add("accounts", {"limits": {"history": ["1", "two"]}})
    report = validate(
        tmp_path,
        "accounts: defineTable({ limits: v.object({ history: v.array(v.int64()) }) })",
        builder,
        keep_going=True,
    )
    (bad,) = report.diagnostics
    assert bad.code == "D001"
    assert bad.span is not None
    assert bad.span.line == 3
    assert "at .limits.history[1]: 'two' is not an int64" in bad.message
    assert report.tables[0].checked == 1


def test_an_unreadable_shape_keeps_the_hints_and_warns(tmp_path: Path) -> None:
    builder = SnapshotBuilder()
    builder.legacy_table("counters", '{"count": int64, "tags": set<string>}')
    first = builder.add("counters", {"count": "42"})
    builder.hint("counters", first, {"count": "int64"})
    builder.add("counters", {"count": "43"})
    report = validate(tmp_path, "counters: defineTable({ count: v.int64() })", builder)
    assert sorted(d.code for d in report.diagnostics) == ["D101", "D107"]
    (warning,) = [d for d in report.diagnostics if d.code == "D107"]
    assert "sets and maps are no longer Convex values" in warning.message
    (violation,) = [d for d in report.diagnostics if d.code == "D101"]
    assert violation.span is not None
    assert violation.span.line == 2
