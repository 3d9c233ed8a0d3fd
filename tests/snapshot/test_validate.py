"""validate: documents against a schema with the backend's semantics."""

from __future__ import annotations

from pathlib import Path

import pytest

from convex_schema.cli.main import run
from convex_schema.reader import read_schema
from convex_schema.snapshot.reader import Snapshot, SnapshotError
from convex_schema.snapshot.validate import ValidationReport, validate_snapshot

from builders import SnapshotBuilder

HEADER = (
    'import { defineSchema, defineTable } from "convex/server";\n'
    'import { v } from "convex/values";\n'
)


def schema_file(tmp_path: Path, tables: str, options: str = "") -> Path:
    path = tmp_path / "schema.ts"
    tail = f", {options}" if options else ""
    path.write_text(HEADER + f"export default defineSchema({{{tables}}}{tail});\n")
    return path


def validate(
    tmp_path: Path, tables: str, builder: SnapshotBuilder, **kw: object
) -> ValidationReport:
    schema = read_schema(schema_file(tmp_path, tables)).schema
    with Snapshot(builder.write_zip(tmp_path / "snapshot.zip")) as snapshot:
        return validate_snapshot(schema, snapshot, **kw)  # type: ignore[arg-type]


def codes(report: ValidationReport) -> list[str]:
    return [d.code for d in report.diagnostics]


# (validator, a value written as JSON text that passes, one that fails)
KINDS = [
    ("v.string()", '"hi"', "3.0"),
    ("v.number()", "3.5", "3"),
    ("v.float64()", "1e3", '"1"'),
    ("v.int64()", "3", "3.0"),
    ("v.boolean()", "true", "0.0"),
    ("v.null()", "null", "false"),
    ("v.bytes()", '{"$bytes": "AAE="}', '"AAE="'),
    ('v.literal("a")', '"a"', '"b"'),
    ("v.literal(3)", "3.0", "3"),
    ("v.literal(3n)", "3", "3.0"),
    ("v.literal(true)", "true", "false"),
    ("v.array(v.int64())", "[1, 2]", "[1, 2.0]"),
    ("v.object({ a: v.string() })", '{"a": "x"}', '{"a": "x", "b": 1}'),
    ("v.object({ a: v.optional(v.string()) })", "{}", '{"a": null}'),
    ("v.record(v.string(), v.number())", '{"any key": 1.5}', '{"k": "x"}'),
    ("v.union(v.string(), v.int64())", "7", "7.5"),
    ("v.nullable(v.string())", "null", "1.0"),
    ("v.any()", '{"deep": [1, "x"]}', None),
    ("v.number()", '{"$float": "AAAAAAAA+H8="}', '{"$bytes": ""}'),
]


@pytest.mark.parametrize(("validator", "good", "bad"), KINDS)
def test_every_validator_kind(
    tmp_path: Path, validator: str, good: str, bad: str | None
) -> None:
    builder = SnapshotBuilder()
    builder.table("things")
    builder.add("things", '{"x": ' + good + "}")
    if bad is not None:
        builder.add("things", '{"x": ' + bad + "}")
    report = validate(tmp_path, f"things: defineTable({{ x: {validator} }})", builder)
    (table,) = report.tables
    assert table.checked == (2 if bad else 1)
    assert table.failed == (1 if bad else 0)
    if bad is not None:
        (diagnostic,) = [d for d in report.diagnostics if d.code == "D101"]
        assert diagnostic.data is not None
        assert diagnostic.data["path"].startswith(".x")
        assert diagnostic.span is not None
        assert diagnostic.span.line == 2


def test_missing_and_extra_fields_are_named(tmp_path: Path) -> None:
    builder = SnapshotBuilder()
    builder.table("users")
    builder.add("users", {"name": "Ada"})
    builder.add("users", {"name": "Bo", "email": "b@x.io", "nick": "b"})
    report = validate(
        tmp_path, "users: defineTable({ name: v.string(), email: v.string() })", builder
    )
    messages = [d.message for d in report.diagnostics]
    assert any("missing the required field `email`" in m for m in messages)
    assert any("extra field `nick`" in m for m in messages)
    assert report.tables[0].failed == 2


