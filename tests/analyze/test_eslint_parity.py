"""Parity with the real `@convex-dev/eslint-plugin`: ESLint runs over the
fixture project with every plugin rule on, and every finding it reports is
also reported by `analyze`, at the same file and line, by the rule that
covers that ESLint rule."""

from __future__ import annotations

import json
import subprocess

from convex_schema.analyze import RULES, analyze_project
from convex_schema.analyze.config import Config

from support import ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "analyze" / "eslint_parity"
# Where a backend rule already reports the same problem on the same line.
ALSO_COVERED_BY = {"no-duplicate-indexes": {"S210"}, "no-collect-in-query": {"A202"}}


def _eslint(*options: str) -> list[dict[str, object]]:
    done = subprocess.run(
        ["node", str(ROOT / "tools" / "eslint_findings.mjs"), str(FIXTURE), *options],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    findings: list[dict[str, object]] = json.loads(done.stdout)
    return findings


def test_every_eslint_finding_is_an_analyze_finding() -> None:
    eslint = _eslint()
    # The recorded run still describes the fixture (so the README's counts hold).
    assert eslint == json.loads((FIXTURE / "expected_eslint.json").read_text())
    rules = {str(f["rule"]).split("/")[-1] for f in eslint}
    covering = {r.eslint for r in RULES if r.eslint}
    assert rules == covering  # every plugin rule fires on the fixture, and is covered
    analysis = analyze_project(FIXTURE, config=Config())
    at: dict[tuple[str, int], set[str]] = {}
    for finding in analysis.findings:
        if finding.span is not None:
            key = (finding.span.file, finding.span.line)
            at.setdefault(key, set()).add(finding.code)
    missing = []
    for item in eslint:
        rule = str(item["rule"]).split("/")[-1]
        codes = {r.code for r in RULES if r.eslint == rule}
        codes |= ALSO_COVERED_BY.get(rule, set())
        here = at.get((str(item["file"]), int(str(item["line"]))), set())
        if not here & codes:
            missing.append((rule, item["file"], item["line"], sorted(here)))
    assert missing == []


def test_eslint_on_threads_reports_the_same() -> None:
    # The benchmark also times ESLint's own multithreading; it must lint alike.
    expected = json.loads((FIXTURE / "expected_eslint.json").read_text())
    assert _eslint("--concurrency", "2") == expected
