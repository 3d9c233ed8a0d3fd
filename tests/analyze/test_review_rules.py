"""The review rules: performance of functions (A206–A210), security
(A303–A304), schema design (A401–A405) and maintainability (A501). Each
fires on a project that breaks it and stays quiet on one that does not."""

from __future__ import annotations

from pathlib import Path

from convex_schema.analyze import analyze_project
from convex_schema.analyze.config import Config
from convex_schema.diagnostics import Severity
from convex_schema.snapshot.profile import TableProfile

from analyze_projects import analyze, found, lines, write_project

HEADER = (
    "import { action, internalMutation, internalQuery, mutation, query }"
    ' from "./_generated/server";\n'
    'import { api, internal } from "./_generated/api";\n'
    'import { v } from "convex/values";\n'
)
USERS_HELPER = """
import { QueryCtx } from "../_generated/server";
import { Id } from "../_generated/dataModel";
export async function getUser(ctx: QueryCtx, id: Id<"users">) {
  return await ctx.db.get("users", id);
}
export async function logVisit(ctx: any, id: Id<"users">) {
  await ctx.db.insert("visits", { id });
}
"""


def _schema(tables: str) -> str:
    return (
        'import { defineSchema, defineTable } from "convex/server";\n'
        'import { v } from "convex/values";\n'
        'import { deprecated } from "convex-helpers/validators";\n'
        f"export default defineSchema({{\n{tables}}});\n"
    )


# --- A206 n-plus-one ----------------------------------------------------------


def test_n_plus_one_fires_on_reads_awaited_in_a_loop(tmp_path: Path) -> None:
    result = analyze(
        tmp_path,
        {
            "model/users.ts": USERS_HELPER,
            "messages.ts": HEADER
            + """import { getUser } from "./model/users";
export const withAuthors = query({
  args: { ids: v.array(v.id("messages")) },
  handler: async (ctx, { ids }) => {
    const out = [];
    for (const id of ids) {
      const message = await ctx.db.get("messages", id);
      out.push({ message, author: await getUser(ctx, message!.authorId) });
    }
    let page = 0;
    while (page < 3) {
      await ctx.db.query("channels").take(page++);
    }
    return out;
  },
});
""",
        },
    )
    assert [f.message for f in found(result, "A206")] == [
        "for-of loop awaits db.get, getUser() on every iteration, one after "
        "another (N+1 reads)",
        'while loop awaits db.query("channels") on every iteration, one after '
        "another (N+1 reads)",
    ]
    assert lines(result, "A206") == [
        ("convex/messages.ts", 10),
        ("convex/messages.ts", 15),
    ]
    first = found(result, "A206")[0]
    assert first.data is not None
    assert first.data["functions"] == ["messages:withAuthors"]
    assert first.hint is not None
    assert "Promise.all" in first.hint


def test_n_plus_one_quiet_for_loops_that_read_until_told_to_stop(
    tmp_path: Path,
) -> None:
    result = analyze(
        tmp_path,
        {
            "codes.ts": HEADER
            + """
export const newCode = mutation({
  args: {},
  handler: async (ctx) => {
    let code = "";
    let free = false;
    do {
      code = Math.random().toString(36).slice(2, 8);
      const taken = await ctx.db.query("codes").filter((q) => q.eq(q.field("code"), code)).first();
      free = taken === null;
    } while (!free);
    let cursor: string | null = null;
    while (true) {
      const page = await ctx.db.query("codes").paginate({ cursor, numItems: 100 });
      cursor = page.continueCursor;
      if (page.isDone) break;
    }
    for (;;) {
      const { isDone } = await ctx.db.query("codes").paginate({ cursor, numItems: 10 });
      if (isDone) return code;
    }
  },
});
""",
        },
    )
    assert found(result, "A206") == []