def test_ids_are_checked_by_table_number(tmp_path: Path) -> None:
    builder = SnapshotBuilder()
    builder.table("users")
    builder.table("posts")
    author = builder.add("users", {"name": "Ada"})
    builder.add("posts", {"authorId": author})
    other_post = builder.add("posts", {"authorId": author})
    builder.add("posts", {"authorId": other_post})  # an id of the wrong table
    broken = author[:-1] + ("a" if author[-1] != "a" else "b")  # checksum fails
    builder.add("posts", {"authorId": broken})
    report = validate(
        tmp_path,
        "users: defineTable({ name: v.string() }), "
        'posts: defineTable({ authorId: v.id("users") })',
        builder,
    )
    posts = next(t for t in report.tables if t.table == "posts")
    assert (posts.checked, posts.failed) == (4, 2)
    messages = " ".join(d.message for d in report.diagnostics)
    assert "from table `posts`, expected `users`" in messages
    assert "not a valid document ID" in messages


def test_dangling_references_are_found(tmp_path: Path) -> None:
    builder = SnapshotBuilder()
    builder.table("users")
    builder.table("posts")
    author = builder.add("users", {"name": "Ada"})
    builder.add("posts", {"authorId": author, "tags": []})
    ghost = builder.new_id("users")
    builder.add("posts", {"authorId": ghost, "tags": []})
    report = validate(
        tmp_path,
        "users: defineTable({ name: v.string() }), "
        'posts: defineTable({ authorId: v.id("users"), tags: v.array(v.string()) })',
        builder,
    )
    dangling = [d for d in report.diagnostics if d.code == "D103"]
    assert len(dangling) == 1
    assert dangling[0].data is not None
    assert dangling[0].data["missing"] == ghost
    assert next(t for t in report.tables if t.table == "posts").dangling == 1


def test_a_dangling_reference_in_an_array_names_the_array(tmp_path: Path) -> None:
    builder = SnapshotBuilder()
    builder.table("users")
    builder.table("teams")
    member = builder.add("users", {"name": "Ada"})
    ghost = builder.new_id("users")
    builder.add("teams", {"memberIds": [member, ghost]})
    report = validate(
        tmp_path,
        "users: defineTable({ name: v.string() }), "
        'teams: defineTable({ memberIds: v.array(v.id("users")) })',
        builder,
    )
    [dangling] = [d for d in report.diagnostics if d.code == "D103"]
    assert dangling.data is not None
    assert dangling.data["path"] == ".memberIds[]"
    assert "at .memberIds[], which is not" in dangling.message


def test_limits_at_the_boundary_and_past_it(tmp_path: Path) -> None:
    builder = SnapshotBuilder()
    builder.table("blobs")
    builder.add("blobs", {"items": [0.5] * 8192})
    builder.add("blobs", {"items": [0.5] * 8193})
    deep_ok: object = 1.0
    for _ in range(15):  # the document itself is the 16th level
        deep_ok = {"a": deep_ok}
    builder.add("blobs", {"items": [], "deep": deep_ok})
    builder.add("blobs", {"items": [], "deep": {"a": deep_ok}})
    builder.add("blobs", {"items": [], "text": "x" * (1024 * 1024)})
    report = validate(
        tmp_path,
        "blobs: defineTable({ items: v.array(v.number()), deep: v.optional(v.any()), "
        "text: v.optional(v.string()) })",
        builder,
    )
    assert report.tables[0].over_limits == 3
    messages = [d.message for d in report.diagnostics if d.code == "D102"]
    assert any("8,193 elements" in m for m in messages)
    assert any("nested 17 levels" in m for m in messages)
    assert any("1,048,576 (1 MiB)" in m for m in messages)


def test_tables_not_in_schema_and_components_are_reported_not_failed(
    tmp_path: Path,
) -> None:
    builder = SnapshotBuilder()
    builder.table("users")
    builder.table("legacy")
    builder.add("users", {"name": "Ada"})
    builder.add("legacy", {"anything": 1})
    component = SnapshotBuilder(seed=2)
    component.table("migrations")
    component.add("migrations", {"name": "m1", "isDone": True})
    schema = read_schema(
        schema_file(tmp_path, "users: defineTable({ name: v.string() })")
    )
    path = builder.write_zip(tmp_path / "s.zip", components={"migrations": component})
    with Snapshot(path) as snapshot:
        report = validate_snapshot(schema.schema, snapshot)
    assert report.failing_documents == 0
    assert "D104" in codes(report)
    assert "D105" in codes(report)


