"""The rules that read queries against the schema's indexes (A101–A103,
A201–A204): each fires on a project that breaks it and stays quiet on one
that does not."""

from __future__ import annotations

from pathlib import Path

from analyze_projects import analyze, found, lines

HEADER = 'import { query, mutation } from "./_generated/server";\nimport { v } from "convex/values";\n'


def test_unknown_index_and_search_index(tmp_path: Path) -> None:
    result = analyze(
        tmp_path,
        {
            "messages.ts": HEADER
            + """
export const list = query({
  args: { channelId: v.id("channels") },
  handler: async (ctx, { channelId }) =>
    ctx.db.query("messages").withIndex("by_chanel", (q) => q.eq("channelId", channelId)).take(10),
});
export const search = query({
  args: { text: v.string() },
  handler: async (ctx, { text }) =>
    ctx.db.query("messages").withSearchIndex("search_text", (q) => q.search("body", text)).take(10),
});
export const ok = query({
  args: { channelId: v.id("channels") },
  handler: async (ctx, { channelId }) => {
    const a = await ctx.db.query("messages").withIndex("by_channel", (q) => q.eq("channelId", channelId)).take(10);
    const b = await ctx.db.query("messages").withIndex("by_creation_time").take(5);
    const c = await ctx.db.query("messages").withSearchIndex("search_body", (q) => q.search("body", "x")).take(5);
    return [a, b, c];
  },
});
""",
        },
    )
    messages = [f.message for f in found(result, "A101")]
    assert messages == [
        'table "messages" has no index "by_chanel"',
        'table "messages" has no search index "search_text"',
    ]
    assert lines(result, "A101")[0] == ("convex/messages.ts", 7)


def test_index_range_out_of_order(tmp_path: Path) -> None:
    result = analyze(
        tmp_path,
        {
            "messages.ts": HEADER
            + """
export const bad = query({
  args: { authorId: v.id("users") },
  handler: async (ctx, { authorId }) =>
    ctx.db.query("messages").withIndex("by_channel_and_author", (q) => q.eq("authorId", authorId)).take(10),
});
export const good = query({
  args: { channelId: v.id("channels"), since: v.number() },
  handler: async (ctx, { channelId, since }) =>
    ctx.db
      .query("messages")
      .withIndex("by_channel", (q) => q.eq("channelId", channelId).gt("_creationTime", since))
      .take(10),
});
""",
        },
    )
    [finding] = found(result, "A102")
    assert 'where the index expects "channelId" next' in finding.message
    assert finding.span is not None
    assert finding.span.line == 7


def test_unknown_table(tmp_path: Path) -> None:
    result = analyze(
        tmp_path,
        {
            "a.ts": HEADER
            + """
export const add = mutation({
  args: {},
  handler: async (ctx) => {
    await ctx.db.insert("mesages", { body: "x" });
    await ctx.db.insert("messages", { body: "x" } as never);
    const files = await ctx.db.system.query("_storage").take(1);
    return await ctx.db.query("userz").take(1);
  },
});
""",
        },
    )
    assert sorted(f.message for f in found(result, "A103")) == [
        'no table "mesages" in the schema',
        'no table "userz" in the schema',
    ]


def test_filter_with_existing_index_carries_the_rewrite(tmp_path: Path) -> None:
    result = analyze(
        tmp_path,
        {
            "messages.ts": HEADER
            + """
export const byChannel = query({
  args: { channelId: v.id("channels") },
  handler: async (ctx, args) => {
    return await ctx.db
      .query("messages")
      .filter((q) => q.eq(q.field("channelId"), args.channelId))
      .take(20);
  },
});
""",
        },
    )
    [finding] = found(result, "A201")
    assert finding.span is not None
    assert finding.span.line == 9
    assert finding.fix is not None
    assert finding.fix["operations"] == []
    source = (tmp_path / "convex/messages.ts").read_bytes()
    fixed = _apply(source, finding.fix["edits"])
    assert (
        'ctx.db\n      .query("messages")\n      .withIndex("by_channel", (q) => '
        'q.eq("channelId", args.channelId))\n      .take(20);'
    ) in fixed


