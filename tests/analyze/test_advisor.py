"""The index advisor: the fewest indexes for every query's pattern."""

from __future__ import annotations

from pathlib import Path

from analyze_projects import analyze

SCHEMA = """\
import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";
export default defineSchema({
  tasks: defineTable({
    projectId: v.string(),
    assignee: v.string(),
    status: v.string(),
    due: v.number(),
  }).index("by_project", ["projectId"]),
});
"""
HEADER = (
    'import { query } from "./_generated/server";\nimport { v } from "convex/values";\n'
)


def _query(name: str, chain: str) -> str:
    return f"""
export const {name} = query({{
  args: {{ p: v.string(), a: v.string(), s: v.string(), t: v.number() }},
  handler: async (ctx, {{ p, a, s, t }}) => ctx.db.query("tasks"){chain}.take(10),
}});
"""


def test_one_index_serves_narrower_patterns_and_replaces_a_prefix(
    tmp_path: Path,
) -> None:
    files = {
        "tasks.ts": HEADER
        + _query(
            "open",
            '.filter((q) => q.and(q.eq(q.field("projectId"), p), '
            'q.eq(q.field("status"), s)))',
        )
        + _query(
            "mine",
            '.filter((q) => q.and(q.eq(q.field("projectId"), p), '
            'q.eq(q.field("status"), s), q.eq(q.field("assignee"), a)))',
        )
        + _query(
            "dueSoon",
            '.filter((q) => q.and(q.eq(q.field("assignee"), a), '
            'q.lt(q.field("due"), t)))',
        )
        + _query(
            "inProject",
            '.withIndex("by_project", (q) => q.eq("projectId", p))',
        ),
    }
    result = analyze(tmp_path, files, SCHEMA)
    got = {s.name: (s.fields, s.serves, s.makes_redundant) for s in result.suggestions}
    # `open` (projectId, status) is served by `mine`'s index when its fields
    # lead; `dueSoon` needs its own (equality then range).
    assert got == {
        "by_projectId_and_status_and_assignee": (
            ("projectId", "status", "assignee"),
            ["tasks:mine", "tasks:open"],
            ["by_project"],
        ),
        "by_assignee_and_due": (("assignee", "due"), ["tasks:dueSoon"], []),
    }


def test_patterns_an_existing_index_serves_need_nothing(tmp_path: Path) -> None:
    files = {
        "tasks.ts": HEADER
        + _query("a", '.filter((q) => q.eq(q.field("projectId"), p))')
        + _query("b", '.withIndex("by_project", (q) => q.eq("projectId", p))')
        + _query("c", "")
    }
    result = analyze(tmp_path, files, SCHEMA)
    assert result.suggestions == []


def test_system_fields_are_never_index_fields(tmp_path: Path) -> None:
    # The backend rejects `_id`, `_creationTime` and any `_` path in an index.
    files = {
        "tasks.ts": HEADER
        + _query(
            "byId",
            '.filter((q) => q.and(q.eq(q.field("_id"), p), q.eq(q.field("status"), s)))',
        )
        + _query("recent", '.filter((q) => q.gt(q.field("_creationTime"), t))')
        + _query(
            "recentOpen",
            '.filter((q) => q.and(q.eq(q.field("status"), s), '
            'q.gt(q.field("_creationTime"), t)))',
        )
        + _query(
            "recentDue",
            '.filter((q) => q.and(q.eq(q.field("status"), s), q.lt(q.field("due"), t), '
            'q.gt(q.field("_creationTime"), t)))',
        )
    }
    result = analyze(tmp_path, files, SCHEMA)
    made = {s.name: (s.fields, s.serves) for s in result.suggestions}
    # by_id needs nothing; `recent` is served by the built-in by_creation_time;
    # `recentOpen` ranges on the _creationTime that ends "by_status".
    assert made == {
        "by_status": (("status",), ["tasks:recentOpen"]),
        "by_status_and_due": (("status", "due"), ["tasks:recentDue"]),
    }
    by_id = next(f for f in result.findings if f.code == "A201" and "_id" in f.message)
    assert by_id.fix is None
    assert by_id.hint is not None
    assert "ctx.db.get(id)" in by_id.hint
