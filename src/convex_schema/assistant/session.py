"""A conversation with the assistant: the logic behind `convex-schema chat`.

A `ChatSession` holds a working schema (the project's `schema.ts`, or nothing
yet) and the changes made to it turn by turn. A request becomes a design
when there is no table yet and an edit of the working schema otherwise; its
operations are applied to the working schema at once, and written to
`schema.ts` only by `apply()` (surgical edits of the file, or a rendered new
one; atomic, with a backup). `undo()`/`redo()` move along the history using
the reverse of each operation.

What the session learns, kept local and simple: a field the user took back
with /undo (a "rejected" suggestion) is left out of what the engine proposes
later in the same project, unless the request names it or it was written
with /apply since. Tables the user takes back are recorded, not filtered.
Answers to the engine's questions are kept and shown; a question answered
once is not asked again. A short reply that picks one of the question's
choices ("separate", "no", a table's name) is remembered for the session
and the last request is made again with it. No terminal code here: the CLI and a future
dashboard render what these methods return.
"""

from __future__ import annotations

import difflib
import logging
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from convex_schema.assistant.draft import Step
from convex_schema.assistant.editing import edit
from convex_schema.assistant.engine import Design, design
from convex_schema.assistant.present import code_lines
from convex_schema.assistant.questions import Question, question_from_json
from convex_schema.errors import ConvexSchemaError
from convex_schema.fsutil import write_atomic
from convex_schema.model import (
    AnyIndex,
    Index,
    Schema,
    SearchIndex,
    Table,
    schema_from_json,
)
from convex_schema.operations import (
    AddField,
    AddIndex,
    AddTable,
    Operation,
    apply_to_schema,
    from_json,
    reverse,
    to_json,
)
from convex_schema.reader import read_schema
from convex_schema.reader.project import find_schema, functions_dir
from convex_schema.store.sessions import SessionStore, Suggestion
from convex_schema.writer.edit import edit_schema_file
from convex_schema.writer.render import render_schema

if TYPE_CHECKING:
    from convex_schema.analyze import Analysis
    from convex_schema.diff import Change as SchemaChange
    from convex_schema.migrate.plan import Plan
    from convex_schema.migrate.risks import Finding

logger = logging.getLogger(__name__)

NO_ANSWERS = (
    "the reply matched none of the question's choices: it is kept in the session "
    "and the question is not asked again; say the change itself to make it"
)


@dataclass(frozen=True)
class Change:
    """One turn's operations, with their reasons, and the schema before them."""

    request: str
    steps: tuple[Step, ...]
    before: Schema

    @property
    def operations(self) -> list[Operation]:
        return [step.operation for step in self.steps]


@dataclass(frozen=True)
class Turn:
    """What a request produced: the design (its steps as applied, its schema
    the working schema after them), whether it was an edit, the suggestions
    left out because the user rejected them before, and the answer recorded."""

    request: str
    design: Design
    editing: bool
    left_out: tuple[str, ...] = ()
    answer: tuple[str, str] | None = None
    chosen: tuple[str, str] | None = None  # (question key, choice) applied


@dataclass(frozen=True)
class Applied:
    path: Path
    backup: Path | None
    diff: str
    created: bool


@dataclass(frozen=True)
class Migration:
    changes: list[SchemaChange]
    findings: list[Finding]
    plan: Plan
    checked: bool


