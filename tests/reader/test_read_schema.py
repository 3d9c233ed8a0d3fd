"""`read_schema` end to end on small sources: string values, the spans of
method calls, the TSX grammar, and the cycle collector left as it was."""

from __future__ import annotations

import gc
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from convex_schema.errors import ConvexSchemaError
from convex_schema.model import LiteralV, ObjectV
from convex_schema.reader import read_schema

HEAD = (
    'import { defineSchema, defineTable } from "convex/server";\n'
    'import { v } from "convex/values";\n'
)


def schema(fields: str, chain: str = "") -> bytes:
    table = f"  t: defineTable({{ {fields} }}){chain},\n"
    return (HEAD + "export default defineSchema({\n" + table + "});\n").encode()


def literal(tmp_path: Path, code: str) -> object:
    result = read_schema(tmp_path / "schema.ts", source=schema(f"a: v.literal({code})"))
    document = result.schema.tables[0].document
    assert isinstance(document, ObjectV)
    validator = document.fields[0].validator
    assert isinstance(validator, LiteralV)
    return validator.value


@pytest.mark.parametrize(
    ("code", "value"),
    [
        ('"plain"', "plain"),
        ("'single'", "single"),
        ('""', ""),
        ('"it\'s"', "it's"),
        ('"tab\\there"', "tab\there"),
        ('"\\u00e9t\\u{e9}"', "été"),
        ('"été"', "été"),
        ('"a\\\\b"', "a\\b"),
        ('"line\\\ncontinued"', "linecontinued"),
        ('"/* not a comment */"', "/* not a comment */"),
    ],
)
def test_string_literals(tmp_path: Path, code: str, value: str) -> None:
    assert literal(tmp_path, code) == value


@pytest.mark.parametrize(
    ("call", "spanned"),
    [
        ("v.string()", ".string()"),
        ("v /* c */ .string()", ".string()"),
        ("v\n    .string()", ".string()"),
        ("(v).string()", ".string()"),
        ("v?.string()", "v?.string()"),
    ],
)
def test_a_method_call_is_spanned_from_its_dot(
    tmp_path: Path, call: str, spanned: str
) -> None:
    source = schema(f"a: {call}")
    result = read_schema(tmp_path / "schema.ts", source=source)
    document = result.schema.tables[0].document
    assert isinstance(document, ObjectV)
    span = document.fields[0].validator.span
    assert span is not None
    assert source[span.start : span.end].decode() == spanned


def test_tsx_files_read_as_typescript_ones(tmp_path: Path) -> None:
    source = schema(
        'a: v.string(), "b": v.optional(v.id("t")), ...{ c: v.array(v.number()) }',
        '.index("by_a", ["a"])',
    )
    ts = read_schema(tmp_path / "schema.ts", source=source).schema
    tsx = read_schema(tmp_path / "schema.tsx", source=source).schema
    assert tsx.to_json() == ts.to_json()
    ts_document, tsx_document = ts.tables[0].document, tsx.tables[0].document
    assert isinstance(ts_document, ObjectV)
    assert isinstance(tsx_document, ObjectV)
    assert [f.span for f in ts_document.fields] == [
        replace(f.span, file="schema.ts") if f.span else None
        for f in tsx_document.fields
    ]


@pytest.mark.parametrize("enabled", [True, False])
def test_a_read_leaves_the_cycle_collector_as_it_was(
    tmp_path: Path, enabled: bool
) -> None:
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        read_schema(tmp_path / "schema.ts", source=schema("a: v.string()"))
        assert gc.isenabled() is enabled
        with pytest.raises(ConvexSchemaError):
            read_schema(tmp_path / "schema.ts", source=schema("a: v.strin()"))
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_overlapping_reads_turn_the_collector_back_on(tmp_path: Path) -> None:
    source = schema("a: v.string(), b: v.array(v.object({ c: v.number() }))")
    errors: list[Exception] = []

    def read() -> None:
        try:
            for _ in range(20):
                read_schema(tmp_path / "schema.ts", source=source)
        except Exception as error:
            errors.append(error)

    assert gc.isenabled()
    threads = [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert gc.isenabled()
