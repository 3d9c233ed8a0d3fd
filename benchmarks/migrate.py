"""Benchmark: planning a migration against the 1M-document snapshot.

Run from the repository root (after benchmarks/validate.py generated the
snapshot, or it generates it):

    .venv/bin/python benchmarks/migrate.py [--docs 1000000]

It derives a target schema from the benchmark schema with four kinds of
change on the largest tables (a required field added to tasks, a type change
and a dropped field on metrics, an index on events, a uniqueness asked on
users.email), then times, in one run: (a) one `validate` pass of the
snapshot against the deployed schema, and (b) planning the change with the
snapshot: the diff, every risk sized by a pass over the affected tables, the
duplicate groups, and the plan. Target (from the issue): (b) <= 1.5x (a).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from validate import generate  # benchmarks/validate.py, beside this file

from convex_schema.diff import diff_schemas
from convex_schema.migrate.plan import make_plan
from convex_schema.migrate.risks import assess
from convex_schema.reader import read_schema
from convex_schema.snapshot.reader import Snapshot
from convex_schema.snapshot.validate import validate_snapshot


def target_schema(source: Path, folder: Path) -> Path:
    text = source.read_text()
    edits = [
        (
            '    projectId: v.id("projects"),\n    number:',
            '    projectId: v.id("projects"),\n    score: v.number(),\n    number:',
        ),
        ("    count: v.int64(),\n", "    count: v.number(),\n"),
        ("    buckets: v.optional(v.array(v.float64())),\n", ""),
    ]
    for old, new in edits:
        if old not in text:
            raise SystemExit(f"the benchmark schema changed; cannot find {old!r}")
        text = text.replace(old, new, 1)
    target = folder / "schema.ts"
    for sibling in source.parent.glob("*.ts"):
        (folder / sibling.name).write_text(sibling.read_text())
    target.write_text(text)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1_000_000)
    args = parser.parse_args()
    snapshot_path = generate(args.docs)
    old = read_schema(snapshot_path.parent / "convex" / "schema.ts").schema
    with tempfile.TemporaryDirectory() as folder:
        target = target_schema(
            snapshot_path.parent / "convex" / "schema.ts", Path(folder)
        )
        new = read_schema(target).schema

    start = time.perf_counter()
    with Snapshot(snapshot_path) as snapshot:
        validate_snapshot(old, snapshot)
    validate_seconds = time.perf_counter() - start

    start = time.perf_counter()
    changes = diff_schemas(old, new)
    with Snapshot(snapshot_path) as snapshot:
        findings = assess(changes, old, snapshot, [("users", "email")])
    plan = make_plan(changes, findings, old, data_checked=True)
    plan_seconds = time.perf_counter() - start

    print(f"changes: {len(changes)}, risks: {len(findings)}, steps: {len(plan.steps)}")
    for finding in findings:
        print(f"  {finding.code} {finding.message}: {finding.documents} documents")
    ratio = plan_seconds / validate_seconds
    print(
        f"validate: {validate_seconds:.2f} s, plan with data: {plan_seconds:.2f} s, "
        f"ratio {ratio:.2f}"
    )
    print(
        ("target met: " if ratio <= 1.5 else "TARGET MISSED: ")
        + f"planning takes {ratio:.2f}x one validate pass (target <= 1.5x)"
    )


if __name__ == "__main__":
    main()
