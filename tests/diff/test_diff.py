"""diff: operations between two schemas, classified, with renames detected."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from convex_schema.cli.main import run
from convex_schema.diff import DiffOptions, diff_schemas
from convex_schema.model import Schema
from convex_schema.reader import read_schema

HEADER = (
    'import { defineSchema, defineTable } from "convex/server";\n'
    'import { v } from "convex/values";\n'
)


def schema(tmp_path: Path, name: str, tables: str) -> Schema:
    path = tmp_path / f"{name}.ts"
    path.write_text(HEADER + f"export default defineSchema({{{tables}}});\n")
    return read_schema(path).schema


def changes(
    tmp_path: Path, old: str, new: str, **options: object
) -> list[dict[str, object]]:
    before, after = schema(tmp_path, "old", old), schema(tmp_path, "new", new)
    return [c.to_json() for c in diff_schemas(before, after, DiffOptions(**options))]  # type: ignore[arg-type]


USERS = "users: defineTable({ name: v.string(), email: v.string() })"

CASES = [
    # (old tables, new tables, expected (op, classification))
    (USERS, USERS, []),
    (
        USERS,
        "users: defineTable({ name: v.string(), email: v.string(), "
        "avatarUrl: v.optional(v.string()) })",
        [("add_field", ["safe"])],
    ),
    (
        USERS,
        "users: defineTable({ name: v.string(), email: v.string(), plan: v.string() })",
        [("add_field", ["needs-backfill"])],
    ),
    (
        USERS,
        "users: defineTable({ name: v.string() })",
        [("drop_field", ["destructive", "needs-backfill", "breaking-for-code"])],
    ),
    (
        "t: defineTable({ n: v.optional(v.number()) })",
        "t: defineTable({ n: v.number() })",
        [("set_optional", ["needs-backfill"])],
    ),
    (
        "t: defineTable({ n: v.number() })",
        "t: defineTable({ n: v.optional(v.number()) })",
        [("set_optional", ["safe"])],
    ),
    (
        't: defineTable({ s: v.union(v.literal("a"), v.literal("b")) })',
        't: defineTable({ s: v.union(v.literal("a"), v.literal("b"), '
        'v.literal("c")) })',
        [("change_validator", ["safe"])],
    ),
    (
        't: defineTable({ s: v.union(v.literal("a"), v.literal("b")) })',
        't: defineTable({ s: v.literal("a") })',
        [("change_validator", ["needs-backfill"])],
    ),
    (
        "t: defineTable({ n: v.number() })",
        "t: defineTable({ n: v.string() })",
        [("change_validator", ["needs-backfill", "destructive"])],
    ),
    (
        "t: defineTable({ n: v.int64() })",
        "t: defineTable({ n: v.number() })",
        [("change_validator", ["needs-backfill", "destructive"])],
    ),
    (
        "t: defineTable({ a: v.object({ b: v.string() }) })",
        "t: defineTable({ a: v.object({ b: v.string(), "
        "c: v.optional(v.boolean()) }) })",
        [("add_field", ["safe"])],
    ),
    (
        USERS,
        USERS + '.index("by_email", ["email"])',
        [("add_index", ["index-build"])],
    ),
    (
        USERS + '.index("by_email", ["email"])',
        USERS,
        [("drop_index", ["safe", "breaking-for-code"])],
    ),
    (
        USERS,
        USERS
        + ', posts: defineTable({ title: v.string() }).index("by_title", ["title"])',
        [("add_table", ["safe"])],
    ),
    (
        USERS + ", posts: defineTable({ title: v.string() })",
        USERS,
        [("drop_table", ["destructive", "breaking-for-code"])],
    ),
]


@pytest.mark.parametrize(("old", "new", "expected"), CASES)
def test_classification(
    tmp_path: Path, old: str, new: str, expected: list[tuple[str, list[str]]]
) -> None:
    found = changes(tmp_path, old, new)
    assert [(c["op"], c["classification"]) for c in found] == expected


def test_field_rename_is_detected_and_can_be_rejected(tmp_path: Path) -> None:
    old = "users: defineTable({ emailAddress: v.string(), name: v.string() })"
    new = "users: defineTable({ email_address: v.string(), name: v.string() })"
    (rename,) = changes(tmp_path, old, new)
    assert rename["op"] == "rename_field"
    assert rename["newName"] == "email_address"
    assert rename["renameDetected"] is True
    rejected = changes(
        tmp_path, old, new, reject={("users.emailAddress", "users.email_address")}
    )
    assert [c["op"] for c in rejected] == ["drop_field", "add_field"]
    assert [c["op"] for c in changes(tmp_path, old, new, renames=False)] == [
        "drop_field",
        "add_field",
    ]


def test_a_different_validator_is_not_a_rename(tmp_path: Path) -> None:
    old = "users: defineTable({ age: v.number() })"
    new = "users: defineTable({ ages: v.string() })"
    assert [c["op"] for c in changes(tmp_path, old, new)] == ["drop_field", "add_field"]


def test_table_rename(tmp_path: Path) -> None:
    old = "postViews: defineTable({ n: v.int64() })"
    new = "pageViews: defineTable({ n: v.int64() })"
    (rename,) = changes(tmp_path, old, new)
    assert (rename["op"], rename["table"], rename["newName"]) == (
        "rename_table",
        "postViews",
        "pageViews",
    )


def test_git_ref_side(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "app"
    (project / "convex").mkdir(parents=True)
    schema_file = project / "convex" / "schema.ts"
    schema_file.write_text(HEADER + f"export default defineSchema({{{USERS}}});\n")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", str(project)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "first"], check=True)
    schema_file.write_text(
        HEADER
        + "export default defineSchema({ users: defineTable({ name: v.string() }) });\n"
    )
    code = run(
        [
            "--project",
            str(project),
            "diff",
            "git:HEAD",
            str(project),
            "--format",
            "json",
        ]
    )
    assert code == 0
    output = json.loads(capsys.readouterr().out)
    assert [o["op"] for o in output["operations"]] == ["drop_field"]
    assert run(["--project", str(project), "diff", "git:nosuchref", str(project)]) == 2
    assert "nosuchref" in capsys.readouterr().err


BLOG = Path(__file__).resolve().parents[2] / "examples" / "blog"


def test_seed_scenario_avatars_and_unique_emails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """'Add user avatars and make email addresses unique' on the bundled
    snapshot reports exactly the planted duplicates."""
    new = tmp_path / "convex"
    new.mkdir()
    for source in (BLOG / "convex").glob("*.ts"):
        (new / source.name).write_text(source.read_text())
    schema_file = new / "schema.ts"
    schema_file.write_text(
        schema_file.read_text().replace(
            "    bio: v.optional(v.string()),\n",
            "    bio: v.optional(v.string()),\n"
            "    avatarUrl: v.optional(v.string()),\n",
        )
    )
    argv = [
        "diff", str(BLOG), str(schema_file),
        "--data", str(BLOG / "snapshot.zip"),
        "--unique", "users.email",
        "--format", "json",
    ]  # fmt: skip
    assert run(argv) == 0
    output = json.loads(capsys.readouterr().out)
    assert [(o["op"], o["classification"]) for o in output["operations"]] == [
        ("add_field", ["safe"])
    ]
    (unique,) = [r for r in output["risks"] if r["code"] == "M203"]
    assert unique["documents"] == 6
    assert "3 value(s)" in unique["message"]
    assert output["dataChecked"] is True


def test_risks_are_sized_by_the_data(tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "snapshot"))
    from convex_schema.migrate.risks import assess
    from convex_schema.snapshot.reader import Snapshot

    from builders import SnapshotBuilder

    builder = SnapshotBuilder()
    builder.table("tasks")
    for i in range(10):
        doc: dict[str, object] = {
            "title": f"t{i}",
            "status": ["todo", "done", "later"][i % 3],
        }
        if i < 4:
            doc["note"] = "x"
        builder.add("tasks", doc)
    old = schema(
        tmp_path,
        "old",
        "tasks: defineTable({ title: v.string(), note: v.optional(v.string()), "
        'status: v.union(v.literal("todo"), v.literal("done"), v.literal("later")) })',
    )
    new = schema(
        tmp_path,
        "new",
        "tasks: defineTable({ title: v.string(), note: v.string(), owner: v.string(), "
        'status: v.union(v.literal("todo"), v.literal("done")) })',
    )
    found = diff_schemas(old, new)
    with Snapshot(builder.write_zip(tmp_path / "s.zip")) as snapshot:
        risks = {f.code: f for f in assess(found, old, snapshot)}
    assert risks["M201"].documents == 10  # owner: nobody has it
    assert risks["M202"].documents == 6  # note: six documents lack it
    assert risks["M104"].documents == 3  # status "later" is no longer allowed
    assert len(risks["M104"].samples) == 3
    unchecked = {f.code: f for f in assess(found, old, None)}
    assert unchecked["M201"].documents is None


def test_references_into_a_dropped_table_are_counted(tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "snapshot"))
    from convex_schema.migrate.risks import assess
    from convex_schema.snapshot.reader import Snapshot

    from builders import SnapshotBuilder

    builder = SnapshotBuilder()
    builder.table("teams")
    builder.table("users")
    team = builder.add("teams", {"name": "a"})
    builder.add("users", {"name": "x", "teamId": team})
    builder.add("users", {"name": "y", "teamId": None})
    builder.add("users", {"name": "z"})
    old = schema(
        tmp_path,
        "old",
        "teams: defineTable({ name: v.string() }), users: defineTable({ name: "
        'v.string(), teamId: v.optional(v.union(v.id("teams"), v.null())) })',
    )
    new = schema(
        tmp_path,
        "new",
        "users: defineTable({ name: v.string(), teamId: "
        'v.optional(v.union(v.id("teams"), v.null())) })',
    )
    with Snapshot(builder.write_zip(tmp_path / "s.zip")) as snapshot:
        risks = {f.code: f for f in assess(diff_schemas(old, new), old, snapshot)}
    assert risks["M101"].documents == 1
    assert risks["M105"].documents == 1
    assert risks["M105"].table == "users"


def test_a_backfill_that_would_pass_one_mebibyte(tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "snapshot"))
    from convex_schema.migrate.risks import assess
    from convex_schema.snapshot.reader import Snapshot

    from builders import SnapshotBuilder

    builder = SnapshotBuilder()
    builder.table("pages")
    builder.add("pages", {"html": "x" * ((1 << 20) - 75)})  # 5 bytes under the limit
    builder.add("pages", {"html": "small"})
    old = schema(tmp_path, "old", "pages: defineTable({ html: v.string() })")
    new = schema(
        tmp_path,
        "new",
        "pages: defineTable({ html: v.string(), wordCount: v.number() })",
    )
    with Snapshot(builder.write_zip(tmp_path / "s.zip")) as snapshot:
        risks = {f.code: f for f in assess(diff_schemas(old, new), old, snapshot)}
    assert risks["M201"].documents == 2
    assert risks["M204"].documents == 1