def test_n_plus_one_quiet_for_batches_headers_and_writes(tmp_path: Path) -> None:
    result = analyze(
        tmp_path,
        {
            "model/users.ts": USERS_HELPER,
            "messages.ts": HEADER
            + """import { getUser, logVisit } from "./model/users";
export const batched = query({
  args: { ids: v.array(v.id("messages")) },
  handler: async (ctx, { ids }) => {
    for (const m of await ctx.db.query("messages").take(10)) {
      await Promise.all(ids.map((id) => ctx.db.get("messages", id)));
    }
    return await Promise.all(ids.map(async (id) => await getUser(ctx, id as never)));
  },
});
export const archive = mutation({
  args: { ids: v.array(v.id("messages")) },
  handler: async (ctx, { ids }) => {
    for (const id of ids) {
      await ctx.db.patch("messages", id, { status: "deleted" });
      await logVisit(ctx, id as never);
    }
  },
});
export const touchAll = action({
  args: { ids: v.array(v.id("messages")) },
  handler: async (ctx, { ids }) => {
    for (const id of ids) {
      await ctx.runMutation(internal.messages.touch, { id });
    }
  },
});
""",
        },
    )
    assert found(result, "A206") == []
    # The action's loop of mutations is A210's finding, not A206's.
    assert lines(result, "A210") == [("convex/messages.ts", 27)]


# --- A207 date-now-in-query ---------------------------------------------------


def test_date_now_in_a_query_and_its_helpers(tmp_path: Path) -> None:
    result = analyze(
        tmp_path,
        {
            "model/time.ts": """
export function isExpired(expiresAt: number) {
  return expiresAt < Date.now();
}
""",
            "sessions.ts": HEADER
            + """import { isExpired } from "./model/time";
export const active = query({
  args: { expiresAt: v.number() },
  handler: async (ctx, { expiresAt }) => !isExpired(expiresAt),
});
export const stamp = mutation({
  args: {},
  handler: async (ctx) => {
    await ctx.db.insert("channels", { name: String(Date.now()) } as never);
    await ctx.db.insert("channels", { name: new Date().toISOString() } as never);
  },
});
export const today = query({
  args: { at: v.number() },
  handler: async (ctx, { at }) => {
    const cutoff = new Date().getTime() - 1000;
    return [cutoff, new Date(at).getDay()];
  },
});
""",
        },
    )
    finding, fresh = found(result, "A207")
    assert finding.message == (
        'Date.now() in query "sessions:active": a cached result does not change '
        "as time passes, so clients see a stale answer"
    )
    # `new Date()` reads the same clock; `new Date(at)` does not.
    assert fresh.message.startswith('new Date() in query "sessions:today"')
    assert lines(result, "A207") == [
        ("convex/model/time.ts", 3),
        ("convex/sessions.ts", 19),
    ]
    assert finding.hint is not None
    assert "argument" in finding.hint


# --- A208 run-in-transaction --------------------------------------------------


def test_run_in_a_mutation_but_not_in_an_action(tmp_path: Path) -> None:
    result = analyze(
        tmp_path,
        {
            "messages.ts": HEADER
            + """
export const send = mutation({
  args: { body: v.string() },
  handler: async (ctx, { body }) => {
    const user = await ctx.runQuery(internal.users.current, {});
    await ctx.db.insert("messages", { body, authorId: user } as never);
  },
});
export const fetchAndSend = action({
  args: {},
  handler: async (ctx) => {
    await ctx.runMutation(internal.messages.store, {});
  },
});
export const threads = query({
  args: {},
  handler: async (ctx) => {
    // A component's function: ctx.runQuery is the only way to call it.
    return await ctx.runQuery(components.agent.threads.list, {});
  },
});
""",
        },
    )
    [finding] = found(result, "A208")
    assert finding.message == (
        'ctx.runQuery(internal.users.current) inside mutation "messages:send": '
        "a whole function call where a helper would do"
    )
    assert lines(result, "A208") == [("convex/messages.ts", 8)]


# --- A210 sequential-runs-in-action -------------------------------------------