def test_plain_and_csv_imports_are_typed_as_convex_imports_them(tmp_path: Path) -> None:
    schema = read_schema(
        schema_file(
            tmp_path, "items: defineTable({ n: v.number(), label: v.string() })"
        )
    ).schema
    jsonl = tmp_path / "items.jsonl"
    jsonl.write_text('{"n": 3, "label": "a"}\n{"n": 4.5, "label": "b"}\n')
    array = tmp_path / "items.json"
    array.write_text('[{"n": 3, "label": "a"}]')
    sheet = tmp_path / "items.csv"
    sheet.write_text("n,label\n3,a\n4.5,b\nx,c\n")
    for path, failing in ((jsonl, 0), (array, 0), (sheet, 1)):
        with Snapshot(path, "items") as snapshot:
            report = validate_snapshot(schema, snapshot)
        assert report.failing_documents == failing, path.name


def test_an_int64_column_fails_on_plain_import(tmp_path: Path) -> None:
    schema = read_schema(
        schema_file(tmp_path, "items: defineTable({ n: v.int64() })")
    ).schema
    jsonl = tmp_path / "items.jsonl"
    jsonl.write_text('{"n": 3}\n')
    with Snapshot(jsonl, "items") as snapshot:
        assert validate_snapshot(schema, snapshot).failing_documents == 1


def test_legacy_export_applies_its_type_hints(tmp_path: Path) -> None:
    builder = SnapshotBuilder()
    builder.legacy_table("counters", '{"count": int64 | string, "raw": unknown}')
    doc_id = builder.add("counters", {"count": "42", "raw": "AAE="})
    builder.hint("counters", doc_id, {"count": "int64", "raw": "bytes"})
    report = validate(
        tmp_path, "counters: defineTable({ count: v.int64(), raw: v.bytes() })", builder
    )
    assert report.failing_documents == 0
    assert "D107" not in codes(report)


def test_a_bad_line_is_located_or_skipped_with_keep_going(tmp_path: Path) -> None:
    builder = SnapshotBuilder()
    builder.table("users")
    builder.add("users", {"name": "Ada"})
    builder.raw_line("users", '{"_id": "x", "name": ')
    builder.add("users", {"name": "Bo"})
    tables = "users: defineTable({ name: v.string() })"
    with pytest.raises(SnapshotError, match=r"users/documents.jsonl:2"):
        validate(tmp_path, tables, builder)
    report = validate(tmp_path, tables, builder, keep_going=True)
    assert report.tables[0].checked == 2
    assert codes(report).count("D001") == 1


def test_corrupt_and_missing_snapshots_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    schema = schema_file(tmp_path, "users: defineTable({ name: v.string() })")
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    assert run(["validate", "--schema", str(schema), "--data", str(broken)]) == 2
    assert "not a readable ZIP" in capsys.readouterr().err
    missing = tmp_path / "nope.zip"
    assert run(["validate", "--schema", str(schema), "--data", str(missing)]) == 2


def test_cli_exit_codes_and_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    builder = SnapshotBuilder()
    builder.table("users")
    builder.add("users", {"name": "Ada"})
    builder.add("users", {"name": 3.0})
    schema = schema_file(tmp_path, "users: defineTable({ name: v.string() })")
    snapshot = builder.write_dir(tmp_path / "export")
    argv = [
        "validate",
        "--schema",
        str(schema),
        "--data",
        str(snapshot),
        "--format",
        "json",
    ]
    assert run(argv) == 1
    output = json.loads(capsys.readouterr().out)
    assert output["failingDocuments"] == 1
    assert output["diagnostics"][0]["data"]["found"] == "3.0 (float64)"


def test_object_field_count_and_field_names(tmp_path: Path) -> None:
    builder = SnapshotBuilder()
    builder.table("bags")
    builder.add("bags", {"data": {f"k{i}": 1.0 for i in range(1024)}})
    builder.add("bags", {"data": {f"k{i}": 1.0 for i in range(1025)}})
    builder.add("bags", {"data": {"$money": 1.0}})
    builder.add("bags", {"data": {"caf\u00e9": 1.0}})
    report = validate(tmp_path, "bags: defineTable({ data: v.any() })", builder)
    assert report.tables[0].over_limits == 3
    messages = " ".join(d.message for d in report.diagnostics if d.code == "D102")
    assert "1,025 fields" in messages
    assert "starts with `$`" in messages
    assert "not printable ASCII" in messages


