"""The bundled example project: its functions typecheck against the real
`convex` package, the analyzer finds what was planted, and `--fix` leaves
code that still typechecks and analyzes clean of what it fixed."""

from __future__ import annotations

import shutil

from convex_schema.analyze import analyze_project
from convex_schema.analyze.config import Config
from convex_schema.cli.main import run

from support import ROOT, run_tsc, write_generated

BLOG = ROOT / "examples" / "blog"


def test_example_analyzes_typechecks_and_fixes() -> None:
    work = ROOT / "tests" / ".generated" / "analyze-example"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(BLOG / "convex", work / "convex")
    write_generated(work / "convex")
    done = run_tsc(work, "convex/**/*.ts")
    assert done.returncode == 0, done.stdout + done.stderr

    before = analyze_project(work, config=Config())
    places = {(f.code, f.span.file, f.span.line) for f in before.findings if f.span}
    assert ("A201", "convex/comments.ts", 12) in places
    assert ("A201", "convex/notifications.ts", 25) in places
    assert ("A202", "convex/notifications.ts", 23) in places
    assert {s.name for s in before.suggestions} == set()  # existing indexes serve

    assert run(["--project", str(work), "analyze", "--fix"]) == 0
    after = analyze_project(work, config=Config())
    assert not [f for f in after.findings if f.code == "A201"]
    assert after.score.total > before.score.total
    done = run_tsc(work, "convex/**/*.ts")
    assert done.returncode == 0, done.stdout + done.stderr