def test_sequential_runs_in_an_action(tmp_path: Path) -> None:
    result = analyze(
        tmp_path,
        {
            "sync.ts": HEADER
            + """
export const three = action({
  args: {},
  handler: async (ctx) => {
    const a = await ctx.runQuery(internal.sync.a, {});
    const b = await ctx.runQuery(internal.sync.b, {});
    await ctx.runMutation(internal.sync.save, { a, b });
  },
});
export const two = action({
  args: {},
  handler: async (ctx) => {
    const a = await ctx.runQuery(internal.sync.a, {});
    await ctx.runMutation(internal.sync.save, { a });
  },
});
""",
        },
    )
    [finding] = found(result, "A210")
    assert finding.severity is Severity.INFO
    assert finding.message == (
        'action "sync:three" runs 3 separate transactions '
        "(1 ctx.runMutation, 2 ctx.runQuery)"
    )
    assert lines(result, "A210") == [("convex/sync.ts", 5)]


# --- A303 identity-from-args --------------------------------------------------


def test_identity_from_args(tmp_path: Path) -> None:
    result = analyze(
        tmp_path,
        {
            "posts.ts": HEADER
            + """
export const create = mutation({
  args: { authorId: v.id("users"), body: v.string() },
  handler: async (ctx, args) => {},
});
export const invite = mutation({
  args: { email: v.string(), memberId: v.id("users") },
  handler: async (ctx, args) => {
    const identity = await ctx.auth.getUserIdentity();
  },
});
export const move = internalMutation({
  args: { ownerId: v.id("users") },
  handler: async (ctx, args) => {},
});
export const byChannel = query({
  args: { channelId: v.id("channels") },
  handler: async (ctx, args) => [],
});
export const setAdmin = mutation({
  args: { clerkId: v.string(), tokenIdentifier: v.string() },
  handler: async (ctx, args) => {},
});
""",
        },
    )
    findings = found(result, "A303")
    # Identities from an auth provider name the user as much as an id does.
    assert [f.data["arg"] for f in findings if f.data][-2:] == [
        "clerkId",
        "tokenIdentifier",
    ]
    findings = findings[:-2]
    assert [(f.severity, f.message) for f in findings] == [
        (
            Severity.WARNING,
            'public mutation "posts:create" takes the user "authorId" from its '
            "args: a client can pass any user's id",
        ),
        (
            Severity.INFO,
            'public mutation "posts:invite" takes the user "email" from its '
            "args: a client can pass any user's email; it also checks auth, so "
            "this may be an admin action",
        ),
        (
            Severity.INFO,
            'public mutation "posts:invite" takes the user "memberId" from its '
            "args: a client can pass any user's id; it also checks auth, so "
            "this may be an admin action",
        ),
    ]
    assert lines(result, "A303")[:3] == [
        ("convex/posts.ts", 6),
        ("convex/posts.ts", 10),
        ("convex/posts.ts", 10),
    ]
    assert findings[0].hint is not None
    assert "getAuthUserId" in findings[0].hint


# --- A304 public-function-scheduled -------------------------------------------


def test_public_function_scheduled_with_its_fix(tmp_path: Path) -> None:
    result = analyze(
        tmp_path,
        {
            "jobs.ts": 'import { mutation } from "./_generated/server";\n'
            'import { api } from "./_generated/api";\n'
            """
export const cleanup = mutation({
  args: {},
  handler: async (ctx) => {
    await ctx.scheduler.runAfter(0, api.jobs.sweep, {});
    await ctx.scheduler.runAfter(0, internal.jobs.sweep, {});
  },
});
export const sweep = mutation({ args: {}, handler: async () => {} });
""",
        },
    )
    [finding] = found(result, "A304")
    assert finding.message == (
        "ctx.scheduler.runAfter schedules the public function api.jobs.sweep, "
        "which any client can also call"
    )
    assert lines(result, "A304") == [("convex/jobs.ts", 7)]
    assert finding.hint == (
        "use internal.jobs.sweep and register jobs:sweep with internalMutation "
        "(keep a public wrapper only if clients call it too)"
    )
    assert finding.fix is not None
    assert finding.fix["safe"] is False
    source = (tmp_path / "convex/jobs.ts").read_bytes()
    fixed = _apply(source, finding.fix["edits"])
    assert 'import { api, internal } from "./_generated/api";' in fixed
    assert "runAfter(0, internal.jobs.sweep, {});" in fixed
    assert "api.jobs" not in fixed


