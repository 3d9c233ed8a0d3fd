"""The rules that cover `@convex-dev/eslint-plugin` (A104–A107, A205, A209,
A301, A302, A502): each fires where the plugin reports, on the same line,
and stays quiet where it does not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from convex_schema.analyze import Analysis
from convex_schema.analyze.config import Config

from analyze_projects import analyze, found, lines

SERVER = 'import { query, mutation, internalQuery, action, httpAction } from "./_generated/server";\nimport { v } from "convex/values";\n'


def _said(result: Analysis, code: str) -> list[tuple[str, int]]:
    """(message, line) of each finding of `code`."""
    return [(f.message, f.span.line if f.span else 0) for f in found(result, code)]


def _apply(source: bytes, fix: dict[str, Any] | None) -> str:
    assert fix is not None
    out = source
    for edit in sorted(fix["edits"], key=lambda e: int(e["start"]), reverse=True):
        start, end = int(edit["start"]), int(edit["end"])
        out = out[:start] + str(edit["text"]).encode() + out[end:]
    return out.decode()


def test_old_function_syntax_is_rewritten_to_the_object_form(tmp_path: Path) -> None:
    result = analyze(
        tmp_path,
        {
            "users.ts": SERVER
            + """
export const viewer = query(async (ctx) => {
  return await ctx.auth.getUserIdentity();
});
export const byEmail = query(async (ctx, { email }: { email: string }) => email);
export const current = query({ args: {}, handler: async (ctx) => null });
const unused = query(async (ctx) => null);
""",
            # Not a module of functions: Convex does not bundle `*.test.ts`.
            "users.test.ts": SERVER
            + "export const inTest = query(async (ctx) => null);\n",
        },
    )
    assert _said(result, "A104") == [
        ('query "users:viewer" is registered with a bare handler', 4),
        ('query "users:byEmail" is registered with a bare handler', 7),
    ]
    viewer, by_email = found(result, "A104")
    source = (tmp_path / "convex/users.ts").read_bytes()
    assert (
        "export const viewer = query({\n"
        "  args: {},\n"
        "  handler: async (ctx) => {\n"
        "    return await ctx.auth.getUserIdentity();\n"
        "  },\n"
        "});"
    ) in _apply(source, viewer.fix)
    # The handler takes arguments: their validators are for a person to write.
    assert (
        "export const byEmail = query({\n"
        "  handler: async (ctx, { email }: { email: string }) => email,\n"
        "});"
    ) in _apply(source, by_email.fix)


def test_missing_args_validator(tmp_path: Path) -> None:
    result = analyze(
        tmp_path,
        {
            "users.ts": SERVER
            + """
export const profile = query({
  handler: async (ctx) => null,
});
export const send = mutation({
  handler: async (ctx, args: { channelId: Id<"channels">; body: string; draft?: boolean }) => null,
});
export const byToken = internalQuery({ handler: async (ctx, { token }) => token });
export const settings = query({ handler: async (ctx, {}) => null });
export const old = query(async (ctx, args: { id: string }) => null);
export const ok = query({ args: {}, handler: async (ctx) => null });
export const hook = httpAction(async (ctx, request) => new Response());
""",
        },
    )
    assert _said(result, "A301") == [
        ('query "users:profile" has no args validator', 4),
        (
            'mutation "users:send" has no args validator, but its handler takes arguments',
            7,
        ),
        (
            'internal query "users:byToken" has no args validator, but its handler takes arguments',
            10,
        ),
        ('query "users:settings" has no args validator', 11),
        (
            'query "users:old" has no args validator, but its handler takes arguments',
            12,
        ),
    ]
    profile, send, by_token, settings, old = found(result, "A301")
    assert send.hint == (
        'add args: { channelId: v.id("channels"), body: v.string(), '
        "draft: v.optional(v.boolean()) }"
    )
    assert (
        by_token.hint == "add args with a validator for each argument the handler reads"
    )
    assert send.fix is None
    assert old.fix is None
    source = (tmp_path / "convex/users.ts").read_bytes()
    assert "query({\n  args: {},\n  handler: async (ctx) => null,\n});" in _apply(
        source, profile.fix
    )
    assert "query({ args: {}, handler: async (ctx, {}) => null });" in _apply(
        source, settings.fix
    )


def test_suppression_comments_silence_a301(tmp_path: Path) -> None:
    result = analyze(
        tmp_path,
        {
            "a.ts": SERVER
            + """