def test_filter_without_index_proposes_one(tmp_path: Path) -> None:
    result = analyze(
        tmp_path,
        {
            "users.ts": HEADER
            + """
export const named = query({
  args: { name: v.string() },
  handler: async (ctx, { name }) =>
    ctx.db.query("users").filter((q) => q.eq(q.field("name"), name)).first(),
});
""",
        },
    )
    [finding] = found(result, "A201")
    assert finding.fix is not None
    assert finding.fix["operations"] == [
        {
            "op": "add_index",
            "table": "users",
            "index": {
                "kind": "index",
                "staged": False,
                "indexDescriptor": "by_name",
                "fields": ["name"],
            },
        }
    ]
    [suggestion] = result.suggestions
    assert (suggestion.table, suggestion.name, suggestion.serves) == (
        "users",
        "by_name",
        ["users:named"],
    )


def test_filter_that_is_not_an_equality_has_no_rewrite(tmp_path: Path) -> None:
    result = analyze(
        tmp_path,
        {
            "m.ts": HEADER
            + """
export const notDeleted = query({
  args: {},
  handler: async (ctx) =>
    ctx.db.query("messages").filter((q) => q.neq(q.field("status"), "deleted")).take(5),
});
""",
        },
    )
    [finding] = found(result, "A201")
    assert finding.fix is None


def test_unbounded_collect(tmp_path: Path) -> None:
    result = analyze(
        tmp_path,
        {
            "m.ts": HEADER
            + """
export const all = query({
  args: {},
  handler: async (ctx) => await ctx.db.query("messages").collect(),
});
export const loop = mutation({
  args: {},
  handler: async (ctx) => {
    for await (const m of ctx.db.query("messages")) {
      await ctx.db.patch("messages", m._id, { body: "" });
    }
  },
});
export const bounded = query({
  args: { channelId: v.id("channels") },
  handler: async (ctx, { channelId }) =>
    ctx.db.query("messages").withIndex("by_channel", (q) => q.eq("channelId", channelId)).collect(),
});
""",
        },
    )
    assert [f.message for f in found(result, "A202")] == [
        'this query collects every document of "messages"',
        'this query iterates over every document of "messages"',
    ]


def test_redundant_index_and_its_order_exception(tmp_path: Path) -> None:
    files = {
        "m.ts": HEADER
        + """
export const a = query({
  args: { c: v.id("channels"), u: v.id("users") },
  handler: async (ctx, { c, u }) =>
    ctx.db.query("messages").withIndex("by_channel_and_author", (q) => q.eq("channelId", c).eq("authorId", u)).take(5),
});
"""
    }
    result = analyze(tmp_path, files)
    [finding] = found(result, "A203")
    assert finding.severity.label == "warning"
    assert (
        '"by_channel" (channelId) is a prefix of "by_channel_and_author"'
        in finding.message
    )
    files["n.ts"] = (
        HEADER
        + """
export const recent = query({
  args: { c: v.id("channels") },
  handler: async (ctx, { c }) =>
    ctx.db.query("messages").withIndex("by_channel", (q) => q.eq("channelId", c)).order("desc").take(5),
});
"""
    )
    result = analyze(tmp_path, files)
    [finding] = found(result, "A203")
    assert finding.severity.label == "info"
    assert "n:recent read it in _creationTime order" in finding.message


def test_unused_index(tmp_path: Path) -> None:
    result = analyze(
        tmp_path,
        {
            "m.ts": HEADER
            + """
export const a = query({
  args: { c: v.id("channels") },
  handler: async (ctx, { c }) =>
    ctx.db.query("messages").withIndex("by_channel", (q) => q.eq("channelId", c)).take(5),
});
"""
        },
    )
    assert sorted(f.message for f in found(result, "A204")) == [
        'no query uses index "by_channel_and_author" of "messages"',
        'no query uses index "by_email" of "users"',
    ]
    # No functions at all: nothing to say about use.
    empty = analyze(tmp_path / "empty", {})
    assert found(empty, "A204") == []


def test_an_index_a_filter_should_use_is_named_and_kept(tmp_path: Path) -> None:
    result = analyze(
        tmp_path,
        {
            "u.ts": HEADER
            + """
export const named = query({
  args: { email: v.string(), name: v.string() },
  handler: async (ctx, args) =>
    ctx.db
      .query("users")
      .filter((q) => q.eq(q.field("email"), args.email))
      .filter((q) => q.eq(q.field("name"), args.name))
      .take(5),
});
"""
        },
    )
    first = found(result, "A201")[0]
    # Two .filters are not rewritten, but the index that fits is named ...
    assert first.fix is None
    assert first.hint == (
        'use .withIndex("by_email", (q) => q.eq("email", …)) and keep the rest '
        "of the filter"
    )
    # ... and not called unused.
    unused = [f.message for f in found(result, "A204")]
    assert 'no query uses index "by_email" of "users"' not in unused