def test_a_document_just_under_one_mebibyte_passes(tmp_path: Path) -> None:
    builder = SnapshotBuilder()
    builder.table("blobs")
    # _id (32 chars) and _creationTime count too: 2 + (3+1+34) + (13+1+9) for
    # the envelope, (4+1+2+n) for the text field.
    overhead = 2 + (3 + 1 + 34) + (13 + 1 + 9) + (4 + 1 + 2)
    builder.add("blobs", {"text": "x" * ((1 << 20) - overhead)})
    builder.add("blobs", {"text": "x" * ((1 << 20) - overhead + 1)})
    report = validate(tmp_path, "blobs: defineTable({ text: v.string() })", builder)
    assert report.tables[0].over_limits == 1


def test_forked_workers_give_the_same_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from convex_schema.snapshot import batch, reader

    builder = SnapshotBuilder()
    builder.table("users")
    builder.table("posts")
    authors = [builder.add("users", {"name": f"u{i}"}) for i in range(50)]
    for i in range(500):
        author = authors[i % 50] if i % 97 else builder.new_id("users")  # dangling
        fields: dict[str, object] = {"authorId": author, "n": float(i)}
        if i % 101 == 0:
            fields["n"] = i  # an int64 where a float64 is declared
        builder.add("posts", fields)
    tables = (
        "users: defineTable({ name: v.string() }), "
        'posts: defineTable({ authorId: v.id("users"), n: v.number() })'
    )
    schema = read_schema(schema_file(tmp_path, tables)).schema
    path = builder.write_zip(tmp_path / "s.zip")
    with Snapshot(path) as snapshot:
        alone = validate_snapshot(schema, snapshot, workers=1)
    monkeypatch.setattr(batch, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(reader, "CHUNK", 997)  # many small blocks
    with Snapshot(path) as snapshot:
        forked = validate_snapshot(schema, snapshot, workers=2)
    assert forked.to_json() == alone.to_json()
    posts = next(t for t in forked.tables if t.table == "posts")
    # Six dangling authors (i = 0, 97, ..., 485), but document 0 also fails the
    # schema, and a failing document's references are not followed.
    assert (posts.checked, posts.failed, posts.dangling) == (500, 5, 5)


@pytest.mark.parametrize("workers", [1, 2])
def test_line_numbers_run_on_across_blocks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    from convex_schema.snapshot import batch, reader

    builder = SnapshotBuilder()
    builder.table("users")
    for i in range(400):
        if i == 120:
            builder.raw_line("users", "")
        builder.add("users", {"name": 3.0 if i in (7, 333) else f"u{i}"})
    builder.raw_line("users", "{not json")
    monkeypatch.setattr(batch, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(reader, "CHUNK", 997)  # blocks of a dozen lines
    report = validate(
        tmp_path,
        "users: defineTable({ name: v.string() })",
        builder,
        workers=workers,
        keep_going=True,
    )
    lines = [(d.code, d.span.line) for d in report.diagnostics if d.span]
    assert sorted(lines) == [("D001", 402), ("D101", 8), ("D101", 335)]


def test_references_into_large_tables_give_the_same_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from convex_schema.snapshot import codegen

    builder = SnapshotBuilder()
    builder.table("users")
    builder.table("posts")
    authors = [builder.add("users", {"name": f"u{i}"}) for i in range(30)]
    for i in range(100):
        author = authors[i % 30] if i % 7 else builder.new_id("users")  # dangling
        builder.add("posts", {"authorId": author, "tags": []})
    tables = (
        "users: defineTable({ name: v.string() }), "
        'posts: defineTable({ authorId: v.id("users"), tags: v.array(v.string()) })'
    )
    hashed = validate(tmp_path, tables, builder)
    monkeypatch.setattr(codegen, "SET_LIMIT", 10)  # users is searched instead
    searched = validate(tmp_path, tables, builder)
    assert searched.to_json() == hashed.to_json()
    assert next(t for t in searched.tables if t.table == "posts").dangling == 15
