"""Turning findings' fixes into new file texts.

A fix is `{"description", "operations", "edits", "safe"}`: schema operations
(vocabulary 3) go through the surgical editor of `schema.ts`; edits are byte
ranges of a function file and their replacement. Fixes are gathered per
file, an edit that overlaps one already taken is left for a later run, and
the same operation asked by several findings (one index serving three
`.filter`s) is applied once.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from convex_schema.diagnostics import Diagnostic
from convex_schema.operations import Operation, OperationError, from_json, to_json
from convex_schema.writer.edit import TextEdit, apply_edits, edit_schema_file


@dataclass
class FileChange:
    path: Path
    display: str
    before: str
    after: str

    def diff(self) -> str:
        return "".join(
            difflib.unified_diff(
                self.before.splitlines(keepends=True),
                self.after.splitlines(keepends=True),
                fromfile=f"a/{self.display}",
                tofile=f"b/{self.display}",
            )
        )


@dataclass
class FixPlan:
    changes: list[FileChange] = field(default_factory=list)
    applied: list[Diagnostic] = field(default_factory=list)
    skipped: list[tuple[Diagnostic, str]] = field(default_factory=list)

    def diff(self) -> str:
        return "".join(change.diff() for change in self.changes)


def plan_fixes(
    root: Path,
    schema_file: str | None,
    findings: list[Diagnostic],
    safe_only: bool = True,
) -> FixPlan:
    plan = FixPlan()
    edits: dict[str, list[TextEdit]] = {}
    operations: list[Operation] = []
    seen_ops: set[str] = set()
    by_finding: list[tuple[Diagnostic, list[Operation]]] = []
    for finding in findings:
        fix = finding.fix
        if not fix or (safe_only and not fix.get("safe")):
            continue
        ops = [from_json(op) for op in fix.get("operations", [])]
        if ops and schema_file is None:
            plan.skipped.append((finding, "the project has no schema file to edit"))
            continue
        wanted = [_text_edit(edit) for edit in fix.get("edits", [])]
        if any(_overlaps(edits.get(file, []), edit) for file, edit in wanted):
            plan.skipped.append((finding, "overlaps another fix; run --fix again"))
            continue
        for file, edit in wanted:
            edits.setdefault(file, []).append(edit)
        for op in ops:
            key = repr(to_json(op))
            if key not in seen_ops:
                seen_ops.add(key)
                operations.append(op)
        if ops:
            by_finding.append((finding, ops))
        plan.applied.append(finding)
    for file in sorted(edits):
        path = root / file
        before = path.read_bytes()
        after = apply_edits(before, edits[file])
        plan.changes.append(FileChange(path, file, before.decode(), after.decode()))
    if operations and schema_file is not None:
        path = root / schema_file
        before_text = path.read_text(encoding="utf-8")
        after_text: str | None
        try:
            after_text = edit_schema_file(path, operations)
        except OperationError:
            operations = _editable(path, plan, by_finding)
            after_text = edit_schema_file(path, operations) if operations else None
        if after_text is not None:
            plan.changes.append(FileChange(path, schema_file, before_text, after_text))
    return plan


def _editable(
    path: Path, plan: FixPlan, by_finding: list[tuple[Diagnostic, list[Operation]]]
) -> list[Operation]:
    """When the editor refuses the operations together, try each finding's
    alone: those it refuses (an index written in another file, say) are
    skipped with the editor's reason, and the rest are returned, once each."""
    kept: list[Operation] = []
    seen: set[str] = set()
    for finding, ops in by_finding:
        try:
            edit_schema_file(path, ops)
        except OperationError as error:
            plan.applied.remove(finding)
            plan.skipped.append((finding, str(error)))
            continue
        for op in ops:
            key = repr(to_json(op))
            if key not in seen:
                seen.add(key)
                kept.append(op)
    return kept


def _text_edit(edit: dict[str, Any]) -> tuple[str, TextEdit]:
    return str(edit["file"]), TextEdit(
        int(edit["start"]), int(edit["end"]), str(edit["text"])
    )


def _overlaps(taken: list[TextEdit], edit: TextEdit) -> bool:
    for other in taken:
        if edit.start < other.end and other.start < edit.end:
            return True
        if edit.start == edit.end == other.start == other.end:
            return True
    return False