// convex-schema-disable-next-line A301
export const one = query({ handler: async (ctx) => null });
// eslint-disable-next-line @convex-dev/require-args-validator
export const two = query({ handler: async (ctx) => null });
export const three = query({ handler: async (ctx) => null });
""",
        },
    )
    assert lines(result, "A301") == [("convex/a.ts", 8)]
    assert result.suppressed >= 2


def test_explicit_table_ids_on_a_convex_older_than_1_31(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text('{"dependencies": {"convex": "^1.25.4"}}')
    files = {
        "messages.ts": SERVER
        + """
export const remove = mutation({
  args: { messageId: v.id("messages") },
  handler: async (ctx, { messageId }) => {
    await ctx.db.delete(messageId);
  },
});
"""
    }
    (finding,) = found(analyze(tmp_path, files), "A105")
    # No table-first form before 1.31: an info, and --fix leaves it alone.
    assert finding.severity.label == "info"
    assert finding.message.endswith(
        "(the table-first form needs convex 1.31; this is 1.25.4)"
    )
    assert finding.fix is not None
    assert finding.fix["safe"] is False
    installed = tmp_path / "node_modules" / "convex"
    installed.mkdir(parents=True)
    (installed / "package.json").write_text('{"version": "1.31.2"}')
    (later,) = found(analyze(tmp_path, files), "A105")
    assert later.severity.label == "warning"
    assert later.fix is not None
    assert later.fix["safe"] is True


def test_explicit_table_ids(tmp_path: Path) -> None:
    result = analyze(
        tmp_path,
        {
            "model/users.ts": """
import type { Doc, Id } from "../_generated/dataModel";
import type { DatabaseReader, QueryCtx } from "../_generated/server";
export async function requireUser(ctx: QueryCtx): Promise<Doc<"users">> {
  throw new Error("not signed in");
}
export async function load(db: DatabaseReader, userId: Id<"users">) {
  return await db.get(userId);
}
export function lookup(cache: Map<string, string>, key: string) {
  return cache.get(key);
}
""",
            "messages.ts": SERVER
            + """
import { requireUser } from "./model/users";
export const remove = mutation({
  args: { messageId: v.id("messages") },
  handler: async (ctx, { messageId }) => {
    await ctx.db.delete(messageId);
  },
});
export const rename = mutation({
  args: { name: v.string(), raw: v.string() },
  handler: async (ctx, args) => {
    const user = await requireUser(ctx);
    await ctx.db
      .patch(user._id, { name: args.name });
    await ctx.db.get(args.raw as never);
    await ctx.db.get("users", user._id);
    await ctx.db.system.get(args.raw as never);
    await ctx.storage.delete(args.raw);
  },
});
""",
        },
    )
    findings = found(result, "A105")
    assert [
        (f.message, f.span.file if f.span else "", f.span.line if f.span else 0)
        for f in findings
    ] == [
        ("ctx.db.delete(messageId) does not name its table", "convex/messages.ts", 8),
        ("ctx.db.patch(user._id, …) does not name its table", "convex/messages.ts", 15),
        (
            "ctx.db.get(args.raw as never) does not name its table",
            "convex/messages.ts",
            17,
        ),
        ("db.get(userId) does not name its table", "convex/model/users.ts", 8),
    ]
    delete, patch, unknown, bare = findings
    source = (tmp_path / "convex/messages.ts").read_bytes()
    assert 'await ctx.db.delete("messages", messageId);' in _apply(source, delete.fix)
    assert '.patch("users", user._id, { name: args.name });' in _apply(
        source, patch.fix
    )
    assert unknown.fix is None
    assert unknown.hint == (
        "pass the table the id belongs to first: "
        'ctx.db.get("<table>", args.raw as never)'
    )
    assert bare.hint == 'pass the table first: db.get("users", userId)'


def test_explicit_table_ids_reads_asserted_and_destructured_ids(
    tmp_path: Path,
) -> None:
    files = {
        "profiles.ts": SERVER
        + """import type { Id } from "./_generated/dataModel";
