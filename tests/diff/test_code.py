"""What breaks in the functions when a table, field or index goes away."""

from __future__ import annotations

from pathlib import Path

from convex_schema.diff import diff_schemas
from convex_schema.migrate.code import scan_project, uses_of
from convex_schema.migrate.risks import assess
from convex_schema.reader import read_schema

from support import ROOT

BLOG = ROOT / "examples" / "blog" / "convex"


def test_uses_in_the_example_functions() -> None:
    uses = scan_project(BLOG)
    assert [u.span.line for u in uses_of(uses, "index", "posts", "by_slug")] == [24]
    assert uses_of(uses, "index", "postViews", "by_post_and_day")
    assert uses_of(uses, "field", "posts", "authorId")
    assert uses_of(uses, "field", "postViews", "count")  # written by patch/insert
    assert uses_of(uses, "table", "postViews")
    assert [u.span.line for u in uses_of(uses, "table", "comments")] == [
        11,
        22,
        26,
        41,
        54,
        58,
        9,
    ]
    assert not uses_of(uses, "index", "comments", "by_parent")


def test_breaking_changes_point_at_the_code(tmp_path: Path) -> None:
    old = read_schema(BLOG / "schema.ts").schema
    target = tmp_path / "schema.ts"
    text = (BLOG / "schema.ts").read_text()
    text = text.replace('    .index("by_slug", ["slug"])\n', "")
    text = text.replace('    .index("by_parent", ["parentId"]),\n', "")
    text = text.replace(
        '    .index("by_post", ["postId"])\n', '    .index("by_post", ["postId"]),\n'
    )
    (tmp_path / "validators.ts").write_text((BLOG / "validators.ts").read_text())
    target.write_text(text)
    new = read_schema(target).schema
    findings = assess(diff_schemas(old, new), old, None, code=scan_project(BLOG))
    breaking = [f for f in findings if f.code == "M301"]
    # by_slug is used by bySlug; by_parent is used nowhere, so it breaks nothing.
    assert len(breaking) == 1
    assert breaking[0].references == ["examples/blog/convex/posts.ts:24:18"] or (
        breaking[0].references[0].endswith("posts.ts:24:18")
    )


def test_a_field_read_through_a_document_counts_as_a_use(tmp_path: Path) -> None:
    functions = tmp_path / "convex"
    functions.mkdir()
    (functions / "notes.ts").write_text(
        'import { query } from "./_generated/server";\n'
        "export const titles = query({\n"
        "  args: {},\n"
        "  handler: async (ctx) => {\n"
        '    const notes = await ctx.db.query("notes").take(10);\n'
        "    return notes.map((note) => note.title);\n"
        "  },\n"
        "});\n"
    )
    uses = scan_project(functions)
    (read,) = uses_of(uses, "field", "notes", "title")
    assert (read.kind, read.span.line) == ("property", 6)
