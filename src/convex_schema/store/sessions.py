"""Chat sessions of the assistant: their state, messages and the suggestions
the user accepted (written with /apply) or rejected (taken back with /undo).

Kept in `<project>/.convex-schema/state.db` beside the recorded plans, in
tables of their own (`chat_sessions`, `chat_messages`, `chat_suggestions`).
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS chat_sessions (
    id TEXT PRIMARY KEY,
    created REAL NOT NULL,
    updated REAL NOT NULL,
    state TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS chat_messages (
    session TEXT NOT NULL,
    seq INTEGER NOT NULL,
    created REAL NOT NULL,
    role TEXT NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (session, seq)
);
CREATE TABLE IF NOT EXISTS chat_suggestions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session TEXT NOT NULL,
    created REAL NOT NULL,
    kind TEXT NOT NULL,
    table_name TEXT NOT NULL,
    name TEXT NOT NULL,
    status TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class Suggestion:
    """A table, field or index the assistant proposed, and what became of it."""

    kind: str  # "table", "field" or "index"
    table: str
    name: str
    status: str  # "accepted" or "rejected"


class SessionStore:
    """Chat sessions recorded in `<project>/.convex-schema/state.db`."""

    def __init__(self, project: Path) -> None:
        folder = project / ".convex-schema"
        folder.mkdir(parents=True, exist_ok=True)
        ignore = folder / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# Local state of convex-schema\nbackups/\n*.db\n")
        self.connection = sqlite3.connect(folder / "state.db")
        self.connection.executescript(SCHEMA)

    @staticmethod
    def new_id() -> str:
        return time.strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]

    def save(self, session: str, state: dict[str, Any]) -> None:
        """Insert or replace the state of `session`."""
        now = time.time()
        with self.connection:
            self.connection.execute(
                "INSERT INTO chat_sessions (id, created, updated, state) "
                "VALUES (?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
                "updated = excluded.updated, state = excluded.state",
                (session, now, now, json.dumps(state)),
            )

    def latest(self) -> tuple[str, dict[str, Any]] | None:
        """The most recently saved session: its id and state."""
        row = self.connection.execute(
            "SELECT id, state FROM chat_sessions ORDER BY updated DESC, rowid DESC "
            "LIMIT 1"
        ).fetchone()
        return None if row is None else (row[0], json.loads(row[1]))

    def add_messages(self, session: str, first: int, messages: list[Any]) -> None:
        """Record `messages` ((role, text) pairs) numbered from `first`."""
        now = time.time()
        with self.connection:
            self.connection.executemany(
                "INSERT OR REPLACE INTO chat_messages (session, seq, created, role, "
                "text) VALUES (?, ?, ?, ?, ?)",
                [
                    (session, first + n, now, role, text)
                    for n, (role, text) in enumerate(messages)
                ],
            )

    def messages(self, session: str) -> list[tuple[str, str]]:
        rows = self.connection.execute(
            "SELECT role, text FROM chat_messages WHERE session = ? ORDER BY seq",
            (session,),
        ).fetchall()
        return [(role, text) for role, text in rows]

    def record(self, session: str, suggestions: list[Suggestion]) -> None:
        now = time.time()
        with self.connection:
            self.connection.executemany(
                "INSERT INTO chat_suggestions (session, created, kind, table_name, "
                "name, status) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (session, now, s.kind, s.table, s.name, s.status)
                    for s in suggestions
                ],
            )

    def verdicts(self) -> dict[tuple[str, str, str], str]:
        """The latest status of every suggestion ever recorded in this project,
        by (kind, table, name)."""
        rows = self.connection.execute(
            "SELECT kind, table_name, name, status FROM chat_suggestions ORDER BY id"
        ).fetchall()
        return {(kind, table, name): status for kind, table, name, status in rows}

    def close(self) -> None:
        self.connection.close()
