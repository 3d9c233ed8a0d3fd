"""Rendering diagnostics and JSON for the terminal: text, JSON and SARIF 2.1.0
all render the same diagnostic record."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import orjson

from convex_schema import __version__
from convex_schema.check import RULES
from convex_schema.diagnostics import Diagnostic, Severity

if TYPE_CHECKING:
    from rich.console import Console

STYLES = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


class _Console:
    """A rich Console, made when something is first printed through it: a
    command that prints only JSON does not load rich (some 40 ms)."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._console: Console | None = None

    def __getattr__(self, name: str) -> Any:
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._options)
        return getattr(self._console, name)


stdout = cast("Console", _Console(highlight=False, soft_wrap=True))
stderr = cast("Console", _Console(stderr=True, highlight=False, soft_wrap=True))


def escape(text: str) -> str:
    """Text with rich's markup escaped (rich loaded on first use)."""
    from rich.markup import escape as escape_markup

    return escape_markup(text)


def print_json(data: Any) -> None:
    text = orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n"
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # a text-only stream (a StringIO in place of stdout)
        sys.stdout.write(text.decode())
        return
    sys.stdout.flush()  # after anything already written as text
    buffer.write(text)
    buffer.flush()


def code_frame(diagnostic: Diagnostic, root: Path) -> list[str]:
    """The source line of a diagnostic with a caret under its span."""
    span = diagnostic.span
    if span is None:
        return []
    path = Path(span.file)
    if not path.is_absolute():
        path = root / path
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    if not 1 <= span.line <= len(lines):
        return []
    text = lines[span.line - 1]
    width = (
        span.end_column - span.column
        if span.end_line == span.line and span.end_column > span.column
        else max(1, len(text) - span.column + 1)
    )
    gutter = f"{span.line:>4} | "
    return [gutter + text, " " * len(gutter) + " " * (span.column - 1) + "^" * width]


def print_diagnostics(
    diagnostics: list[Diagnostic] | tuple[Diagnostic, ...],
    root: Path,
    console: Console = stdout,
) -> None:
    for diagnostic in diagnostics:
        style = STYLES[diagnostic.severity]
        console.print(
            f"{escape(diagnostic.location())}: [{style}]{diagnostic.severity.label}"
            f"[/{style}] [bold]{diagnostic.code}[/bold] {escape(diagnostic.message)}"
        )
        for line in code_frame(diagnostic, root):
            console.print(escape(line), style="dim")
        if diagnostic.hint:
            console.print(f"  [green]hint:[/green] {escape(diagnostic.hint)}")


def summary_line(diagnostics: list[Diagnostic] | tuple[Diagnostic, ...]) -> str:
    counts = {s: sum(1 for d in diagnostics if d.severity is s) for s in Severity}
    return (
        f"{counts[Severity.ERROR]} error(s), {counts[Severity.WARNING]} warning(s), "
        f"{counts[Severity.INFO]} info"
    )


def sarif(
    diagnostics: list[Diagnostic] | tuple[Diagnostic, ...],
    more_rules: Sequence[Any] = (),
) -> dict[str, Any]:
    """A SARIF 2.1.0 log for code scanning. `more_rules` (anything with a
    code, name, summary and severity, such as the analyzer's rules) join the
    schema rules in the log's rule list."""
    levels = {
        Severity.ERROR: "error",
        Severity.WARNING: "warning",
        Severity.INFO: "note",
    }
    rules = [
        {
            "id": r.code,
            "name": r.name,
            "shortDescription": {"text": r.summary},
            "defaultConfiguration": {"level": levels[r.severity]},
        }
        for r in [*RULES, *more_rules]
    ]
    results = []
    for d in diagnostics:
        result: dict[str, Any] = {
            "ruleId": d.code,
            "level": levels[d.severity],
            "message": {"text": d.message + (f" {d.hint}" if d.hint else "")},
        }
        if d.span is not None:
            result["locations"] = [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": d.span.file},
                        "region": {
                            "startLine": d.span.line,
                            "startColumn": d.span.column,
                            "endLine": d.span.end_line,
                            "endColumn": d.span.end_column,
                        },
                    }
                }
            ]
        results.append(result)
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "convex-schema",
                        "version": __version__,
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }
