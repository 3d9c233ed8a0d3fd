"""The registry of schema rules: each a code, a severity, a title and a check."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from convex_schema.diagnostics import Diagnostic, Severity
from convex_schema.model import Schema, Span

Check = Callable[[Schema, "Rule"], Iterator[Diagnostic]]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    summary: str
    check: Check

    def diagnostic(
        self, message: str, span: Span | None, hint: str | None = None
    ) -> Diagnostic:
        return Diagnostic(self.code, self.severity, message, span, hint)


RULES: list[Rule] = []


def rule(
    code: str, name: str, severity: Severity, summary: str
) -> Callable[[Check], Check]:
    """Register a check under a stable code. The summary is its documentation."""

    def register(check: Check) -> Check:
        RULES.append(Rule(code, name, severity, summary, check))
        return check

    return register