def test_internal_references_are_not_reported(tmp_path: Path) -> None:
    result = analyze(
        tmp_path,
        {
            "jobs.ts": HEADER
            + """
export const run = action({
  args: {},
  returns: v.null(),
  handler: async (ctx) => {
    await ctx.runMutation(internal.jobs.sweep, {});
    await ctx.scheduler.runAt(Date.now() + 1000, internal.jobs.sweep, {});
    return null;
  },
});
""",
        },
    )
    assert found(result, "A304") == []


# --- A401 unbounded-id-array --------------------------------------------------


def test_unbounded_id_array_names_the_join_table(tmp_path: Path) -> None:
    schema = _schema(
        """  posts: defineTable({
    title: v.string(),
    tagIds: v.array(v.id("tags")),
    labels: v.array(v.string()),
    meta: v.object({ categories: v.array(v.id("categories")) }),
  }),
  tags: defineTable({ name: v.string() }),
  categories: defineTable({ name: v.string() }),
"""
    )
    result = analyze(tmp_path, {}, schema=schema)
    findings = found(result, "A401")
    assert [f.message for f in findings] == [
        'field "tagIds" of "posts" is an array of ids of "tags": if it can grow, '
        "it heads for the 8,192-element and 1 MiB document limits, and every "
        "change rewrites the whole document",
        'field "meta.categories" of "posts" is an array of ids of "categories": '
        "if it can grow, it heads for the 8,192-element and 1 MiB document "
        "limits, and every change rewrites the whole document",
    ]
    assert findings[0].hint == (
        "keep one document per link in a table such as postTags "
        '{ postId: v.id("posts"), tagId: v.id("tags") }, '
        "with indexes by_postId and by_tagId, and drop the array"
    )
    assert findings[1].hint is not None
    assert "postCategories { postId" in findings[1].hint
    assert lines(result, "A401") == [("convex/schema.ts", 7), ("convex/schema.ts", 9)]


# --- A402 any-validator -------------------------------------------------------


def test_any_fields_and_any_tables(tmp_path: Path) -> None:
    schema = _schema(
        """  events: defineTable({
    kind: v.string(),
    payload: v.any(),
    legacy: deprecated,
    extra: v.optional(v.array(v.any())),
  }),
  logs: defineTable(v.any()),
"""
    )
    result = analyze(tmp_path, {}, schema=schema)
    findings = found(result, "A402")
    assert [(f.severity, f.message) for f in findings] == [
        (
            Severity.INFO,
            'field "payload" of "events" is v.any(): its values are not '
            "validated, and code reading it gets no types",
        ),
        (
            Severity.INFO,
            'field "extra[]" of "events" is v.any(): its values are not '
            "validated, and code reading it gets no types",
        ),
        (
            Severity.WARNING,
            'table "logs" is v.any(): schema validation is off for its documents',
        ),
    ]
    assert lines(result, "A402") == [
        ("convex/schema.ts", 7),
        ("convex/schema.ts", 9),
        ("convex/schema.ts", 11),
    ]


def test_values_the_reader_could_not_evaluate_are_not_any_fields(
    tmp_path: Path,
) -> None:
    schema = _schema(
        """  tasks: defineTable({
    status: zodToConvex(taskStatus),
    payload: v.any(),
  }),
  imported: defineTable(zodToConvex(taskStatus)),
"""
    ).replace(
        'import { v } from "convex/values";\n',
        'import { v } from "convex/values";\n'
        'import { zodToConvex } from "convex-helpers/server/zod";\n'
        'import { taskStatus } from "./zodSchemas";\n',
    )
    result = analyze(
        tmp_path, {"zodSchemas.ts": "export const taskStatus = 1;\n"}, schema=schema
    )
    # R002 already says the reader stood v.any() in for them.
    assert len(found(result, "R002")) == 2
    assert [f.message for f in found(result, "A402")] == [
        'field "payload" of "tasks" is v.any(): its values are not validated, and '
        "code reading it gets no types"
    ]


# --- A403 deep-nesting --------------------------------------------------------


