"""Recorded migration plans and the progress of their steps."""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from convex_schema.errors import ConvexSchemaError

SCHEMA = """
CREATE TABLE IF NOT EXISTS plans (
    id TEXT PRIMARY KEY,
    created REAL NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    plan TEXT NOT NULL,
    steps_done TEXT NOT NULL DEFAULT '[]',
    status TEXT NOT NULL DEFAULT 'planned'
);
"""


@dataclass
class PlanRecord:
    id: str
    created: float
    source: str
    target: str
    plan: dict[str, Any]
    steps_done: list[int]
    status: str

    @property
    def steps(self) -> list[dict[str, Any]]:
        steps: list[dict[str, Any]] = self.plan.get("plan", {}).get("steps", [])
        return steps

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.created)),
            "from": self.source,
            "to": self.target,
            "status": self.status,
            "stepsDone": self.steps_done,
            "steps": len(self.steps),
        }


class PlanStore:
    """Plans recorded in `<project>/.convex-schema/state.db`."""

    def __init__(self, project: Path) -> None:
        folder = project / ".convex-schema"
        folder.mkdir(parents=True, exist_ok=True)
        ignore = folder / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# Local state of convex-schema\nbackups/\n*.db\n")
        self.connection = sqlite3.connect(folder / "state.db")
        self.connection.executescript(SCHEMA)

    def record(self, source: str, target: str, plan: dict[str, Any]) -> PlanRecord:
        plan_id = time.strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]
        created = time.time()
        with self.connection:
            self.connection.execute(
                "INSERT INTO plans (id, created, source, target, plan) "
                "VALUES (?, ?, ?, ?, ?)",
                (plan_id, created, source, target, json.dumps(plan)),
            )
        return PlanRecord(plan_id, created, source, target, plan, [], "planned")

    def all(self) -> list[PlanRecord]:
        rows = self.connection.execute(
            "SELECT id, created, source, target, plan, steps_done, status FROM plans "
            "ORDER BY created DESC"
        ).fetchall()
        return [_record(row) for row in rows]

    def get(self, plan_id: str | None) -> PlanRecord:
        """A plan by id (or a unique prefix of it); the latest when None."""
        plans = self.all()
        if not plans:
            raise ConvexSchemaError(
                "no migration plan is recorded yet; run `convex-schema migrate` first"
            )
        if plan_id is None:
            return plans[0]
        found = [p for p in plans if p.id.startswith(plan_id)]
        if len(found) != 1:
            known = ", ".join(p.id for p in plans[:5])
            what = "no" if not found else "more than one"
            raise ConvexSchemaError(
                f"{what} plan matches {plan_id!r}; recorded: {known}"
            )
        return found[0]

    def mark(
        self, record: PlanRecord, step: int, status: str | None = None
    ) -> PlanRecord:
        """Mark step `step` (1-based) done; the plan is done when all are."""
        if not 1 <= step <= len(record.steps):
            raise ConvexSchemaError(
                f"plan {record.id} has steps 1 to {len(record.steps)}, not {step}"
            )
        done = sorted(set(record.steps_done) | {step})
        new_status = status or (
            "done" if len(done) == len(record.steps) else "in progress"
        )
        with self.connection:
            self.connection.execute(
                "UPDATE plans SET steps_done = ?, status = ? WHERE id = ?",
                (json.dumps(done), new_status, record.id),
            )
        return self.get(record.id)

    def set_status(self, record: PlanRecord, status: str) -> None:
        with self.connection:
            self.connection.execute(
                "UPDATE plans SET status = ? WHERE id = ?", (status, record.id)
            )

    def close(self) -> None:
        self.connection.close()


def _record(row: tuple[Any, ...]) -> PlanRecord:
    plan_id, created, source, target, plan, done, status = row
    return PlanRecord(
        plan_id, created, source, target, json.loads(plan), json.loads(done), status
    )
