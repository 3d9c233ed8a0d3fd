"""The README documents every rule and reader code."""

from __future__ import annotations

from convex_schema.check import RULES

from support import ROOT


def test_every_rule_code_is_documented() -> None:
    readme = (ROOT / "README.md").read_text()
    assert readme.startswith("# convex-schema")
    assert "make demo" in readme.split("\n## ")[0]
    assert "make test" in readme.split("\n## ")[0]
    for rule in RULES:
        assert f"| {rule.code} | {rule.name} |" in readme
    for code in ("R001", "R002", "R003", "R004", "R005", "R006", "R007", "R008"):
        assert f"| {code} |" in readme
