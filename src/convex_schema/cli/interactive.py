"""The answers `migrate` needs from a person: asked at the terminal with
`--interactive` (on stderr, so the plan on stdout can be redirected), or read
from `--answers FILE` so CI can run the same plan.

An answers file is JSON: `{"renames": {"users.mail=users.email": true},
"backfill": {"posts.minutes": "0"}, "droppedTables": {"legacy": "archive"},
"write": true}`; every key is optional.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.prompt import Confirm, Prompt

from convex_schema.cli.output import stderr
from convex_schema.diff import Change
from convex_schema.errors import UsageError
from convex_schema.migrate.generate import default_value
from convex_schema.migrate.plan import DROPPED_CHOICES
from convex_schema.model import Schema


@dataclass
class Answers:
    renames: dict[str, bool] = field(default_factory=dict)
    backfill: dict[str, str] = field(default_factory=dict)
    dropped: dict[str, str] = field(default_factory=dict)
    write: bool | None = None
    dedupe: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Answers:
        try:
            data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise UsageError(
                f"{path}: cannot read the answers file ({error})"
            ) from None
        answers = cls(
            {str(k): bool(v) for k, v in data.get("renames", {}).items()},
            {str(k): str(v) for k, v in data.get("backfill", {}).items()},
            {str(k): str(v) for k, v in data.get("droppedTables", {}).items()},
            data.get("write"),
            {str(k): str(v) for k, v in data.get("dedupe", {}).items()},
        )
        for table, choice in answers.dropped.items():
            if choice not in DROPPED_CHOICES:
                raise UsageError(
                    f"{path}: droppedTables.{table} must be one of "
                    f"{', '.join(DROPPED_CHOICES)}, not {choice!r}"
                )
        return answers


def _rename_key(change: Change) -> str:
    data = change.to_json()
    if data["op"] == "rename_table":
        return f"{data['table']}={data['newName']}"
    parent = data["field"].rsplit(".", 1)[0] + "." if "." in data["field"] else ""
    return f"{data['table']}.{data['field']}={data['table']}.{parent}{data['newName']}"


def ask(changes: list[Change], after: Schema, answers: Answers) -> Answers:
    """Ask at the terminal for every answer the file does not give."""
    if not sys.stdin.isatty():
        raise UsageError(
            "--interactive needs a terminal; give the answers with --answers FILE"
        )
    for change in changes:
        if change.rename_candidate:
            key = _rename_key(change)
            if key not in answers.renames:
                stderr.print(f"[bold]{change.reason}[/bold]")
                answers.renames[key] = Confirm.ask(
                    f"Treat {key} as a rename?", default=True
                )
        data = change.to_json()
        if data["op"] == "drop_table" and data["table"] not in answers.dropped:
            answers.dropped[data["table"]] = Prompt.ask(
                f'The documents of dropped table "{data["table"]}"',
                choices=list(DROPPED_CHOICES),
                default="keep",
                console=stderr,
            )
        needs_value = (data["op"] == "add_field" and not data.get("optional")) or (
            data["op"] == "set_optional" and not data.get("optional")
        )
        key = f"{data['table']}.{data.get('field', '')}"
        if needs_value and key not in answers.backfill:
            table = after.table(data["table"])
            item = table.field_at(data["field"]) if table else None
            default = default_value(item.validator if item else None) or ""
            answers.backfill[key] = Prompt.ask(
                f"Backfill value for {key} (JSON, field:OTHER or expr:CODE)",
                default=default,
                console=stderr,
            )
    return answers


def confirm_write(answers: Answers) -> bool:
    if answers.write is not None:
        return answers.write
    if not sys.stdin.isatty():
        return True
    return Confirm.ask("Write the files?", default=True, console=stderr)
