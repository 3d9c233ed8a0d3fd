"""`convex-schema analyze` end to end: formats, exit codes, --fix."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from convex_schema.analyze import analyze_project
from convex_schema.analyze.config import Config
from convex_schema.cli.main import run

from analyze_projects import SCHEMA, write_project
from support import ROOT, run_tsc, write_generated

MESSAGES = """\
import { query } from "./_generated/server";
import { v } from "convex/values";

export const byChannel = query({
  args: { channelId: v.id("channels") },
  handler: async (ctx, args) => {
    return await ctx.db
      .query("messages")
      .filter((q) => q.eq(q.field("channelId"), args.channelId))
      .take(20);
  },
});

export const named = query({
  args: { name: v.string() },
  handler: async (ctx, { name }) => {
    return await ctx.db
      .query("users")
      .filter((q) => q.eq(q.field("name"), name))
      .first();
  },
});
"""


def _project(tmp_path: Path) -> Path:
    return write_project(tmp_path, {"messages.ts": MESSAGES}, SCHEMA)


def test_json_output_has_findings_suggestions_and_score(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path)
    code = run(["--project", str(root), "analyze", "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0  # warnings only; the default --fail-on is error
    assert data["functions"] == 2
    assert {f["code"] for f in data["findings"]} >= {"A201"}
    assert [s["index"] for s in data["suggestions"]] == ["by_name"]
    assert data["suggestions"][0]["serves"] == ["messages:named"]
    assert 0 <= data["score"]["score"] < 100
    assert set(data["score"]["categories"]) == {
        "correctness",
        "performance",
        "security",
        "schema design",
        "maintainability",
    }


def test_fail_on_and_sarif(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _project(tmp_path)
    assert run(["--project", str(root), "analyze", "--fail-on", "warning"]) == 1
    capsys.readouterr()
    assert run(["--project", str(root), "analyze", "--format", "sarif"]) == 0
    log = json.loads(capsys.readouterr().out)
    assert log["version"] == "2.1.0"
    results = log["runs"][0]["results"]
    assert any(r["ruleId"] == "A201" for r in results)
    rule_ids = {r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert {"A201", "S101"} <= rule_ids
    assert run(["--project", str(root), "analyze", "--fail-on", "loud"]) == 2


def test_disable_and_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _project(tmp_path)
    run(["--project", str(root), "analyze", "--format", "json", "--disable", "A201"])
    codes = {f["code"] for f in json.loads(capsys.readouterr().out)["findings"]}
    assert "A201" not in codes
    (root / "convex-schema.toml").write_text(
        '[analyze]\nseverity = { A201 = "error" }\n'
    )
    assert run(["--project", str(root), "analyze", "--format", "json"]) == 1
    levels = {
        f["severity"]
        for f in json.loads(capsys.readouterr().out)["findings"]
        if f["code"] == "A201"
    }
    assert levels == {"error"}
    (root / "convex-schema.toml").write_text("[analyze]\nfrobnicate = 1\n")
    assert run(["--project", str(root), "analyze"]) == 2
    assert "unknown analyze setting(s) frobnicate" in capsys.readouterr().err


def test_suppression_comments(tmp_path: Path) -> None:
    text = MESSAGES.replace(
        '      .filter((q) => q.eq(q.field("channelId")',
        "      // convex-schema-disable-next-line A201\n"
        '      .filter((q) => q.eq(q.field("channelId")',
    )
    root = write_project(tmp_path, {"messages.ts": text}, SCHEMA)
    analysis = analyze_project(root, config=Config())
    lines = [f.span.line for f in analysis.findings if f.code == "A201" and f.span]
    assert lines == [20]
    assert analysis.suppressed == 1


def test_fix_dry_run_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path)
    before = (root / "convex/messages.ts").read_text()
    run(["--project", str(root), "analyze", "--fix", "--dry-run"])
    out = capsys.readouterr().out
    assert (
        '+      .withIndex("by_channel", (q) => q.eq("channelId", args.channelId))'
        in out
    )
    assert '+  }).index("by_email", ["email"]).index("by_name", ["name"]),' in out
    assert (root / "convex/messages.ts").read_text() == before
    assert not (root / ".convex-schema").exists()


def test_fix_applies_rewrites_and_index_and_the_result_typechecks(
    tmp_path: Path,
) -> None:
    root = ROOT / "tests" / ".generated" / "analyze-fix"
    shutil.rmtree(root, ignore_errors=True)
    _project(root)
    write_generated(root / "convex")
    assert run_tsc(root, "convex/**/*.ts").returncode == 0
    assert run(["--project", str(root), "analyze", "--fix"]) == 0
    fixed = (root / "convex/messages.ts").read_text()
    assert (
        '      .query("messages")\n'
        '      .withIndex("by_channel", (q) => q.eq("channelId", args.channelId))\n'
        "      .take(20);"
    ) in fixed
    assert (
        '      .query("users")\n'
        '      .withIndex("by_name", (q) => q.eq("name", name))\n'
        "      .first();"
    ) in fixed
    assert ".filter(" not in fixed
    schema = (root / "convex/schema.ts").read_text()
    assert '.index("by_name", ["name"])' in schema
    assert len(list((root / ".convex-schema" / "backups").iterdir())) == 2
    after = analyze_project(root, config=Config())
    assert [f for f in after.findings if f.code == "A201"] == []
    assert after.suggestions == []
    done = run_tsc(root, "convex/**/*.ts")
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_folder_with_nothing_to_review_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["--project", str(tmp_path / "missing"), "analyze"]) == 2
    assert "no such folder" in capsys.readouterr().err
    assert run(["--project", str(tmp_path), "analyze", "--format", "json"]) == 2
    captured = capsys.readouterr()
    assert "no convex/ folder here" in captured.err
    assert captured.out == ""


def test_a_schema_that_cannot_be_read_leaves_the_functions_reviewed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = SCHEMA.replace(
        'import { v } from "convex/values";',
        'import { v } from "convex/values";\nimport { extra } from "../src/missing";',
    ).replace("name: v.string(),", "name: v.string(),\n    extra,")
    root = write_project(tmp_path, {"messages.ts": MESSAGES}, broken)
    assert run(["--project", str(root), "analyze", "--format", "json"]) == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    (unread,) = [f for f in findings if f["code"] == "R003"]
    assert (unread["file"], unread["line"]) == ("convex/schema.ts", 3)
    assert "rules that need it were skipped" in unread["hint"]
    # The functions' own findings are there; the schema's rules are not.
    assert any(f["code"] == "A201" for f in findings)
    assert not any(f["code"] in ("A203", "A204", "A404") for f in findings)


def test_index_suggestions_are_written_as_typescript(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path)
    run(["--project", str(root), "analyze"])
    out = capsys.readouterr().out
    assert "Index suggestions" in out
    assert 'users: .index("by_name", ["name"]) serves messages:named' in out