@dataclass
class ChatSession:
    """The state of one conversation about the schema of `project`."""

    project: Path
    path: Path
    working: Schema
    id: str = field(default_factory=SessionStore.new_id)
    done: list[Change] = field(default_factory=list)
    undone: list[Change] = field(default_factory=list)
    journal: list[Operation] = field(default_factory=list)
    written: int = 0
    messages: list[tuple[str, str]] = field(default_factory=list)
    answers: list[tuple[str, str]] = field(default_factory=list)
    open_questions: tuple[str, ...] = ()
    saved_messages: int = 0
    choices: dict[str, str] = field(default_factory=dict)  # question key → choice
    open_asked: tuple[Question, ...] = ()

    @classmethod
    def start(cls, project: Path, schema: Path | None = None) -> ChatSession:
        """A new session on the project's schema (or on none yet)."""
        path = schema if schema is not None else schema_path(project)
        working = _read(path) if path.is_file() else Schema(())
        return cls(project, path, working)

    @classmethod
    def resume(cls, project: Path) -> ChatSession:
        """The latest saved session of the project, as it was left."""
        store = SessionStore(project)
        try:
            found = store.latest()
            if found is None:
                raise ConvexSchemaError(
                    f"no chat session is saved in {project / '.convex-schema'}; "
                    "start one with `convex-schema chat`"
                )
            session = _from_state(project, found[0], found[1])
            session.messages = store.messages(session.id)
            session.saved_messages = len(session.messages)
        finally:
            store.close()
        logger.info("resumed chat session %s", session.id)
        return session

    # -- requests ---------------------------------------------------------------

    def request(self, text: str) -> Turn:
        """Design (no table yet) or edit the working schema as `text` asks."""
        text = text.strip()
        answer = None
        if self.open_questions:
            answer = (" / ".join(self.open_questions), text)
            self.answers.append(answer)
            chosen = self._choice(text)
            if chosen is not None:
                return self._answer(text, answer, chosen)
        return self._run(text, text, answer)

    def _choice(self, reply: str) -> tuple[str, str] | None:
        """The choice a reply makes for the latest open question it fits."""
        for question in reversed(self.open_asked):
            choice = question.match(reply)
            if choice is not None:
                return question.key, choice
        return None

    def _answer(
        self, reply: str, answer: tuple[str, str], chosen: tuple[str, str]
    ) -> Turn:
        """Remember the choice and make the last request again with it."""
        self.choices[chosen[0]] = chosen[1]
        logger.info("answer %s = %s", *chosen)
        if not self.done:
            self.open_questions = ()
            self.open_asked = ()
            return self._run(reply, "", answer, chosen)
        change = self.done.pop()
        self._forget(change)
        self.working = change.before
        return self._run(reply, change.request, answer, chosen)

    def _forget(self, change: Change) -> None:
        """Take a change back without counting it as rejected."""
        operations = change.operations
        unwritten = len(self.journal) - self.written
        if unwritten >= len(operations) and self.journal[-len(operations) :] == (
            operations
        ):
            del self.journal[-len(operations) :]
        else:
            self.journal += _reversed(change)

    def _run(
        self,
        said: str,
        text: str,
        answer: tuple[str, str] | None,
        chosen: tuple[str, str] | None = None,
    ) -> Turn:
        editing = bool(self.working.tables)
        if not text:
            empty = Design(self.working, (), (), None, "Answer noted.")
            self.messages.append(("user", said))
            self.messages.append(("assistant", empty.summary))
            return Turn(said, empty, editing, (), answer, chosen)
        answers = dict(self.choices)
        result = (
            edit(text, self.working, answers=answers)
            if editing
            else design(text, answers=answers)
        )
        steps, left_out = _filter(result.steps, text, self._rejected_fields())
        before = self.working
        after = before
        for step in steps:
            after = apply_to_schema(after, step.operation)
        answered = {question for question, _ in self.answers}
        questions = tuple(q for q in result.questions if q not in answered)
        asked = tuple(q for q in result.asked if q.text in questions)
        shown = replace(
            result, schema=after, steps=tuple(steps), questions=questions, asked=asked
        )
        if steps:
            self.done.append(Change(text, tuple(steps), before))
            self.undone.clear()
            self.journal += [step.operation for step in steps]
            self.working = after
        self.open_questions = questions
        self.open_asked = asked
        self.messages.append(("user", said))
        self.messages.append(("assistant", _reply(shown, left_out)))
        logger.info("%s: %d operation(s)", "edit" if editing else "design", len(steps))
        return Turn(said, shown, editing, tuple(left_out), answer, chosen)

    def undo(self) -> Change | None:
        """Take back the last change; its additions count as rejected."""
        if not self.done:
            return None
        change = self.done.pop()
        operations = change.operations
        unwritten = len(self.journal) - self.written
        if unwritten >= len(operations) and self.journal[-len(operations) :] == (
            operations
        ):
            del self.journal[-len(operations) :]  # never written: just forget them
        else:
            self.journal += _reversed(change)
        self.working = change.before
        self.undone.append(change)
        self._record(_suggestions(change.operations, "rejected"))
        self.messages.append(("command", f"/undo {change.request}"))
        return change

    def redo(self) -> Change | None:
        """Make the last undone change again."""
        if not self.undone:
            return None
        change = self.undone.pop()
        for op in change.operations:
            self.working = apply_to_schema(self.working, op)
        self.journal += change.operations
        self.done.append(change)
        self.messages.append(("command", f"/redo {change.request}"))
        return change

    # -- the file ----------------------------------------------------------------

    def pending(self) -> list[Operation]:
        """The operations made since the file was last written."""
        return self.journal[self.written :]

    def texts(self) -> tuple[str, str]:
        """The text of schema.ts now, and as /apply would write it."""
        if not self.path.is_file():
            return "", render_schema(self.working) if self.working.tables else ""
        old = self.path.read_text(encoding="utf-8")
        operations = self.pending()
        return old, edit_schema_file(self.path, operations) if operations else old

    def diff(self) -> str:
        """The unified diff /apply would write; empty when nothing changes."""
        old, new = self.texts()
        name = self.path.name
        lines = difflib.unified_diff(
            old.splitlines(keepends=True),
            new.splitlines(keepends=True),
            f"a/{name}" if old else "/dev/null",
            f"b/{name}",
        )
        return "".join(lines)

    def apply(self) -> Applied | None:
        """Write the pending changes to schema.ts (atomic, with a backup)."""
        old, new = self.texts()
        if old == new:
            return None
        diff = self.diff()
        created = not self.path.is_file()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        backups = self.project / ".convex-schema" / "backups"
        backup = write_atomic(self.path, new, backups)
        self._record(_suggestions(self.pending(), "accepted"))
        self.written = len(self.journal)
        self.messages.append(("command", f"/apply {self.path}"))
        logger.info("wrote %s", self.path)
        return Applied(self.path, backup, diff, created)

    def on_disk(self) -> Schema:
        return _read(self.path) if self.path.is_file() else Schema(())

    # -- questions about the schema ----------------------------------------------

    def explain(self, target: str) -> list[str]:
        """Why TABLE or TABLE.FIELD is there, as recorded, or what it is."""
        table_name, _, name = target.strip().partition(".")
        table = self.working.table(table_name)
        if table is None:
            known = ", ".join(self.working.table_names) or "none yet"
            return [f"no table {table_name!r} in the working schema (tables: {known})"]
        if name and table.field_at(name) is None:
            return [f"{table_name} has no field {name!r}"]
        return _described(table, name) + _recorded(self.done, table_name, name)

    def migration(self, data: Path | None = None) -> Migration:
        """The migration plan from the schema on disk to the working schema."""
        from convex_schema.diff import diff_schemas
        from convex_schema.migrate.code import scan_project
        from convex_schema.migrate.plan import make_plan
        from convex_schema.migrate.risks import assess
        from convex_schema.snapshot.reader import Snapshot

        before = self.on_disk()
        changes = diff_schemas(before, self.working)
        folder = functions_dir(self.project)
        uses = scan_project(folder) if folder.is_dir() else None
        if data is None:
            findings = assess(changes, before, None, [], uses)
        else:
            with Snapshot(data) as snapshot:
                findings = assess(changes, before, snapshot, [], uses)
        plan = make_plan(changes, findings, before, data is not None)
        return Migration(changes, findings, plan, data is not None)

    def analyze(self) -> Analysis:
        """The analyzer over the project as it is on disk."""
        from convex_schema.analyze import analyze_project

        return analyze_project(self.project, self.path if self.path.is_file() else None)

    # -- persistence --------------------------------------------------------------

    def save(self) -> None:
        """Record the session's state and new messages in the project."""
        store = SessionStore(self.project)
        try:
            store.save(self.id, self._state())
            new = self.messages[self.saved_messages :]
            store.add_messages(self.id, self.saved_messages, new)
            self.saved_messages = len(self.messages)
        finally:
            store.close()

    def _state(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "working": self.working.to_json(),
            "done": [_change_json(c) for c in self.done],
            "undone": [_change_json(c) for c in self.undone],
            "journal": [to_json(op) for op in self.journal],
            "written": self.written,
            "answers": [list(a) for a in self.answers],
            "openQuestions": list(self.open_questions),
            "choices": dict(self.choices),
            "openAsked": [q.to_json() for q in self.open_asked],
        }

    def _record(self, suggestions: list[Suggestion]) -> None:
        if not suggestions:
            return
        store = SessionStore(self.project)
        try:
            store.record(self.id, suggestions)
        finally:
            store.close()

    def _rejected_fields(self) -> set[tuple[str, str]]:
        store = SessionStore(self.project)
        try:
            verdicts = store.verdicts()
        finally:
            store.close()
        return {
            (table, name)
            for (kind, table, name), status in verdicts.items()
            if kind == "field" and status == "rejected"
        }


