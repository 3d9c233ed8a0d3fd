"""Documents of several kinds: the engine writes a discriminated union
(REFERENCE §8.3) that checks, survives render → read and JSON, and that the
real `convex` package exports the same."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from convex_schema.assistant.editing import edit
from convex_schema.assistant.engine import Design, design
from convex_schema.check import check_schema
from convex_schema.diagnostics import Severity
from convex_schema.model import LiteralV, ObjectV, Schema, UnionV
from convex_schema.model.semantics import equal
from convex_schema.operations import AddTable, apply_to_schema, from_json, to_json
from convex_schema.reader import read_schema
from convex_schema.writer.render import render_schema

from support import ROOT, run_oracle

CASES = {
    "notifications can be a comment, a like or a follow; comments have a "
    "commentId, follows have a followerId": (
        "notifications",
        {"comment": {"commentId"}, "like": set(), "follow": {"followerId"}},
    ),
    "payments are either card (last4, brand) or bank transfer (iban)": (
        "payments",
        {"card": {"last4", "brand"}, "bankTransfer": {"iban"}},
    ),
    "a feed of events of three kinds: posted (postId), liked (postId, userId) "
    "and followed (followerId)": (
        "events",
        {
            "posted": {"postId"},
            "liked": {"postId", "userId"},
            "followed": {"followerId"},
        },
    ),
}


def _members(schema: Schema, name: str) -> dict[str, set[str]]:
    table = schema.table(name)
    assert table is not None
    assert isinstance(table.document, UnionV)
    out: dict[str, set[str]] = {}
    for member in table.document.members:
        assert isinstance(member, ObjectV)
        kind = member.field("kind")
        assert kind is not None
        assert isinstance(kind.validator, LiteralV)
        out[str(kind.validator.value)] = set(member.names) - {"kind"}
    return out


def _sound(result: Design, tmp_path: Path) -> None:
    errors = [d for d in check_schema(result.schema) if d.severity is Severity.ERROR]
    assert errors == []
    path = tmp_path / "convex" / "schema.ts"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_schema(result.schema))
    assert equal(read_schema(path, root=tmp_path).schema, result.schema)
    rebuilt = Schema(())
    for step in result.steps:
        operation = from_json(to_json(step.operation))
        assert operation == step.operation
        rebuilt = apply_to_schema(rebuilt, operation)
    assert equal(rebuilt, result.schema)


@pytest.mark.parametrize("text", list(CASES))
def test_variants_become_a_discriminated_union(text: str, tmp_path: Path) -> None:
    name, kinds = CASES[text]
    result = design(text)
    members = _members(result.schema, name)
    assert set(members) == set(kinds)
    common = set.intersection(*members.values())
    for kind, own in kinds.items():
        assert own <= members[kind]
        assert members[kind] - own == common
    step = next(
        s
        for s in result.steps
        if isinstance(s.operation, AddTable) and s.operation.table.name == name
    )
    assert "discriminated union" in step.why
    assert "one query" in step.why
    assert "v.literal" in step.practice
    _sound(result, tmp_path)


def test_common_fields_are_in_every_kind_and_indexed(tmp_path: Path) -> None:
    result = design(
        "notifications for users can be a comment (commentId) or a like (postId); "
        "notifications have a read flag"
    )
    members = _members(result.schema, "notifications")
    assert members == {
        "comment": {"commentId", "userId", "read"},
        "like": {"postId", "userId", "read"},
    }
    table = result.schema.table("notifications")
    assert table is not None
    for index in table.db_indexes():
        assert all(all(f in own for own in members.values()) for f in index.fields)
    assert [i.fields for i in table.db_indexes()] == [("userId",)]
    _sound(result, tmp_path)


def test_an_enumeration_stays_a_field() -> None:
    result = design("orders have a status (pending, paid, shipped)")
    table = result.schema.table("orders")
    assert table is not None
    assert table.fields is not None
    status = table.fields.field("status")
    assert status is not None
    assert status.validator == UnionV(
        (LiteralV("pending"), LiteralV("paid"), LiteralV("shipped"))
    )
    for other in (
        "entries are one of feature, fix, or breaking",
        "a member's role is one of admin, editor, viewer",
    ):
        assert all(isinstance(t.document, ObjectV) for t in design(other).schema.tables)


def test_edit_adds_a_table_of_several_kinds(tmp_path: Path) -> None:
    base = design("users with a name").schema
    result = edit(
        "add payments which are either card (last4, brand) or bank transfer (iban)",
        base,
    )
    members = _members(result.schema, "payments")
    assert members["card"] >= {"last4", "brand"}
    assert members["bankTransfer"] >= {"iban"}
    assert all(d.severity is not Severity.ERROR for d in check_schema(result.schema))


def test_edit_names_kinds_in_a_snake_case_project() -> None:
    base = design("users with a display name and a created at timestamp").schema
    path_schema = Schema(
        tuple(
            t
            if t.fields is None
            else type(t)(
                t.name,
                ObjectV(
                    tuple(
                        type(f)("_".join(_snake(f.name)), f.validator, f.optional)
                        for f in t.fields.fields
                    )
                ),
                (),
            )
            for t in base.tables
        )
    )
    result = edit(
        "add payments which are either card (last4) or bank transfer (iban)",
        path_schema,
    )
    assert set(_members(result.schema, "payments")) == {"card", "bank_transfer"}


def _snake(name: str) -> list[str]:
    from convex_schema.assistant.words import split_camel

    return split_camel(name)


def test_the_package_exports_the_same_union() -> None:
    work = ROOT / "tests" / ".generated" / "assistant-variants"
    shutil.rmtree(work, ignore_errors=True)
    written: dict[Path, dict[str, object]] = {}
    for number, text in enumerate(CASES):
        folder = work / str(number) / "convex"
        folder.mkdir(parents=True)
        path = folder / "schema.ts"
        schema = design(text).schema
        path.write_text(render_schema(schema))
        written[path] = schema.to_json()
    exported = run_oracle([p.relative_to(ROOT) for p in written])
    assert all(exported[p].get("export") == want for p, want in written.items())
