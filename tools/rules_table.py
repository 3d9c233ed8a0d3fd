"""Print the README's table of analyzer rules from the registry.

    .venv/bin/python tools/rules_table.py

tests/test_readme.py checks that the README carries exactly this table, so
a rule added or re-worded shows up there.
"""

from __future__ import annotations

from convex_schema.analyze import RULES


def rules_table() -> str:
    lines = [
        "| code | name | severity | category | ESLint rule covered | what it finds |",
        "|---|---|---|---|---|---|",
    ]
    for rule in sorted(RULES, key=lambda r: r.code):
        eslint = f"`{rule.eslint}`" if rule.eslint else ""
        summary = rule.summary.replace("|", "\\|")
        lines.append(
            f"| {rule.code} | {rule.name} | {rule.severity.label} | "
            f"{rule.category.value} | {eslint} | {summary} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(rules_table(), end="")
