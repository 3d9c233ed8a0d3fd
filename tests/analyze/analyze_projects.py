"""Small Convex projects written into a temporary folder for analyzer tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

from convex_schema.analyze import Analysis, analyze_project
from convex_schema.analyze.config import Config
from convex_schema.diagnostics import Diagnostic

SCHEMA = """\
import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";

export default defineSchema({
  users: defineTable({
    name: v.string(),
    email: v.string(),
  }).index("by_email", ["email"]),
  messages: defineTable({
    channelId: v.id("channels"),
    authorId: v.id("users"),
    body: v.string(),
    status: v.union(v.literal("sent"), v.literal("deleted")),
  })
    .index("by_channel", ["channelId"])
    .index("by_channel_and_author", ["channelId", "authorId"])
    .searchIndex("search_body", { searchField: "body", filterFields: ["channelId"] }),
  channels: defineTable({ name: v.string(), ownerId: v.id("users") }),
});
"""


def write_project(
    root: Path, files: dict[str, str], schema: str | None = SCHEMA
) -> Path:
    """Write `files` (paths relative to `convex/`) and the schema; returns root."""
    convex = root / "convex"
    convex.mkdir(parents=True, exist_ok=True)
    if schema is not None:
        (convex / "schema.ts").write_text(textwrap.dedent(schema))
    for name, text in files.items():
        path = convex / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root


def analyze(
    root: Path,
    files: dict[str, str],
    schema: str | None = SCHEMA,
    config: Config | None = None,
) -> Analysis:
    write_project(root, files, schema)
    return analyze_project(root, config=config or Config())


def found(analysis: Analysis, code: str) -> list[Diagnostic]:
    return [f for f in analysis.findings if f.code == code]


def lines(analysis: Analysis, code: str) -> list[tuple[str, int]]:
    """(file, line) of each finding of `code`."""
    return [(f.span.file, f.span.line) for f in found(analysis, code) if f.span]
