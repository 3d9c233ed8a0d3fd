"""Analyzer configuration: `[tool.convex-schema.analyze]` in the project's
`pyproject.toml`, or `[analyze]` in `convex-schema.toml`.

    [analyze]
    disable = ["A204"]                 # rules not to run
    severity = { A201 = "error" }      # re-level a rule
    access-checks = ["requireMember"]  # helpers that count as an access check
    ignore = ["convex/legacy/**"]      # function files not to read
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from convex_schema.diagnostics import Severity
from convex_schema.errors import ConvexSchemaError
from convex_schema.settings import project_settings


@dataclass
class Config:
    disable: set[str] = field(default_factory=set)
    severity: dict[str, Severity] = field(default_factory=dict)
    access_checks: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    source: str | None = None


def load_config(project: Path) -> Config:
    found = project_settings(project, "analyze")
    return _parse(*found) if found is not None else Config()


def _parse(data: dict[str, Any], source: str) -> Config:
    config = Config(source=source)
    known = {"disable", "severity", "access-checks", "ignore"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConvexSchemaError(
            f"{source}: unknown analyze setting(s) {', '.join(unknown)}; "
            f"use {', '.join(sorted(known))}"
        )
    config.disable = {str(code).upper() for code in _list(data, "disable", source)}
    levels = data.get("severity", {})
    if not isinstance(levels, dict):
        raise ConvexSchemaError(
            f"{source}: analyze.severity must be a table of CODE = level"
        )
    for code, level in levels.items():
        try:
            config.severity[str(code).upper()] = Severity.parse(str(level))
        except ValueError as error:
            raise ConvexSchemaError(
                f"{source}: analyze.severity.{code}: {error}"
            ) from None
    config.access_checks = tuple(str(x) for x in _list(data, "access-checks", source))
    config.ignore = tuple(str(x) for x in _list(data, "ignore", source))
    return config


def _list(data: dict[str, Any], key: str, source: str) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise ConvexSchemaError(f"{source}: analyze.{key} must be a list")
    return value
