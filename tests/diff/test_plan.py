"""migrate: widen → migrate → narrow plans, sized with the data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from convex_schema.cli.main import run
from convex_schema.diff import diff_schemas
from convex_schema.migrate.plan import make_plan
from convex_schema.migrate.risks import assess
from convex_schema.reader import read_schema

BLOG = Path(__file__).resolve().parents[2] / "examples" / "blog"
HEADER = (
    'import { defineSchema, defineTable } from "convex/server";\n'
    'import { v } from "convex/values";\n'
)


def _schema(tmp_path: Path, name: str, tables: str):  # type: ignore[no-untyped-def]
    path = tmp_path / f"{name}.ts"
    path.write_text(HEADER + f"export default defineSchema({{{tables}}});\n")
    return read_schema(path).schema


def test_required_field_takes_widen_backfill_narrow(tmp_path: Path) -> None:
    old = _schema(tmp_path, "old", "users: defineTable({ name: v.string() })")
    new = _schema(
        tmp_path, "new", "users: defineTable({ name: v.string(), plan: v.string() })"
    )
    changes = diff_schemas(old, new)
    plan = make_plan(changes, assess(changes, old, None), old, data_checked=False)
    phases = [s.phase for s in plan.steps]
    assert phases == ["backup", "widen", "migrate", "narrow"]
    widen, migrate, narrow = plan.steps[1:]
    assert widen.to_json()["operations"][0]["optional"] is True
    assert migrate.migration is not None
    assert migrate.migration["name"] == "backfillUsersPlan"
    assert narrow.to_json()["operations"] == [
        {"op": "set_optional", "table": "users", "field": "plan", "optional": False}
    ]
    assert plan.unchecked  # no snapshot: the plan says what it could not check


def test_safe_changes_need_one_deploy_and_no_backup(tmp_path: Path) -> None:
    old = _schema(tmp_path, "old", "users: defineTable({ name: v.string() })")
    new = _schema(
        tmp_path,
        "new",
        "users: defineTable({ name: v.string(), bio: v.optional(v.string()) }), "
        "teams: defineTable({ name: v.string() })",
    )
    changes = diff_schemas(old, new)
    plan = make_plan(changes, assess(changes, old, None), old, data_checked=False)
    assert [s.phase for s in plan.steps] == ["widen"]
    assert plan.backup is False


def test_dropping_a_required_field_makes_it_optional_first(tmp_path: Path) -> None:
    old = _schema(
        tmp_path, "old", "users: defineTable({ name: v.string(), age: v.number() })"
    )
    new = _schema(tmp_path, "new", "users: defineTable({ name: v.string() })")
    changes = diff_schemas(old, new)
    plan = make_plan(changes, assess(changes, old, None), old, data_checked=False)
    widen = next(s for s in plan.steps if s.phase == "widen")
    assert widen.to_json()["operations"][0]["op"] == "set_optional"
    migrate = next(s for s in plan.steps if s.phase == "migrate")
    assert migrate.migration is not None
    assert migrate.migration["kind"] == "unset"


def test_migrate_command_on_the_example(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "convex"
    target.mkdir()
    for source in (BLOG / "convex").glob("*.ts"):
        (target / source.name).write_text(source.read_text())
    schema_file = target / "schema.ts"
    schema_file.write_text(
        schema_file.read_text().replace(
            "    slug: v.string(),\n",
            "    slug: v.string(),\n    minutes: v.number(),\n",
        )
    )
    argv = [
        "--project", str(BLOG), "migrate",
        "--from", str(BLOG), "--to", str(schema_file),
        "--data", str(BLOG / "snapshot.zip"), "--unique", "users.email",
        "--format", "json",
    ]  # fmt: skip
    assert run(argv) == 0
    output = json.loads(capsys.readouterr().out)
    steps = output["plan"]["steps"]
    backfill = next(
        s for s in steps if s.get("migration", {}).get("kind") == "backfill"
    )
    assert backfill["documents"] == 1000
    assert "10 batch(es)" in backfill["estimate"]
    unique = next(s for s in steps if "unique" in s["title"])
    assert unique["documents"] == 6
    assert output["plan"]["backupFirst"] is True
    assert run([*argv[:-2], "--format", "md"]) == 0
    assert capsys.readouterr().out.startswith("# Schema migration")


def test_history_status_and_rollback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "app"
    (project / "convex").mkdir(parents=True)
    old = project / "convex" / "schema.ts"
    old.write_text(
        HEADER
        + "export default defineSchema({ users: defineTable({ name: v.string() }) });\n"
    )
    new = tmp_path / "new.ts"
    new.write_text(
        HEADER + "export default defineSchema({ users: defineTable({ name: v.string(), "
        "plan: v.string() }) });\n"
    )
    base = ["--project", str(project), "migrate"]
    assert run([*base, "--from", str(old), "--to", str(new), "--record"]) == 0
    assert "recorded as plan" in capsys.readouterr().err
    assert run([*base, "history"]) == 0
    assert "planned" in capsys.readouterr().out
    assert run([*base, "status", "--done", "2"]) == 0
    assert "[x] 2. Deploy the widened schema" in capsys.readouterr().out
    assert run([*base, "rollback"]) == 0
    rollback = capsys.readouterr().out
    assert "drop field users.plan" in rollback
    assert run([*base, "status", "--done", "9"]) == 2
    assert (project / ".convex-schema" / "state.db").exists()


def test_answers_file_drives_the_same_choices(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "app"
    (project / "convex").mkdir(parents=True)
    old = project / "convex" / "schema.ts"
    old.write_text(
        HEADER + "export default defineSchema({ users: defineTable({ emailAddress: "
        "v.string() }), legacy: defineTable({ x: v.string() }) });\n"
    )
    new = tmp_path / "new.ts"
    new.write_text(
        HEADER + "export default defineSchema({ users: defineTable({ email_address: "
        "v.string(), plan: v.string() }) });\n"
    )
    answers = tmp_path / "answers.json"
    answers.write_text(
        json.dumps(
            {
                "renames": {"users.emailAddress=users.email_address": False},
                "backfill": {"users.plan": '"free"'},
                "droppedTables": {"legacy": "archive"},
                "write": True,
            }
        )
    )
    out = tmp_path / "out"
    base = ["--project", str(project), "migrate", "--from", str(old), "--to", str(new)]
    argv = [*base, "--answers", str(answers), "--out", str(out), "--format", "json"]
    assert run(argv) == 0
    output = json.loads(capsys.readouterr().out)
    ops_ = [o["op"] for o in output["operations"]]
    assert "rename_field" not in ops_  # the rename was rejected
    assert {"drop_field", "add_field", "drop_table"} <= set(ops_)
    source = (out / "migrations.ts").read_text()
    assert 'return { plan: "free" };' in source
    assert "export const deleteLegacy" in source
    assert "await ctx.db.delete(doc._id);" in source
    bad = tmp_path / "bad.json"
    bad.write_text('{"droppedTables": {"legacy": "burn"}}')
    assert run([*base, "--answers", str(bad)]) == 2
    assert "keep, archive, delete" in capsys.readouterr().err
    # Without a terminal, --interactive says to use an answers file.
    assert run([*base, "--interactive"]) == 2
    assert "--answers FILE" in capsys.readouterr().err
