"""The registry of analyzer rules: a code, a severity, a category, a check.

A rule reads the whole project at once — the schema model and the facts of
every function — so it can say what a linter of one file cannot: that a
`.filter` could use an index the schema already has, that an index no query
uses costs storage, that a helper two files away scans a table.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from convex_schema.analyze.functions import Project
from convex_schema.diagnostics import Diagnostic, Severity
from convex_schema.model import Schema, Span


class Category(enum.StrEnum):
    """The health score's categories, each with its share of the 100 points."""

    correctness = "correctness"
    performance = "performance"
    security = "security"
    design = "schema design"
    maintainability = "maintainability"


@dataclass
class Options:
    """What configuration can change (see `config.py`)."""

    access_checks: tuple[str, ...] = ()  # helper names that count as an access check
    data: Any = None  # a snapshot profile, when `--data` is given


@dataclass
class Subject:
    """What the rules read."""

    root: Path
    project: Project
    schema: Schema | None
    schema_file: str | None  # relative to root
    options: Options = field(default_factory=Options)
    # Where the schema reader put `v.any()` in place of a value it could not
    # evaluate (R002), as (file, start): already reported, and not the
    # project's own v.any().
    stand_ins: frozenset[tuple[str, int]] = frozenset()


Check = Callable[[Subject, "Rule"], Iterator[Diagnostic]]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    category: Category
    summary: str
    check: Check
    eslint: str | None = None  # the @convex-dev/eslint-plugin rule it covers

    def finding(
        self,
        message: str,
        span: Span | None,
        hint: str | None = None,
        fix: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
        severity: Severity | None = None,
    ) -> Diagnostic:
        return Diagnostic(
            self.code, severity or self.severity, message, span, hint, fix, data
        )


RULES: list[Rule] = []


def rule(
    code: str,
    name: str,
    severity: Severity,
    category: Category,
    summary: str,
    eslint: str | None = None,
) -> Callable[[Check], Check]:
    """Register a check under a stable code. The summary is its documentation."""

    def register(check: Check) -> Check:
        RULES.append(Rule(code, name, severity, category, summary, check, eslint))
        return check

    return register


def by_code() -> dict[str, Rule]:
    return {r.code: r for r in RULES}
