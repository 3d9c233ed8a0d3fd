"""Generated migration code typechecks against the real packages, and the
widened schema keeps every document the old one accepted."""

from __future__ import annotations

import shutil
from pathlib import Path

from convex_schema.cli.main import run
from convex_schema.reader import read_schema
from convex_schema.snapshot.reader import Snapshot
from convex_schema.snapshot.validate import validate_snapshot

from support import ROOT, run_tsc

BLOG = ROOT / "examples" / "blog"
WORK = ROOT / "tests" / ".generated" / "migrate"

API_STUB = """\
import type { ComponentApi } from "@convex-dev/migrations/_generated/component.js";
export declare const components: { migrations: ComponentApi };
"""
SERVER_STUB = """\
import type { GenericMutationCtx } from "convex/server";
import type { DataModel } from "./dataModel.js";
export type MutationCtx = GenericMutationCtx<DataModel>;
"""
DATA_MODEL_STUB = """\
import type { DataModelFromSchemaDefinition } from "convex/server";
import schema from "../schema.js";
export type DataModel = DataModelFromSchemaDefinition<typeof schema>;
import type { GenericId } from "convex/values";
export type Id<TableName extends string> = GenericId<TableName>;
"""


def _target() -> Path:
    """The example project's schema with a new required field, an int64 count
    that becomes a number, and a dropped field."""
    shutil.rmtree(WORK, ignore_errors=True)
    target = WORK / "target" / "convex"
    target.mkdir(parents=True)
    for source in (BLOG / "convex").glob("*.ts"):
        (target / source.name).write_text(source.read_text())
    schema_file = target / "schema.ts"
    text = schema_file.read_text()
    text = text.replace(
        "    slug: v.string(),\n", "    slug: v.string(),\n    minutes: v.number(),\n"
    )
    text = text.replace("    count: v.int64(),\n", "    count: v.number(),\n")
    text = text.replace("    bio: v.optional(v.string()),\n", "")
    schema_file.write_text(text)
    return schema_file


def test_generated_files_typecheck_and_widen_safely() -> None:
    schema_file = _target()
    out = WORK / "out"
    argv = [
        "--project", str(schema_file.parent.parent), "migrate",
        "--from", str(BLOG), "--to", str(schema_file),
        "--data", str(BLOG / "snapshot.zip"),
        "--backfill", "posts.minutes=expr:Math.ceil(doc.body.length / 1200)",
        "--unique", "users.email", "--dedupe", "users.email=suffix-newer",
        "--out", str(out), "--format", "json",
    ]  # fmt: skip
    assert run(argv) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "MIGRATION.md",
        "convex.config.ts",
        "migrations.ts",
        "schema.final.ts",
        "schema.widened.ts",
        "uniqueness.ts",
    ]

    # The widened schema: checks clean, and every document the old schema
    # accepted still passes (so the first deploy cannot fail on them).
    project = WORK / "project" / "convex"
    (project / "_generated").mkdir(parents=True)
    shutil.copy(out / "schema.widened.ts", project / "schema.ts")
    shutil.copy(BLOG / "convex" / "validators.ts", project / "validators.ts")
    widened = read_schema(project / "schema.ts").schema
    old = read_schema(BLOG / "convex" / "schema.ts").schema
    with Snapshot(BLOG / "snapshot.zip") as snapshot:
        before = validate_snapshot(old, snapshot)
    with Snapshot(BLOG / "snapshot.zip") as snapshot:
        after = validate_snapshot(widened, snapshot)
    assert after.failing_documents <= before.failing_documents

    # migrations.ts and convex.config.ts typecheck with tsc against the real
    # convex and @convex-dev/migrations packages.
    shutil.copy(out / "migrations.ts", project / "migrations.ts")
    shutil.copy(out / "convex.config.ts", project / "convex.config.ts")
    shutil.copy(out / "uniqueness.ts", project / "uniqueness.ts")
    (project / "_generated" / "server.ts").write_text(SERVER_STUB)
    (project / "_generated" / "api.ts").write_text(API_STUB)
    (project / "_generated" / "dataModel.ts").write_text(DATA_MODEL_STUB)
    done = run_tsc(WORK / "project", "convex/**/*.ts")
    assert done.returncode == 0, done.stdout[-3000:]
    source = (out / "migrations.ts").read_text()
    assert "export const backfillPostsMinutes" in source
    assert "export const convertPostViewsCount" in source
    assert "export const unsetUsersBio" in source
    assert "export const dedupeUsersEmail" in source
    guard = (out / "uniqueness.ts").read_text()
    assert "export async function assertUniqueUsersEmail(" in guard
    assert '.withIndex("by_email", (q) => q.eq("email", value))' in guard
    # --out records the plan in the project's state, for status and rollback.
    assert run(["--project", str(schema_file.parent.parent), "migrate", "history"]) == 0
