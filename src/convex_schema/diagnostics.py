"""The one diagnostic record: parse errors, check rules, data violations, findings.

Text, JSON and SARIF render the same record, so every producer fills the same
fields: a stable code, a severity, a message that says what is wrong, the
place (file, 1-based line and column, and where it ends) and a hint that says
what to do.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from convex_schema.model.span import Span


class Severity(enum.IntEnum):
    """Ordered so that `severity >= Severity.WARNING` reads naturally."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.upper()]
        except KeyError:
            names = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {text!r}; use one of {names}") from None


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    severity: Severity
    message: str
    span: Span | None = None
    hint: str | None = None
    fix: dict[str, Any] | None = field(default=None, compare=False)
    data: dict[str, Any] | None = field(default=None, compare=False)

    @property
    def file(self) -> str | None:
        return self.span.file if self.span else None

    def location(self) -> str:
        """`file:line:column`, or what is known of it."""
        if self.span is None:
            return "<schema>"
        return f"{self.span.file}:{self.span.line}:{self.span.column}"

    def to_json(self) -> dict[str, Any]:
        span = self.span
        return {
            "code": self.code,
            "severity": self.severity.label,
            "message": self.message,
            "file": span.file if span else None,
            "line": span.line if span else None,
            "column": span.column if span else None,
            "endLine": span.end_line if span else None,
            "endColumn": span.end_column if span else None,
            "hint": self.hint,
            "fix": self.fix,
            **({"data": self.data} if self.data is not None else {}),
        }


def worst(diagnostics: list[Diagnostic] | tuple[Diagnostic, ...]) -> Severity | None:
    """The highest severity among `diagnostics`, or None when there are none."""
    return max((d.severity for d in diagnostics), default=None)