def schema_path(project: Path) -> Path:
    """The project's schema file, or where a new one goes."""
    try:
        return find_schema(project)
    except ConvexSchemaError:
        return functions_dir(project) / "schema.ts"


class LineBuffer:
    """Joins input lines into one request: a line ending with a backslash
    continues, and a block between lines of triple quotes is one request."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.block = False

    @property
    def waiting(self) -> bool:
        return bool(self.lines) or self.block

    def feed(self, line: str) -> str | None:
        """The whole request once `line` completes it, else None."""
        stripped = line.strip()
        if self.block:
            if stripped.endswith('"""'):
                self.lines.append(stripped[:-3])
                return self._take()
            self.lines.append(line)
            return None
        if stripped.startswith('"""') and not self.lines:
            rest = stripped[3:]
            if rest.endswith('"""') and len(rest) >= 3:
                return rest[:-3].strip()
            self.block = True
            self.lines.append(rest)
            return None
        if stripped.endswith("\\"):
            self.lines.append(stripped[:-1])
            return None
        self.lines.append(line)
        return self._take()

    def _take(self) -> str:
        text = "\n".join(part for part in self.lines if part.strip()).strip()
        self.lines, self.block = [], False
        return text

    def reset(self) -> None:
        self.lines, self.block = [], False


