""" "unique": an index, the note that Convex has none, and the guard a
mutation calls, which typechecks against the real `convex` package."""

from __future__ import annotations

import json
import shutil

from convex_schema.assistant.editing import edit
from convex_schema.assistant.engine import design
from convex_schema.assistant.present import edit_text
from convex_schema.model import Schema
from convex_schema.operations import AddIndex
from convex_schema.writer.render import render_schema

from support import ROOT, run_tsc, write_generated

CALLER = """\
import { v } from "convex/values";
import { mutation } from "./_generated/server";
import { ensureUniqueUsername } from "./guards";

export const setUsername = mutation({
  args: { userId: v.id("users"), username: v.string() },
  returns: v.null(),
  handler: async (ctx, { userId, username }) => {
    await ensureUniqueUsername(ctx, username, userId);
    await ctx.db.patch("users", userId, { username });
    return null;
  },
});
"""


def test_unique_gives_index_note_and_guard(bases: dict[str, Schema]) -> None:
    result = edit("users should have a unique username", bases["blog"])
    step = next(s for s in result.steps if isinstance(s.operation, AddIndex))
    assert step.operation.index.name == "by_username"
    assert any("no unique constraint" in w for w in step.warnings)
    assert "export async function ensureUniqueUsername(" in step.code
    assert '.withIndex("by_username", (q) => q.eq("username", value))' in step.code
    assert json.loads(json.dumps(result.to_json()))["explanation"][-1]["code"]
    assert "ensureUniqueUsername" in "\n".join(edit_text(result, explain=True))


def test_design_guard_uses_the_designed_names() -> None:
    result = design("a store with products; each product has a unique sku")
    codes = [s.code for s in result.steps if s.code]
    assert codes
    assert 'query("products")' in codes[0]


def test_guard_typechecks(bases: dict[str, Schema]) -> None:
    result = edit("users should have a unique username", bases["blog"])
    code = next(s.code for s in result.steps if s.code)
    root = ROOT / "tests" / ".generated" / "unique-guard"
    shutil.rmtree(root, ignore_errors=True)
    convex = root / "convex"
    convex.mkdir(parents=True)
    (convex / "schema.ts").write_text(render_schema(result.schema))
    (convex / "guards.ts").write_text(code)
    (convex / "users.ts").write_text(CALLER)
    write_generated(convex)
    done = run_tsc(root, "convex/**/*.ts")
    assert done.returncode == 0, done.stdout + done.stderr
