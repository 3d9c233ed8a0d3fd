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


def test_every_data_code_is_documented() -> None:
    readme = (ROOT / "README.md").read_text()
    source = "".join(
        p.read_text()
        for p in (ROOT / "src" / "convex_schema" / "snapshot").glob("*.py")
    )
    import re

    codes = set(re.findall(r'"(D\d{3})"', source))
    assert codes
    for code in sorted(codes):
        assert f"| {code} |" in readme, code


def test_every_command_has_help_and_is_in_the_readme() -> None:
    import typer

    from convex_schema.cli.main import application

    readme = (ROOT / "README.md").read_text()
    command = typer.main.get_command(application())
    for name, sub in command.commands.items():  # type: ignore[attr-defined]
        assert sub.help, name
        assert f"| `{name}" in readme, name


def test_every_migration_risk_is_documented() -> None:
    from convex_schema.migrate.risks import RISKS

    readme = (ROOT / "README.md").read_text()
    for code in RISKS:
        assert f"| {code} |" in readme, code


def test_the_analyzer_rules_table_is_current() -> None:
    import sys

    sys.path.insert(0, str(ROOT / "tools"))
    from rules_table import rules_table

    readme = (ROOT / "README.md").read_text()
    assert rules_table() in readme, "run tools/rules_table.py and paste its table"
