"""Tables and indexes the project does not write in `schema.ts`: those a
package defines (`...authTables`), which the project cannot change, and those
imported from another project file, which the surgical editor does not edit."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from convex_schema.analyze.fixes import plan_fixes
from convex_schema.cli.main import application
from convex_schema.operations import DropIndex, to_json

from analyze_projects import analyze, found, write_project

SCHEMA = """\
import { defineSchema, defineTable } from "convex/server";
import { authTables } from "@convex-dev/auth/server";
import { v } from "convex/values";
import { notes } from "./tables";

export default defineSchema({
  ...authTables,
  notes,
  messages: defineTable({ body: v.string(), topic: v.optional(v.string()) })
    .index("by_body", ["body"])
    .index("by_topic", ["topic"]),
});
"""
TABLES = """\
import { defineTable } from "convex/server";
import { v } from "convex/values";

export const notes = defineTable({ author: v.string() }).index("by_author", ["author"]);
"""
QUERIES = """\
import { query } from "./_generated/server";

export const list = query({
  args: {},
  handler: async (ctx) => ctx.db.query("messages").take(5),
});
"""


def _files(queries: str = QUERIES) -> dict[str, str]:
    return {"tables.ts": TABLES, "q.ts": queries}


def test_package_tables_are_not_reviewed(tmp_path: Path) -> None:
    result = analyze(tmp_path, _files(), SCHEMA)
    # authTables' own indexes ("sessionId" is a prefix of another, most are
    # unused, several are on optional fields) are the package's business.
    package = ("users", "authSessions", "authAccounts", "authRefreshTokens")
    for code in ("A203", "A204", "A404"):
        for finding in found(result, code):
            assert not any(f'of "{name}"' in finding.message for name in package)
            assert finding.span is not None  # a package's index has no place
    assert not found(result, "A203")
    unused = sorted(f.message for f in found(result, "A204"))
    assert unused == [
        'no query uses index "by_author" of "notes"',
        'no query uses index "by_body" of "messages"',
        'no query uses index "by_topic" of "messages"',
    ]
    assert [f.message.split(",")[0] for f in found(result, "A404")] == [
        'index "by_topic" of "messages" includes "topic"'
    ]


def test_only_indexes_written_in_the_schema_file_get_a_drop_fix(tmp_path: Path) -> None:
    result = analyze(tmp_path, _files(), SCHEMA)
    fixes = {f.message: f.fix for f in found(result, "A204")}
    assert fixes['no query uses index "by_author" of "notes"'] is None
    assert fixes['no query uses index "by_body" of "messages"'] is not None
    plan = plan_fixes(tmp_path, "convex/schema.ts", found(result, "A204"), False)
    assert len(plan.applied) == 2
    assert not plan.skipped
    assert '.index("by_body"' not in plan.changes[0].after


def test_a_fix_the_editor_refuses_is_skipped_not_fatal(tmp_path: Path) -> None:
    result = analyze(tmp_path, _files(), SCHEMA)
    finding = next(f for f in found(result, "A204") if f.fix is not None)
    # A drop of an index that schema.ts does not write (as an older fix of a
    # package's index asked): the plan says why, and keeps the other fix.
    refused = type(finding)(
        finding.code,
        finding.severity,
        finding.message,
        finding.span,
        fix={
            "description": "drop",
            "operations": [to_json(DropIndex("authRefreshTokens", "sessionId"))],
            "edits": [],
            "safe": True,
        },
    )
    plan = plan_fixes(tmp_path, "convex/schema.ts", [refused, finding], False)
    assert plan.applied == [finding]
    assert len(plan.skipped) == 1
    assert "sessionId" in plan.skipped[0][1]
    assert len(plan.changes) == 1


def test_suggestions_on_a_project_with_package_tables(tmp_path: Path) -> None:
    root = write_project(tmp_path, _files(), SCHEMA)
    for extra in ([], ["--format", "json"]):
        args = ["--project", str(root), "analyze", "--suggestions", *extra]
        result = CliRunner().invoke(application(args), args)
        assert result.exit_code == 0, result.output
    assert json.loads(result.output)["findings"]


def test_an_index_passed_by_name_to_a_helper_is_used(tmp_path: Path) -> None:
    queries = QUERIES + (
        "import { getManyFrom, getManyVia, getOneFrom } from "
        '"convex-helpers/server/relationships";\n'
        "export const byBody = query({\n"
        "  args: {},\n"
        '  handler: async (ctx) => getManyFrom(ctx.db, "messages", "by_body", "x"),\n'
        "});\n"
        "export const byTopic = query({\n"
        "  args: {},\n"
        "  handler: async (ctx) =>\n"
        '    getManyVia(ctx.db, "messages", "body", "by_topic", "t"),\n'
        "});\n"
        "export const sameNameElsewhere = query({\n"
        "  args: {},\n"
        '  handler: async (ctx) => getOneFrom(ctx.db, "other", "by_author", "a"),\n'
        "});\n"
    )
    result = analyze(tmp_path, _files(queries), SCHEMA)
    unused = sorted(f.message for f in found(result, "A204"))
    # The same index name on another table does not count.
    assert unused == ['no query uses index "by_author" of "notes"']
