"""Schema rules with stable codes: what the backend would reject on push."""

from __future__ import annotations

from convex_schema.check import indexes, names, search_vector, validators
from convex_schema.check.registry import RULES, Rule
from convex_schema.diagnostics import Diagnostic
from convex_schema.model import Schema

__all__ = ["RULES", "Rule", "check_schema"]

_MODULES = (names, indexes, search_vector, validators)


def check_schema(schema: Schema) -> list[Diagnostic]:
    """Every rule's findings, ordered by file and position."""
    found: dict[tuple[str, str, str], Diagnostic] = {}
    for rule in RULES:
        for diagnostic in rule.check(schema, rule):
            # A staged document shares validators with the enforced one; a
            # problem in both is one problem.
            key = (diagnostic.code, repr(diagnostic.span), diagnostic.message)
            found.setdefault(key, diagnostic)
    return sorted(found.values(), key=_position)


def _position(diagnostic: Diagnostic) -> tuple[str, int, int, str]:
    span = diagnostic.span
    if span is None:
        return ("", 0, 0, diagnostic.code)
    return (span.file, span.line, span.column, diagnostic.code)
