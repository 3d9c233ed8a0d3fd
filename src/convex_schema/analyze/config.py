"""Analyzer configuration: `[tool.convex-schema.analyze]` in the project's
`pyproject.toml`, or `[analyze]` in `convex-schema.toml`.

    [analyze]
    disable = ["A204"]                 # rules not to run
    severity = { A201 = "error" }      # re-level a rule
    access-checks = ["requireMember"]  # helpers that count as an access check
    ignore = ["convex/legacy/**"]      # function files not to read
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from convex_schema.diagnostics import Severity
from convex_schema.errors import ConvexSchemaError


@dataclass
class Config:
    disable: set[str] = field(default_factory=set)
    severity: dict[str, Severity] = field(default_factory=dict)
    access_checks: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    source: str | None = None


def load_config(project: Path) -> Config:
    for name, keys in (
        ("convex-schema.toml", ("analyze",)),
        ("pyproject.toml", ("tool", "convex-schema", "analyze")),
    ):
        path = project / name
        if not path.is_file():
            continue
        try:
            data: Any = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise ConvexSchemaError(f"{path}: not valid TOML: {error}") from None
        for key in keys:
            data = data.get(key, {}) if isinstance(data, dict) else {}
        if data:
            return _parse(data, str(path))
    return Config()


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
