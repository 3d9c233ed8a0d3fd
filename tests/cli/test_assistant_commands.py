"""`convex-schema design` and `edit`: formats, writing, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from convex_schema.cli.main import run
from convex_schema.reader import read_schema

BLOG = """\
import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";

export default defineSchema({
  // people who write
  users: defineTable({
    name: v.string(),
    email: v.string(),
  }),
  posts: defineTable({
    title: v.string(),
    authorId: v.id("users"),
  }).index("by_author", ["authorId"]),
});
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    schema = tmp_path / "convex" / "schema.ts"
    schema.parent.mkdir()
    schema.write_text(BLOG)
    return tmp_path


def test_design_text(capsys: pytest.CaptureFixture[str]) -> None:
    code = run(["design", "I need a blog system with posts, authors, and comments"])
    out = capsys.readouterr().out

    assert code == 0
    assert "posts" in out
    assert 'authorId     Id<"users">' in out
    assert "Do authors extend users" in out


def test_design_explain_says_why(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["design", "a todo app", "--explain"]) == 0
    out = capsys.readouterr().out

    assert "why table:" in out
    assert "practice:" in out


def test_design_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["design", "users with a unique email", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)

    assert data["schema"]["tables"][0]["tableName"] == "users"
    assert [o["op"] for o in data["operations"]] == ["add_table", "add_index"]
    assert data["explanation"][1]["warnings"]


def test_design_ts_and_out_write_the_same_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "schema.ts"
    out.write_text("// an old schema\n")
    code = run(
        [
            "--project",
            str(tmp_path),
            "design",
            "a recipe app",
            "--format",
            "ts",
            "--out",
            str(out),
        ]
    )
    printed = capsys.readouterr().out

    assert code == 0
    assert printed == out.read_text()
    assert "defineSchema" in printed
    backups = list((tmp_path / ".convex-schema" / "backups").iterdir())
    assert [b.read_text() for b in backups] == ["// an old schema\n"]
    assert read_schema(out, root=tmp_path).schema.table("recipes") is not None


def test_design_with_nothing_to_design_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(["design", "hello"]) == 2
    assert "found no tables" in capsys.readouterr().err


def test_edit_text_lists_operations_with_reasons(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run(["--project", str(project), "edit", "make email addresses unique"])
    out = capsys.readouterr().out

    assert code == 0
    assert "add index by_email (email) on users" in out
    assert "warning: Convex has no unique constraint" in out


def test_edit_json(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = run(
        [
            "--project",
            str(project),
            "edit",
            "posts can have many tags",
            "--format",
            "json",
        ]
    )
    data = json.loads(capsys.readouterr().out)

    assert code == 0
    names = [t["tableName"] for t in data["schema"]["tables"]]
    assert "postTags" in names
    assert all("why" in e for e in data["explanation"])


def test_edit_apply_dry_run_writes_nothing(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    schema = project / "convex" / "schema.ts"
    code = run(
        [
            "--project",
            str(project),
            "edit",
            "add a bio to users",
            "--apply",
            "--dry-run",
        ]
    )
    err = capsys.readouterr().err

    assert code == 0
    assert "+    bio: v.optional(v.string())," in err
    assert schema.read_text() == BLOG


def test_edit_apply_keeps_comments_and_a_backup(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    schema = project / "convex" / "schema.ts"
    code = run(["--project", str(project), "edit", "add a bio to users", "--apply"])
    capsys.readouterr()

    text = schema.read_text()
    assert code == 0
    assert "// people who write" in text
    assert "bio: v.optional(v.string())" in text
    backups = list((project / ".convex-schema" / "backups").iterdir())
    assert [b.read_text() for b in backups] == [BLOG]


def test_edit_that_changes_nothing(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    schema = project / "convex" / "schema.ts"
    assert run(["--project", str(project), "edit", "hello", "--apply"]) == 0
    assert "No change" in capsys.readouterr().out
    assert schema.read_text() == BLOG