def test_filter_after_a_whole_key_lookup_is_info(tmp_path: Path) -> None:
    result = analyze(
        tmp_path,
        {
            "m.ts": HEADER
            + """
export const pinned = query({
  args: { c: v.id("channels"), a: v.id("users") },
  handler: async (ctx, { c, a }) =>
    ctx.db
      .query("messages")
      .withIndex("by_channel_and_author", (q) => q.eq("channelId", c).eq("authorId", a))
      .filter((q) => q.eq(q.field("status"), "sent"))
      .take(5),
});
export const partly = query({
  args: { c: v.id("channels") },
  handler: async (ctx, { c }) =>
    ctx.db
      .query("messages")
      .withIndex("by_channel_and_author", (q) => q.eq("channelId", c))
      .filter((q) => q.eq(q.field("status"), "sent"))
      .take(5),
});
"""
        },
    )
    levels = [(f.severity.label, f.message) for f in found(result, "A201")]
    assert levels == [
        (
            "info",
            '.filter on status scans "messages" after index "by_channel_and_author"'
            ", whose every field the range fixes",
        ),
        (
            "warning",
            '.filter on status scans "messages" after index "by_channel_and_author"',
        ),
    ]


def test_a_query_kept_in_a_variable_is_followed(tmp_path: Path) -> None:
    result = analyze(
        tmp_path,
        {
            "m.ts": HEADER
            + """
export const list = query({
  args: { c: v.id("channels"), status: v.optional(v.string()) },
  handler: async (ctx, { c, status }) => {
    let q = ctx.db.query("messages").withIndex("by_channel", (q) => q.eq("channelId", c));
    if (status) q = q.filter((f) => f.eq(f.field("status"), status));
    return await q.collect();
  },
});
export const everything = query({
  args: {},
  handler: async (ctx) => {
    const all = ctx.db.query("users");
    return await all.collect();
  },
});
"""
        },
    )
    (listed, users) = [chain for _, chain in result.project.queries()]
    assert (listed.index, listed.terminal) == ("by_channel", "collect")
    assert [c.field for c in listed.filter_comparisons] == ["status"]
    (filtered,) = found(result, "A201")
    assert filtered.span is not None
    assert filtered.span.line == 8  # the .filter, in its own statement
    assert filtered.fix is None  # not rewritten across statements
    assert users.terminal == "collect"
    assert [f.message for f in found(result, "A202")] == [
        'this query collects every document of "users"'
    ]


def test_helper_queries_count_for_their_callers(tmp_path: Path) -> None:
    result = analyze(
        tmp_path,
        {
            "model/messages.ts": """
import { QueryCtx } from "../_generated/server";
export async function inChannel(ctx: QueryCtx, channelId: string) {
  return await ctx.db.query("messages").filter((q) => q.eq(q.field("channelId"), channelId)).collect();
}
""",
            "messages.ts": HEADER
            + """
import { inChannel } from "./model/messages";
export const list = query({
  args: { channelId: v.id("channels") },
  handler: async (ctx, { channelId }) => inChannel(ctx, channelId),
});
""",
        },
    )
    [finding] = found(result, "A201")
    assert finding.span is not None
    assert finding.span.file == "convex/model/messages.ts"
    assert finding.data is not None
    assert finding.data["functions"] == ["messages:list"]


def _apply(source: bytes, edits: list[dict[str, object]]) -> str:
    out = source
    for edit in sorted(
        edits, key=lambda e: (int(str(e["start"])), int(str(e["end"]))), reverse=True
    ):
        start, end = int(str(edit["start"])), int(str(edit["end"]))
        out = out[:start] + str(edit["text"]).encode() + out[end:]
    return out.decode()


def test_unbounded_collect_counts_the_snapshot(tmp_path: Path) -> None:
    from convex_schema.analyze import analyze_project
    from convex_schema.analyze.config import Config

    from analyze_projects import write_project

    root = write_project(
        tmp_path,
        {
            "m.ts": HEADER
            + """
export const all = query({ args: {}, handler: async (ctx) => await ctx.db.query("messages").collect() });
"""
        },
    )
    profile = {"tables": [{"table": "messages", "documents": 48_213}]}
    result = analyze_project(root, config=Config(), data=profile)
    assert [f.message for f in found(result, "A202")] == [
        'this query collects every document of "messages" (48,213 documents in the '
        "snapshot)"
    ]