def test_deep_nesting(tmp_path: Path) -> None:
    schema = _schema(
        """  orders: defineTable({
    shipping: v.object({ address: v.object({ geo: v.object({ lat: v.number() }) }) }),
    lines: v.array(v.object({ options: v.array(v.object({ values: v.array(v.string()) })) })),
  }),
"""
    )
    result = analyze(tmp_path, {}, schema=schema)
    [finding] = found(result, "A403")
    assert finding.message == (
        'field "lines" of "orders" nests 6 levels of objects and arrays '
        "(deepest: lines[].options[].values[])"
    )
    assert lines(result, "A403") == [("convex/schema.ts", 7)]


# --- A404 optional-index-field ------------------------------------------------


def test_optional_index_fields(tmp_path: Path) -> None:
    schema = _schema(
        """  tasks: defineTable({
    owner: v.string(),
    deletedAt: v.optional(v.number()),
  })
    .index("by_owner", ["owner"])
    .index("by_owner_and_deletedAt", ["owner", "deletedAt"]),
  shapes: defineTable(
    v.union(
      v.object({ kind: v.literal("circle"), radius: v.number() }),
      v.object({ kind: v.literal("square"), side: v.number() }),
    ),
  )
    .index("by_kind", ["kind"])
    .index("by_radius", ["radius"]),
"""
    )
    result = analyze(tmp_path, {}, schema=schema)
    assert [f.message for f in found(result, "A404")] == [
        'index "by_owner_and_deletedAt" of "tasks" includes "deletedAt", an '
        "optional field: documents without it are indexed under undefined and "
        'q.eq("deletedAt", value) never returns them',
        'index "by_radius" of "shapes" includes "radius", which only some '
        "members of the document union have: documents without it are indexed "
        'under undefined and q.eq("radius", value) never returns them',
    ]
    assert lines(result, "A404") == [
        ("convex/schema.ts", 10),
        ("convex/schema.ts", 18),
    ]


# --- A405 near-limits ---------------------------------------------------------


def test_near_limits_reads_the_snapshot_profile(tmp_path: Path) -> None:
    schema = _schema(
        """  pages: defineTable({
    html: v.string(),
    readers: v.array(v.string()),
    links: v.array(v.string()),
  }),
  notes: defineTable({ text: v.string() }),
"""
    )
    root = write_project(tmp_path, {}, schema)
    pages = TableProfile("pages")
    pages.add({"html": "x" * 600_000, "readers": ["r"] * 5_000, "links": ["a"]})
    pages.add({"html": "small", "readers": [], "links": ["a"] * 100})
    notes = TableProfile("notes")
    notes.add({"text": "hello"})
    data = {"snapshot": "s.zip", "tables": [pages.to_json(), notes.to_json()]}

    result = analyze_project(root, config=Config(), data=data)

    assert [f.message for f in found(result, "A405")] == [
        'the largest document of "pages" is 601 KiB, 59% of the 1 MiB document limit',
        'the longest "readers" array in "pages" has 5,000 elements, 61% of the '
        "8,192-element limit",
    ]
    assert lines(result, "A405") == [("convex/schema.ts", 5), ("convex/schema.ts", 7)]
    # Without --data the rule has nothing to read.
    assert found(analyze_project(root, config=Config()), "A405") == []


# --- A501 missing-returns -----------------------------------------------------


def test_missing_returns_on_public_functions_only(tmp_path: Path) -> None:
    result = analyze(
        tmp_path,
        {
            "notes.ts": HEADER
            + """import { httpAction } from "./_generated/server";
export const list = query({
  args: {},
  handler: async (ctx) => await ctx.db.query("channels").take(10),
});
export const count = query({
  args: {},
  returns: v.number(),
  handler: async () => 0,
});
export const purge = internalMutation({ args: {}, handler: async () => {} });
export const hook = httpAction(async () => new Response("ok"));
""",
        },
    )
    [finding] = found(result, "A501")
    assert finding.message == 'public query "notes:list" has no returns validator'
    assert lines(result, "A501") == [("convex/notes.ts", 5)]


def _apply(source: bytes, edits: list[dict[str, object]]) -> str:
    out = source
    for edit in sorted(
        edits, key=lambda e: (int(str(e["start"])), int(str(e["end"]))), reverse=True
    ):
        start, end = int(str(edit["start"])), int(str(edit["end"]))
        out = out[:start] + str(edit["text"]).encode() + out[end:]
    return out.decode()