export const remove = mutation({
  args: { profileId: v.id("profiles"), raw: v.string() },
  handler: async (ctx, args) => {
    const { profileId } = args;
    await ctx.db.delete(profileId);
    await ctx.db.get(args.raw as Id<"users">);
    await ctx.db.get((args.raw as Id<"users">)!);
  },
});
"""
    }
    tables = [
        (f.message, (f.data or {}).get("table"))
        for f in found(analyze(tmp_path, files), "A105")
    ]
    assert tables == [
        ("ctx.db.delete(profileId) does not name its table", "profiles"),
        ('ctx.db.get(args.raw as Id<"users">) does not name its table', "users"),
        ('ctx.db.get((args.raw as Id<"users">)!) does not name its table', "users"),
    ]


SCHEMA_WITH_VALIDATORS = """\
import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";
import { status } from "./validators";

export default defineSchema({
  users: defineTable({ name: v.string(), status }),
});
"""


def test_schema_import_cycle(tmp_path: Path) -> None:
    result = analyze(
        tmp_path,
        {
            "validators.ts": """
import { v } from "convex/values";
import schema from "./schema";

export const status = v.union(v.literal("active"), v.literal("gone"));
export const user = schema.tables.users.validator;
export type Schema = typeof schema;
export function tableValidator(name: "users") {
  return schema.tables[name].validator;
}
export { schema as theSchema };
""",
            # The schema does not import this file, so its use is safe.
            "seed.ts": """
import schema from "./schema";
export const tables = Object.keys(schema.tables);
""",
        },
        schema=SCHEMA_WITH_VALIDATORS,
    )
    read, passed_on = found(result, "A106")
    assert read.message == (
        "convex/schema.ts imports this file (schema.ts → validators.ts), so "
        '"schema" is still undefined when this line runs while the module loads'
    )
    # ESLint reports `export { schema }` too; it only hands the binding on.
    assert passed_on.severity.label == "info"
    assert lines(result, "A106") == [
        ("convex/validators.ts", 6),
        ("convex/validators.ts", 11),
    ]


def test_wrong_runtime_import(tmp_path: Path) -> None:
    result = analyze(
        tmp_path,
        {
            "openai.ts": '"use node";\nimport { internalAction } from "./_generated/server";\nexport const MODEL = "gpt";\nexport function client() { return null; }\n',
            "shared.ts": "export const LIMIT = 10;\n",
            "summaries.ts": """import { MODEL } from "./openai";
import type { client } from "./openai";
import { LIMIT } from "./shared";
import { client as make } from "./openai.js";
export const both = [MODEL, LIMIT, make];
""",
            "actions/transcribe.ts": '"use node";\nimport { client } from "../openai";\nexport const c = client;\n',
        },
    )
    assert [
        (f.severity.label, f.span.file if f.span else "", f.span.line if f.span else 0)
        for f in found(result, "A107")
    ] == [
        ("info", "convex/actions/transcribe.ts", 2),
        ("error", "convex/summaries.ts", 1),
        ("info", "convex/summaries.ts", 2),
        ("error", "convex/summaries.ts", 4),
    ]
    error = found(result, "A107")[1]
    assert error.message == (
        'convex/summaries.ts runs in the Convex runtime but imports "use node" '
        "module convex/openai.ts"
    )
    assert error.hint is not None
    assert "(MODEL)" in error.hint


def test_node_builtins_outside_use_node(tmp_path: Path) -> None:
    (tmp_path / "node_modules" / "buffer").mkdir(parents=True)  # a polyfill
    result = analyze(
        tmp_path,
        {
            "threads.ts": """import { threadId } from "worker_threads";
import { readFile } from "node:fs/promises";
import type { Stats } from "node:fs";
import { Buffer } from "buffer";
import { randomUUID } from "node:crypto";
export const all = [threadId, readFile, Buffer, randomUUID];
""",
            "files.ts": '"use node";\nimport { readFile } from "node:fs/promises";\n'
            "export const read = readFile;\n",
        },
    )
    errors = [
        (f.span.line if f.span else 0, f.message)
        for f in found(result, "A107")
        if f.severity.label == "error"
    ]
    # A type-only import is erased, `buffer` resolves to the installed
    # package, and a "use node" file may import what it likes.
    assert [line for line, _ in errors] == [1, 2, 5]
    assert errors[0][1] == (
        "convex/threads.ts runs in the Convex runtime, which has no Node "
        'built-ins, but imports "worker_threads": the push fails to bundle it'
    )
    assert len(found(result, "A107")) == 3


def test_collect_in_query(tmp_path: Path) -> None:
    result = analyze(
        tmp_path,
        {
            "messages.ts": SERVER
            + """