# -- helpers ----------------------------------------------------------------------


def _read(path: Path) -> Schema:
    return read_schema(path, root=path.parent).schema


def _reversed(change: Change) -> list[Operation]:
    """The operations that take `change` back, last first."""
    befores = []
    schema = change.before
    for op in change.operations:
        befores.append(schema)
        schema = apply_to_schema(schema, op)
    pairs = zip(change.operations, befores, strict=True)
    return [reverse(op, before) for op, before in reversed(list(pairs))]


def _suggestions(operations: list[Operation], status: str) -> list[Suggestion]:
    """The tables, fields and indexes `operations` add. Fields inside a new
    table count when accepted; a table taken back as a whole says nothing
    about each of its fields, so only the table is rejected."""
    out = []
    for op in operations:
        if isinstance(op, AddTable):
            out.append(Suggestion("table", op.table.name, op.table.name, status))
            fields = op.table.fields.fields if op.table.fields else ()
            if status == "accepted":
                out += [
                    Suggestion("field", op.table.name, f.name, status) for f in fields
                ]
        elif isinstance(op, AddField):
            out.append(Suggestion("field", op.table, op.field, status))
        elif isinstance(op, AddIndex):
            out.append(Suggestion("index", op.table, op.index.name, status))
    return out


def _named(name: str, text: str) -> bool:
    """Whether the request names the field (`viewCount`, "view count")."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).lower()
    lowered = text.lower()
    return name.lower() in lowered or words in lowered


def _index_fields(index: AnyIndex) -> set[str]:
    if isinstance(index, Index):
        return set(index.fields)
    if isinstance(index, SearchIndex):
        return {index.search_field, *index.filter_fields}
    return {index.vector_field, *index.filter_fields}


def _filter(
    steps: tuple[Step, ...], text: str, rejected: set[tuple[str, str]]
) -> tuple[list[Step], list[str]]:
    """The steps without the fields the user rejected before (unless the
    request names them), and the indexes on those fields."""
    dropped = {pair for pair in rejected if not _named(pair[1], text)}
    if not dropped:
        return list(steps), []
    kept: list[Step] = []
    left_out: list[str] = []
    for step in steps:
        op = step.operation
        if isinstance(op, AddField) and (op.table, op.field) in dropped:
            left_out.append(f"{op.table}.{op.field}")
            continue
        if isinstance(op, AddIndex) and any(
            (op.table, name) in dropped for name in _index_fields(op.index)
        ):
            continue
        fields = op.table.fields if isinstance(op, AddTable) else None
        if isinstance(op, AddTable) and fields is not None:
            table = op.table
            gone = [f.name for f in fields.fields if (table.name, f.name) in dropped]
            if gone:
                left_out += [f"{table.name}.{name}" for name in gone]
                step = replace(step, operation=AddTable(_without(table, gone)))
        kept.append(step)
    if left_out:
        logger.info("left out rejected field(s): %s", ", ".join(left_out))
    return kept, left_out


def _without(table: Table, names: list[str]) -> Table:
    assert table.fields is not None
    fields = tuple(f for f in table.fields.fields if f.name not in names)
    return replace(table, document=replace(table.fields, fields=fields))


def _reply(design: Design, left_out: list[str]) -> str:
    if not design.steps:
        return "No change: nothing in the request maps to this schema."
    tail = f" (left out {', '.join(left_out)})" if left_out else ""
    return design.summary + tail


def _recorded(done: list[Change], table: str, name: str) -> list[str]:
    """The why, practice and warnings recorded for a table or field."""
    lines: list[str] = []
    for change in done:
        for step in change.steps:
            op = step.operation
            if isinstance(op, AddTable) and op.table.name == table:
                notes = dict(step.notes)
                if name and name in notes:
                    lines.append(f"{table}.{name}: {notes[name]}")
                if not name or op.table.field_at(name) is not None:
                    lines += _reasons(f"table {table}", step)
            elif isinstance(op, AddField) and op.table == table and op.field == name:
                lines += _reasons(f"{table}.{name}", step)
            elif (
                isinstance(op, AddIndex)
                and op.table == table
                and (not name or name in _index_fields(op.index))
            ):
                lines += _reasons(f"index {op.index.name}", step)
            elif name and (getattr(op, "table", None), getattr(op, "field", "")) == (
                table,
                name,
            ):
                lines += _reasons(f"{op.op} {table}.{name}", step)
    return lines


def _reasons(label: str, step: Step) -> list[str]:
    lines = [f"{label}: {step.why}"]
    if step.practice:
        lines.append(f"  practice: {step.practice}")
    lines += [f"  warning: {warning}" for warning in step.warnings]
    return lines + code_lines(step, "  ")


def _described(table: Table, name: str) -> list[str]:
    """What the schema itself says of a table or field."""
    from convex_schema.assistant.present import index_text, type_text

    if not name:
        count = len(table.fields.fields) if table.fields else 0
        lines = [f"table {table.name}: {count} field(s)"]
        return lines + [f"  {index_text(index)}" for index in table.indexes]
    item = table.field_at(name)
    assert item is not None
    kind = ("optional " if item.optional else "") + type_text(item.validator)
    lines = [f"{table.name}.{name}: {kind}"]
    for index in table.indexes:
        if name in _index_fields(index):
            lines.append(f"  used by {index_text(index)}")
    return lines


def _change_json(change: Change) -> dict[str, Any]:
    return {
        "request": change.request,
        "before": change.before.to_json(),
        "steps": [
            {
                "operation": to_json(step.operation),
                "why": step.why,
                "practice": step.practice,
                "warnings": list(step.warnings),
                "notes": [list(note) for note in step.notes],
                "code": step.code,
            }
            for step in change.steps
        ],
    }


def _change_from(data: dict[str, Any]) -> Change:
    steps = tuple(
        Step(
            from_json(item["operation"]),
            item["why"],
            item["practice"],
            tuple(item["warnings"]),
            tuple((a, b) for a, b in item["notes"]),
            item.get("code", ""),
        )
        for item in data["steps"]
    )
    return Change(data["request"], steps, schema_from_json(data["before"]))


def _from_state(project: Path, session: str, state: dict[str, Any]) -> ChatSession:
    return ChatSession(
        project,
        Path(state["path"]),
        schema_from_json(state["working"]),
        id=session,
        done=[_change_from(c) for c in state["done"]],
        undone=[_change_from(c) for c in state["undone"]],
        journal=[from_json(op) for op in state["journal"]],
        written=state["written"],
        answers=[(q, a) for q, a in state["answers"]],
        open_questions=tuple(state["openQuestions"]),
        choices=dict(state.get("choices", {})),
        open_asked=tuple(question_from_json(q) for q in state.get("openAsked", [])),
    )
