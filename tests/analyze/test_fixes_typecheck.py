"""Every safe fix at once, on a project that typechecks: after `--fix` the
fixed findings are gone when the project is analyzed again, and the code still
typechecks with `tsc` against the real `convex` package."""

from __future__ import annotations

import shutil

from convex_schema.analyze import analyze_project
from convex_schema.analyze.config import Config
from convex_schema.cli.main import run

from analyze_projects import SCHEMA, write_project
from support import ROOT, run_tsc, write_generated

FILES = {
    "messages.ts": """\
import { v } from "convex/values";
import { mutation, query } from "./_generated/server";

// A bare handler (A104), and no args validator (A301).
export const latest = query(async (ctx) => {
  return await ctx.db.query("messages").order("desc").first();
});

// No args validator on a handler that takes none (A301).
export const count = query({
  handler: async (ctx) => {
    const page = await ctx.db.query("channels").take(100);
    return page.length;
  },
});

// The table is known from the argument's validator (A105).
export const rename = mutation({
  args: { userId: v.id("users"), name: v.string() },
  handler: async (ctx, { userId, name }) => {
    const user = await ctx.db.get(userId);
    if (user !== null) {
      await ctx.db.patch(userId, { name });
    }
    return null;
  },
});

// A filter an index serves, and one that needs a new index (A201).
export const inChannel = query({
  args: { channelId: v.id("channels"), status: v.string() },
  handler: async (ctx, args) => {
    return await ctx.db
      .query("messages")
      .filter((q) => q.eq(q.field("channelId"), args.channelId))
      .take(50);
  },
});

export const byName = query({
  args: { name: v.string() },
  handler: async (ctx, { name }) => {
    return await ctx.db
      .query("users")
      .filter((q) => q.eq(q.field("name"), name))
      .unique();
  },
});
""",
}
FIXED = {"A104", "A105", "A201", "A301"}


def test_safe_fixes_come_back_clean_and_typecheck() -> None:
    root = ROOT / "tests" / ".generated" / "analyze-fixes"
    shutil.rmtree(root, ignore_errors=True)
    write_project(root, FILES, SCHEMA)
    write_generated(root / "convex")
    done = run_tsc(root, "convex/**/*.ts")
    assert done.returncode == 0, done.stdout + done.stderr

    before = analyze_project(root, config=Config())
    assert {f.code for f in before.findings} >= FIXED
    # Fixes that overlap (A104 and A301 on one function) take a second run.
    for _ in range(3):
        assert run(["--project", str(root), "analyze", "--fix"]) in (0, 1)
    after = analyze_project(root, config=Config())
    left = [(f.code, f.span.line if f.span else 0) for f in after.findings]
    assert [item for item in left if item[0] in FIXED] == []
    fixed = (root / "convex/messages.ts").read_text()
    assert 'await ctx.db.get("users", userId)' in fixed
    assert '.withIndex("by_channel", (q) => q.eq("channelId", args.channelId))' in fixed
    assert '.withIndex("by_name", (q) => q.eq("name", name))' in fixed
    assert '.index("by_name", ["name"])' in (root / "convex/schema.ts").read_text()
    done = run_tsc(root, "convex/**/*.ts")
    assert done.returncode == 0, done.stdout + done.stderr