export const inChannel = query({
  args: { channelId: v.id("channels") },
  handler: async (ctx, { channelId }) => {
    const all = await ctx.db
      .query("messages")
      .withIndex("by_channel", (q) => q.eq("channelId", channelId))
      .collect();
    const everything = await ctx.db.query("messages").collect();
    const page = await ctx.db.query("messages").withIndex("by_channel", (q) => q.eq("channelId", channelId)).take(10);
    return [all, everything, page];
  },
});
""",
            "messages.test.ts": """
test("stores", async () => {
  await t.run(async (ctx) => {
    const stored = await ctx.db.query("users").withIndex("by_email", (q) => q.eq("email", "a")).collect();
  });
});
""",
        },
    )
    assert lines(result, "A205") == [
        ("convex/messages.test.ts", 4),
        ("convex/messages.ts", 7),
    ]
    assert found(result, "A205")[1].message == (
        '.collect() loads every document of "messages" in its "by_channel" range '
        "at once, and the range can still grow"
    )
    # The whole-table collect on one line is A202's.
    assert ("convex/messages.ts", 11) in lines(result, "A202")


def test_top_of_hour_cron(tmp_path: Path) -> None:
    result = analyze(
        tmp_path,
        {
            "crons.ts": """import { cronJobs } from "convex/server";
import { internal } from "./_generated/api";
const crons = cronJobs();
crons.hourly("refresh", { minuteUTC: 0 }, internal.a.b);
crons.daily(
  "archive",
  {
    hourUTC: 3,
    minuteUTC: 0,
  },
  internal.a.b,
);
crons.cron("nightly", "0 2 * * *", internal.a.b);
crons.cron("twice", `30,0 * * * *`, internal.a.b);
crons.monthly("invoices", { day: 1, hourUTC: 6, minuteUTC: 17 }, internal.a.b);
crons.daily("cleanup", { hourUTC: 4 }, internal.a.b);
crons.cron("quarterly", "*/15 * * * *", internal.a.b);
crons.interval("poll", { minutes: 5 }, internal.a.b);
export default crons;
""",
        },
    )
    assert lines(result, "A209") == [
        ("convex/crons.ts", 4),
        ("convex/crons.ts", 9),
        ("convex/crons.ts", 13),
        ("convex/crons.ts", 14),
    ]
    refresh, _, nightly, twice = found(result, "A209")
    assert refresh.message == (
        'cron "refresh" runs at :00 (minuteUTC: 0), the busiest minute of the hour'
    )
    assert nightly.hint is not None
    assert nightly.hint.endswith('such as "17 2 * * *"')
    assert twice.message.startswith('cron "twice" runs at :00 ("30,0 * * * *")')


def test_missing_access_control(tmp_path: Path) -> None:
    files = {
        "model/users.ts": """
import type { QueryCtx } from "../_generated/server";
export async function getCurrentUser(ctx: QueryCtx) {
  return await ctx.auth.getUserIdentity();
}
export async function requireUser(ctx: QueryCtx) {
  const user = await getCurrentUser(ctx);
  if (user === null) throw new Error("not signed in");
  return user;
}
""",
        "tasks.ts": SERVER
        + """
