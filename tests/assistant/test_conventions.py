"""Project conventions: what an edit adds follows the names the schema uses."""

from __future__ import annotations

from pathlib import Path

import pytest

from convex_schema.assistant.conventions import DEFAULT, detect
from convex_schema.assistant.editing import edit
from convex_schema.check import check_schema
from convex_schema.diagnostics import Severity
from convex_schema.model import IdV, Int64V, Schema
from convex_schema.reader import read_schema

SNAKE = """\
import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";

export default defineSchema({
  user: defineTable({
    display_name: v.string(),
    email: v.string(),
    created_at: v.int64(),
  }).index("idx_email", ["email"]),
  blog_post: defineTable({
    title: v.string(),
    author_id: v.id("user"),
    published_at: v.optional(v.int64()),
    created_at: v.int64(),
  }).index("idx_author_published_at", ["author_id", "published_at"]),
});
"""

CAMEL_SINGULAR = """\
import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";

export default defineSchema({
  user: defineTable({ name: v.string(), email: v.string() }),
  project: defineTable({
    name: v.string(),
    ownerId: v.id("user"),
  }).index("byOwner", ["ownerId"]),
});
"""


def read(tmp_path: Path, text: str) -> Schema:
    path = tmp_path / "schema.ts"
    path.write_text(text)
    return read_schema(path, root=tmp_path).schema


def test_detects_snake_case_singular_tables(tmp_path: Path) -> None:
    found = detect(read(tmp_path, SNAKE))
    assert (found.tables, found.plural, found.fields) == ("snake", False, "snake")
    assert found.references == "_id"
    assert (found.index_prefix, found.index_joiner) == ("idx_", "_")
    assert (found.created, found.time) == ("created_at", "int64")


def test_empty_and_convex_style_schemas_keep_the_defaults(
    bases: dict[str, Schema],
) -> None:
    assert detect(Schema(())) == DEFAULT
    assert detect(bases["chat"]).tables == "camel"
    assert detect(bases["chat"]).plural


def test_a_new_table_follows_snake_case(tmp_path: Path) -> None:
    schema = read(tmp_path, SNAKE)
    result = edit("add a teams table; each user belongs to a team", schema)
    team = result.schema.table("team")
    assert team is not None
    assert team.fields is not None
    assert team.fields.field("created_at") is not None
    assert team.fields.field("created_at").validator == Int64V()  # type: ignore[union-attr]
    user = result.schema.table("user")
    assert user is not None
    assert user.fields is not None
    reference = user.fields.field("team_id")
    assert reference is not None
    assert reference.validator == IdV("team")
    assert [i.name for i in user.indexes] == ["idx_email", "idx_team"]
    errors = [d for d in check_schema(result.schema) if d.severity is Severity.ERROR]
    assert errors == []


@pytest.mark.parametrize(
    "text", ["add tags to blog posts (many-to-many)", "add a teams table"]
)
def test_snake_case_edits_pass_check(tmp_path: Path, text: str) -> None:
    result = edit(text, read(tmp_path, SNAKE))
    assert result.steps
    for table in result.schema.tables:
        assert not any(c.isupper() for c in table.name)
        for item in table.fields.fields if table.fields else ():
            assert not any(c.isupper() for c in item.name), item.name
    errors = [d for d in check_schema(result.schema) if d.severity is Severity.ERROR]
    assert errors == []


def test_singular_camel_case_tables_and_by_prefix(tmp_path: Path) -> None:
    schema = read(tmp_path, CAMEL_SINGULAR)
    found = detect(schema)
    assert (found.plural, found.index_prefix, found.index_camel) == (
        False,
        "by",
        True,
    )
    result = edit("each project has many tasks", schema)
    task = result.schema.table("task")
    assert task is not None
    assert task.fields is not None
    assert task.fields.field("projectId") is not None
    assert [i.name for i in task.indexes] == ["byProject"]
