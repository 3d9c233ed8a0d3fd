"""Operations applied to schema.ts: the right schema, and nothing else touched."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from convex_schema import operations as ops
from convex_schema.model import (
    Field,
    Float64V,
    IdV,
    Index,
    LiteralV,
    NullV,
    ObjectV,
    SearchIndex,
    StringV,
    Table,
    UnionV,
    VectorIndex,
)
from convex_schema.model.semantics import equal
from convex_schema.operations import OperationError, apply_to_schema, reverse
from convex_schema.reader import read_schema
from convex_schema.writer.edit import edit_schema_file

from support import ROOT

BLOG = ROOT / "examples" / "blog" / "convex"

CASES = [
    ops.AddTable(
        Table(
            "likes",
            ObjectV((Field("postId", IdV("posts")), Field("userId", IdV("users")))),
            (Index("by_post", ("postId",)),),
        )
    ),
    ops.DropTable("postViews"),
    ops.RenameTable("postViews", "pageViews"),
    ops.AddField("users", "avatarUrl", StringV(), optional=True),
    ops.DropField("comments", "parentId"),
    ops.RenameField("users", "bio", "about"),
    ops.ChangeValidator("posts", "tags", UnionV((StringV(), NullV()))),
    ops.SetOptional("users", "bio", False),
    ops.SetOptional("users", "name", True),
    ops.AddIndex("users", Index("by_role", ("role",))),
    ops.AddIndex("comments", Index("by_author", ("authorId",), staged=True)),
    ops.AddIndex("users", SearchIndex("search_name", "name")),
    ops.AddIndex("posts", VectorIndex("by_title_embedding", "title", 1536)),
    ops.DropIndex("posts", "by_slug"),
    ops.DropIndex("posts", "search_body"),
    ops.DropIndex("users", "by_email"),
]


@pytest.fixture
def blog(tmp_path: Path) -> Path:
    target = tmp_path / "convex"
    shutil.copytree(BLOG, target)
    return target / "schema.ts"


def _changed_region(old: str, new: str) -> tuple[int, int]:
    """Where `old` and `new` differ: [prefix, len(old) - suffix)."""
    prefix = 0
    while prefix < min(len(old), len(new)) and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while (
        suffix < min(len(old), len(new)) - prefix
        and old[len(old) - 1 - suffix] == new[len(new) - 1 - suffix]
    ):
        suffix += 1
    return prefix, len(old) - suffix


@pytest.mark.parametrize("op", CASES, ids=lambda op: op.op)
def test_operation_edits_only_its_own_text(op: ops.Operation, blog: Path) -> None:
    old = blog.read_text()
    before = read_schema(blog).schema
    new = edit_schema_file(blog, [op])

    expected = apply_to_schema(before, op)
    blog.write_text(new)
    after = read_schema(blog).schema
    assert [t.name for t in after.tables] == [t.name for t in expected.tables]
    for table in expected.tables:
        got = after.table(table.name)
        assert got is not None
        assert equal(got.document, table.document)
        assert sorted(map(repr, got.indexes)) == sorted(map(repr, table.indexes))

    # Everything outside the edited table (or the tables object) is identical,
    # and every comment outside the changed text survives.
    start, end = _changed_region(old, new)
    table_name = getattr(op, "table", None)
    span = before.table(table_name).span if isinstance(table_name, str) else None
    if span is not None:
        line_start = old.rfind("\n", 0, span.start) + 1
        line_end = old.find("\n", span.end)
        assert line_start <= start
        assert end <= line_end + 1
    untouched = old[:start] + old[end:]
    for comment in re.findall(r"//[^\n]*", untouched):
        assert comment in new


def test_operations_compose_and_reverse(blog: Path) -> None:
    before = read_schema(blog).schema
    batch = [CASES[3], CASES[10], CASES[6]]
    blog.write_text(edit_schema_file(blog, batch))
    undo = []
    schema = before
    for op in batch:
        undo.insert(0, reverse(op, schema))
        schema = apply_to_schema(schema, op)
    blog.write_text(edit_schema_file(blog, undo))
    restored = read_schema(blog).schema
    for table in before.tables:
        again = restored.table(table.name)
        assert again is not None
        assert equal(again.document, table.document)
        assert sorted(map(repr, again.indexes)) == sorted(map(repr, table.indexes))


def test_shared_const_is_refused_not_half_applied(tmp_path: Path) -> None:
    schema = tmp_path / "schema.ts"
    schema.write_text(
        'import { defineSchema, defineTable } from "convex/server";\n'
        'import { v } from "convex/values";\n'
        "const audit = { updatedAt: v.number() };\n"
        "export default defineSchema({\n"
        "  a: defineTable({ ...audit, name: v.string() }),\n"
        "  b: defineTable({ ...audit }),\n"
        "});\n"
    )
    original = schema.read_text()
    with pytest.raises(OperationError, match="also change table"):
        edit_schema_file(schema, [ops.DropField("a", "updatedAt")])
    assert schema.read_text() == original


def test_preconditions_name_the_problem(blog: Path) -> None:
    with pytest.raises(OperationError, match='did you mean "users"'):
        edit_schema_file(blog, [ops.AddField("user", "x", StringV())])
    with pytest.raises(OperationError, match="already has a field"):
        edit_schema_file(blog, [ops.AddField("users", "email", StringV())])


def test_edit_of_a_compact_object_keeps_its_style(tmp_path: Path) -> None:
    schema = tmp_path / "schema.ts"
    schema.write_text(
        "import { defineSchema, defineTable } from 'convex/server'\n"
        "import { v } from 'convex/values'\n"
        "export default defineSchema({ tags: defineTable({ name: v.string() }) })\n"
    )
    new = edit_schema_file(schema, [ops.AddField("tags", "color", LiteralV("red"))])
    assert new.endswith(
        'defineTable({ name: v.string(), color: v.literal("red") }) })\n'
    )


def test_json_round_trip_of_every_operation() -> None:
    for op in CASES:
        assert ops.from_json(ops.to_json(op)) == op
    with pytest.raises(OperationError, match="unknown op"):
        ops.from_json({"op": "explode", "table": "t"})


def test_nested_object_field_is_added_inside_the_object(tmp_path: Path) -> None:
    schema = tmp_path / "schema.ts"
    schema.write_text(
        'import { defineSchema, defineTable } from "convex/server";\n'
        'import { v } from "convex/values";\n'
        "export default defineSchema({\n"
        "  posts: defineTable({\n"
        "    seo: v.optional(\n"
        "      v.object({\n"
        "        description: v.string(), // shown in search results\n"
        "      }),\n"
        "    ),\n"
        "  }),\n"
        "});\n"
    )
    new = edit_schema_file(schema, [ops.AddField("posts", "seo.score", Float64V())])
    assert "// shown in search results\n        score: v.number(),\n" in new
    schema.write_text(new)
    posts = read_schema(schema).schema.table("posts")
    assert posts is not None
    assert posts.fields is not None
    seo = posts.fields.field("seo")
    assert seo is not None
    assert isinstance(seo.validator, ObjectV)
    assert seo.validator.names == ("description", "score")


def test_fields_imported_from_another_file_are_refused_with_its_name(
    blog: Path,
) -> None:
    with pytest.raises(OperationError, match="imported from `./validators`"):
        edit_schema_file(blog, [ops.AddField("posts", "seo.ogImage", StringV())])


def test_closing_brace_on_the_last_line_and_trailing_comments(tmp_path: Path) -> None:
    schema = tmp_path / "schema.ts"
    schema.write_text(
        'import { defineSchema, defineTable } from "convex/server";\n'
        'import { v } from "convex/values";\n'
        "export default defineSchema({\n"
        "  users: defineTable({\n"
        "    name: v.string(),\n"
        "    email: v.string() }),\n"
        "  posts: defineTable({ title: v.string() }) // the blog\n"
        "});\n"
    )
    added = edit_schema_file(schema, [ops.AddField("users", "bio", StringV(), True)])
    assert "    email: v.string(),\n    bio: v.optional(v.string())\n  }),\n" in added
    dropped = edit_schema_file(schema, [ops.DropTable("posts")])
    assert "posts" not in dropped
    assert "// the blog" not in dropped
    assert dropped.endswith("    email: v.string() }),\n});\n")