import { getCurrentUser, requireUser } from "./model/users";
export const open = query({
  args: {},
  handler: async (ctx) => await ctx.db.query("users").take(10),
});
export const mine = query({
  args: {},
  handler: async (ctx) => {
    const user = await getCurrentUser(ctx);
    return user === null ? [] : [user];
  },
});
export const guarded = query({
  args: {},
  handler: async (ctx) => {
    const user = await requireUser(ctx);
    return user;
  },
});
export const teamOnly = mutation({
  args: {},
  handler: async (ctx) => {
    await inTeam(ctx);
  },
});
export const cron = internalQuery({ args: {}, handler: async (ctx) => null });
export const hook = httpAction(async (ctx, request) => new Response());
const listed = query({ args: {}, handler: async (ctx) => null });
export { listed };
export const inline = mutation({
  args: {},
  handler: async (ctx) => {
    const identity = await ctx.auth.getUserIdentity();
    if (identity === null) throw new Error("not signed in");
  },
});
export const admin = mutation({
  args: {},
  handler: async (ctx) => {
    await verifyAdmin(ctx);
  },
});
export const nested = query({
  args: { all: v.boolean() },
  handler: async (ctx, { all }) => {
    if (all) {
      return await getCurrentUser(ctx);
    }
    return null;
  },
});
async function verifyAdmin(ctx: QueryCtx) {
  const identity = await ctx.auth.getUserIdentity();
  if (identity?.tokenIdentifier !== "admin") throw new Error("admins only");
}
""",
    }
    result = analyze(tmp_path, files)
    assert [
        (f.severity.label, f.span.line if f.span else 0, f.message)
        for f in found(result, "A302")
    ] == [
        (
            "info",  # a public read: often public data by design
            5,
            'anyone can call public query "tasks:open": neither its handler nor '
            "the helpers it calls check who is calling",
        ),
        (
            "info",  # reads the caller first thing; ESLint wants a named check
            9,
            'public query "tasks:mine" checks the caller at the start of its '
            "handler with getCurrentUser(), but not through a call named like a "
            "check, which ESLint's require-access-control asks for",
        ),
        (
            "warning",
            23,
            'anyone can call public mutation "tasks:teamOnly": neither its handler '
            "nor the helpers it calls check who is calling",
        ),
        (
            "info",
            31,
            'anyone can call public query "tasks:listed": neither its handler nor '
            "the helpers it calls check who is calling",
        ),
        (
            "info",
            33,
            'public mutation "tasks:inline" checks the caller at the start of its '
            "handler with ctx.auth.getUserIdentity(), but not through a call named "
            "like a check, which ESLint's require-access-control asks for",
        ),
        (
            "info",  # a project helper that reads the identity
            40,
            'public mutation "tasks:admin" checks the caller at the start of its '
            "handler with verifyAdmin(), but not through a call named like a check, "
            "which ESLint's require-access-control asks for",
        ),
        (
            "info",
            46,
            'public query "tasks:nested" has no top-level access check; it reaches '
            "ctx.auth.getUserIdentity(), getCurrentUser() only further in, so make "
            "sure no path returns data without it",
        ),
    ]
    # A configured access check counts, at the top of the handler or further in.
    configured = analyze(
        tmp_path / "configured",
        files,
        config=Config(access_checks=("inTeam", "getCurrentUser")),
    )
    # (Not the ones that check with other names, or only inside a block.)
    assert lines(configured, "A302") == [
        ("convex/tasks.ts", 5),
        ("convex/tasks.ts", 31),
        ("convex/tasks.ts", 33),
        ("convex/tasks.ts", 40),
        ("convex/tasks.ts", 46),
    ]


def test_process_env(tmp_path: Path) -> None:
    result = analyze(
        tmp_path,
        {
            "_generated/server.d.ts": "type Env = {\n  readonly APP_URL: string;\n};\nexport declare const env: Env;\n",
            "model/env.ts": """import { query } from "../_generated/server";
export const appUrl = process.env.APP_URL ?? "http://localhost";
const { SLACK_URL, SLACK_CHANNEL } = process.env;
export const flags = Object.keys(process.env);
export const key = process.env["OPENAI_API_KEY"];
export function fromEnv(process: { env: Record<string, string> }, name: string) {
  return process.env[name];
}
""",
        },
    )
    assert _said(result, "A502") == [
        (
            "reads process.env.APP_URL instead of the typed env object of _generated/server",
            2,
        ),
        (
            "destructures SLACK_URL, SLACK_CHANNEL from process.env instead of the "
            "typed env object of _generated/server",
            3,
        ),
        (
            "uses the whole process.env object instead of the typed env object of _generated/server",
            4,
        ),
        (
            "reads process.env.OPENAI_API_KEY instead of the typed env object of _generated/server",
            5,
        ),
    ]
    app_url, slack, whole, key = found(result, "A502")
    source = (tmp_path / "convex/model/env.ts").read_bytes()
    fixed = _apply(source, app_url.fix)
    assert fixed.startswith('import { query, env } from "../_generated/server";\n')
    assert 'export const appUrl = env.APP_URL ?? "http://localhost";' in fixed
    assert "const { SLACK_URL, SLACK_CHANNEL } = env;" in _apply(source, slack.fix)
    assert whole.fix is None
    # Only APP_URL is declared, so only its rewrite compiles as it stands.
    assert app_url.fix is not None
    assert app_url.fix["safe"] is True
    assert key.fix is not None
    assert key.fix["safe"] is False
    assert app_url.hint == (
        "declare APP_URL in convex/convex.config.ts, then read env.APP_URL "
        '(import { env } from "../_generated/server")'
    )
