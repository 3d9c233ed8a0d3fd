"""`chat`: the conversation with the assistant, in the terminal.

The session logic lives in `assistant.session`; this module reads lines
(with a readline history under `.convex-schema/` when readline is there),
runs the slash commands and renders what the session returns.
"""

from __future__ import annotations

import contextlib
import difflib
import enum
import shlex
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from convex_schema.assistant.draft import Step
from convex_schema.assistant.present import code_lines, index_text, type_text
from convex_schema.assistant.session import NO_ANSWERS, ChatSession, LineBuffer, Turn
from convex_schema.cli.context import Context
from convex_schema.cli.output import print_json, stderr, stdout
from convex_schema.errors import ConvexSchemaError, UsageError
from convex_schema.model import Schema, Table
from convex_schema.operations import AddField, AddTable

PROMPT = "chat> "
MORE = "...> "

HELP = [
    ("/show", "the working schema, and the answers you gave"),
    ("/diff", "the change /apply would make to schema.ts, as a unified diff"),
    ("/apply", "write the pending changes to schema.ts (diff first, with a backup)"),
    ("/undo", "take back the last change (its additions count as rejected)"),
    ("/redo", "make the last undone change again"),
    ("/explain TABLE[.FIELD]", "why it is there: reasons, practice, warnings"),
    ("/migrate [--data SNAP]", "the migration plan from schema.ts to the working one"),
    ("/analyze", "the analyzer on the project: score and top findings"),
    ("/save", "save the session (chat --resume picks up the latest)"),
    ("/help", "this list"),
    ("/quit", "leave (the session is saved)"),
]


class ChatFormat(enum.StrEnum):
    text = "text"
    json = "json"


def chat(
    ctx: typer.Context,
    message: Annotated[
        str | None,
        typer.Option("--message", "-m", help="Run one turn and print the result."),
    ] = None,
    resume: Annotated[
        bool, typer.Option("--resume", help="Continue the latest saved session.")
    ] = False,
    schema: Annotated[
        Path | None,
        typer.Option("--schema", help="The schema file (default: the project's)."),
    ] = None,
    output_format: Annotated[
        ChatFormat,
        typer.Option("--format", help="With --message: text or json (as design)."),
    ] = ChatFormat.text,
) -> None:
    """Talk about the schema: requests in plain English, /help for commands."""
    context: Context = ctx.obj
    if resume:
        session = ChatSession.resume(context.project)
    else:
        session = ChatSession.start(context.project, schema)
    if message is None:
        _repl(session, resume)
        return
    turn = session.request(message)
    session.save()
    if not turn.design.schema.tables:
        raise ConvexSchemaError(
            "found no tables in the description; name what the app stores, "
            'e.g. "a blog with posts, authors and comments"'
        )
    if output_format is ChatFormat.json:
        print_json(turn.design.to_json())
    else:
        show_turn(turn)


def _repl(session: ChatSession, resumed: bool) -> None:
    history = _open_history(session.project)
    _intro(session, resumed)
    buffer = LineBuffer()
    while True:
        try:
            line = input(MORE if buffer.waiting else PROMPT)
        except EOFError:
            stdout.print()
            break
        except KeyboardInterrupt:
            buffer.reset()
            stdout.print("\n(interrupted; /quit to leave)")
            continue
        text = buffer.feed(line)
        if not text:
            continue
        try:
            going = _handle(session, text)
        except ConvexSchemaError as error:
            stderr.print(f"[bold red]error:[/bold red] {escape(error.message)}")
            going = True
        session.save()
        if not going:
            break
    _close_history(history)
    _goodbye(session)


def _handle(session: ChatSession, text: str) -> bool:
    """Run one request or slash command; False to leave."""
    if not text.startswith("/"):
        show_turn(session.request(text))
        return True
    name, _, argument = text.partition(" ")
    if name in ("/quit", "/exit", "/q"):
        return False
    command = COMMANDS.get(name)
    if command is None:
        close = difflib.get_close_matches(name, [*COMMANDS, "/quit"], n=1)
        hint = f"; did you mean {close[0]}?" if close else "; /help lists them"
        stdout.print(f"unknown command {escape(name)}{hint}")
        return True
    command(session, argument.strip())
    return True


# -- rendering ---------------------------------------------------------------------


def show_turn(turn: Turn) -> None:
    """A turn as the seed shows one: the tables with their fields, the
    reasons, what was left out and the questions."""
    result = turn.design
    if turn.chosen is not None:
        key, choice = turn.chosen
        stdout.print(f"[dim]your answer: {escape(key)} = {escape(choice)}[/dim]")
    elif turn.answer is not None:
        stdout.print(f"[dim]noted your answer: {escape(turn.answer[1])}[/dim]")
    if not result.steps:
        stdout.print("No change: nothing in the request maps to this schema.")
        if turn.answer is not None and turn.chosen is None:
            stdout.print(f"[dim]({escape(NO_ANSWERS)})[/dim]")
        _left_out(turn)
        _questions(result.questions)
        return
    stdout.print(f"[bold]{escape(result.summary)}[/bold]\n")
    if turn.editing:
        _edit_steps(turn)
    else:
        _design_tables(turn)
    _left_out(turn)
    _questions(result.questions)
    stdout.print(
        "[dim]/diff shows the change to schema.ts, /apply writes it, "
        "/undo takes it back[/dim]"
    )


def _left_out(turn: Turn) -> None:
    for item in turn.left_out:
        stdout.print(
            f"[yellow]left out {escape(item)}[/yellow]: you took it back with /undo "
            "before; name it in a request to have it again"
        )


def _design_tables(turn: Turn) -> None:
    reasons = {
        step.operation.table.name: step
        for step in turn.design.steps
        if isinstance(step.operation, AddTable)
    }
    for table in turn.design.schema.tables:
        step = reasons.get(table.name)
        notes = dict(step.notes) if step else {}
        _table(table, notes, set())
        if step is not None:
            stdout.print(f"  [dim]why: {escape(step.why)}[/dim]")
        stdout.print()
    _guards(turn.design.steps)


def _guards(steps: tuple[Step, ...]) -> None:
    """The write-side guards a design needs (unique fields), as code."""
    for step in steps:
        for line in code_lines(step, "  "):
            stdout.print(escape(line), highlight=False)


def _edit_steps(turn: Turn) -> None:
    from convex_schema.assistant.present import operation_text

    touched: list[str] = []
    new: set[str] = set()
    for number, step in enumerate(turn.design.steps, 1):
        op = step.operation
        stdout.print(f"{number}. {escape(operation_text(step))}")
        stdout.print(f"   [dim]why: {escape(step.why)}[/dim]")
        for warning in step.warnings:
            stdout.print(f"   [yellow]warning:[/yellow] {escape(warning)}")
        for line in code_lines(step, "   "):
            stdout.print(escape(line), highlight=False)
        name = op.table.name if isinstance(op, AddTable) else op.table
        if name not in touched:
            touched.append(name)
        if isinstance(op, AddField):
            new.add(f"{op.table}.{op.field}")
    stdout.print()
    for name in touched:
        found = turn.design.schema.table(name)
        if found is not None:
            _table(found, {}, new)
            stdout.print()


def _table(table: Table, notes: dict[str, str], new: set[str]) -> None:
    stdout.print(f"[bold cyan]{escape(table.name)}[/bold cyan] table:")
    for item in table.fields.fields if table.fields else ():
        kind = ("optional " if item.optional else "") + type_text(item.validator)
        line = f"  - {escape(item.name)} ({escape(kind)})"
        if f"{table.name}.{item.name}" in new:
            line += " [green](new)[/green]"
        if item.name in notes:
            line += f"  [dim]// {escape(notes[item.name])}[/dim]"
        stdout.print(line)
    for index in table.indexes:
        stdout.print(f"  [dim]{escape(index_text(index))}[/dim]")


def _questions(questions: tuple[str, ...]) -> None:
    if not questions:
        return
    stdout.print("[bold yellow]Questions[/bold yellow] (a default is applied):")
    for question in questions:
        stdout.print(f"  ? {escape(question)}")
    stdout.print("[dim]answer in your next message; it is kept in the session[/dim]")


def _print_schema(schema: Schema) -> None:
    if not schema.tables:
        stdout.print("No tables yet: describe what the app stores.")
    for table in schema.tables:
        _table(table, {}, set())
        stdout.print()


def _print_diff(diff: str) -> None:
    for line in diff.splitlines():
        style = ""
        if line.startswith("+") and not line.startswith("+++"):
            style = "green"
        elif line.startswith("-") and not line.startswith("---"):
            style = "red"
        elif line.startswith("@@"):
            style = "cyan"
        stdout.print(line, style=style or None, markup=False)


# -- slash commands ----------------------------------------------------------------


def _show(session: ChatSession, argument: str) -> None:
    _print_schema(session.working)
    pending = len(session.pending())
    where = session.path if session.path.is_file() else f"{session.path} (not yet)"
    stdout.print(f"schema file: {escape(str(where))}; {pending} pending operation(s)")
    for question, answer in session.answers:
        stdout.print(f"[dim]you answered {escape(question)!r}: {escape(answer)}[/dim]")


def _diff(session: ChatSession, argument: str) -> None:
    diff = session.diff()
    if not diff:
        stdout.print("No difference: schema.ts matches the working schema.")
        return
    _print_diff(diff)


def _apply(session: ChatSession, argument: str) -> None:
    diff = session.diff()
    if not diff:
        stdout.print("Nothing to write: schema.ts matches the working schema.")
        return
    _print_diff(diff)
    applied = session.apply()
    if applied is None:
        return
    kept = f" (previous version kept at {applied.backup})" if applied.backup else ""
    stdout.print(
        f"[green]wrote {escape(str(applied.path))}[/green]{escape(kept)}; "
        "/migrate plans the data"
    )


def _undo(session: ChatSession, argument: str) -> None:
    change = session.undo()
    if change is None:
        stdout.print("Nothing to undo.")
        return
    stdout.print(
        f"Undid {len(change.steps)} operation(s) of {escape(change.request)!r}; "
        "/redo makes them again"
    )


def _redo(session: ChatSession, argument: str) -> None:
    change = session.redo()
    if change is None:
        stdout.print("Nothing to redo.")
        return
    stdout.print(
        f"Redid {len(change.steps)} operation(s) of {escape(change.request)!r}"
    )


def _explain(session: ChatSession, argument: str) -> None:
    if not argument:
        stdout.print("usage: /explain TABLE.FIELD (or /explain TABLE)")
        return
    for line in session.explain(argument):
        stdout.print(line, markup=False)


def _migrate(session: ChatSession, argument: str) -> None:
    from convex_schema.cli.diff_commands import (
        _print_changes,
        _print_findings,
        _print_plan,
    )

    data = _data_option(argument)
    migration = session.migration(data)
    if not migration.changes:
        stdout.print("No change between schema.ts and the working schema.")
        return
    _print_changes(migration.changes)
    _print_findings(migration.findings, migration.checked)
    _print_plan(migration.plan)


def _data_option(argument: str) -> Path | None:
    words = shlex.split(argument)
    if not words:
        return None
    if words[0] == "--data" and len(words) == 2:
        return Path(words[1])
    if words[0].startswith("--data=") and len(words) == 1:
        return Path(words[0].partition("=")[2])
    raise UsageError(f"/migrate {argument}: write /migrate or /migrate --data SNAP")


def _analyze(session: ChatSession, argument: str) -> None:
    analysis = session.analyze()
    findings = sorted(analysis.findings, key=lambda f: -f.severity)
    stdout.print(
        f"[bold]health score {analysis.score.total}/100[/bold], "
        f"{len(findings)} finding(s)"
    )
    for finding in findings[:5]:
        stdout.print(
            f"  {finding.code} {finding.severity.label} {finding.location()}: "
            f"{finding.message}",
            markup=False,
        )
    if len(findings) > 5:
        stdout.print("  ... `convex-schema analyze` lists them all")
    if session.pending():
        stdout.print("[dim](the project on disk: /apply first to include the changes)")


def _save(session: ChatSession, argument: str) -> None:
    session.save()
    stdout.print(
        f"saved session {session.id} in .convex-schema/state.db "
        "(convex-schema chat --resume continues it)"
    )


def _help(session: ChatSession, argument: str) -> None:
    stdout.print("Describe what the app stores, or a change; or a command:")
    width = max(len(name) for name, _ in HELP) + 2
    for name, what in HELP:
        stdout.print(f"  {escape(name.ljust(width))}{what}")
    stdout.print(
        'A line ending with \\ continues on the next; so does a """ block """.'
    )


COMMANDS: dict[str, Callable[[ChatSession, str], None]] = {
    "/show": _show,
    "/diff": _diff,
    "/apply": _apply,
    "/undo": _undo,
    "/redo": _redo,
    "/explain": _explain,
    "/migrate": _migrate,
    "/analyze": _analyze,
    "/save": _save,
    "/help": _help,
}


# -- the terminal ------------------------------------------------------------------


def _intro(session: ChatSession, resumed: bool) -> None:
    where = session.path if session.path.is_file() else "none yet"
    stdout.print(
        f"convex-schema chat: session {session.id}, schema {escape(str(where))}. "
        "Describe what the app stores; /help lists the commands."
    )
    if resumed:
        for role, text in session.messages[-6:]:
            stdout.print(f"[dim]{role}: {escape(text)}[/dim]")
        stdout.print(f"{len(session.working.tables)} table(s) in the working schema")


def _goodbye(session: ChatSession) -> None:
    pending = len(session.pending())
    if pending:
        stdout.print(
            f"{pending} operation(s) not written to schema.ts; "
            "`convex-schema chat --resume` continues, /apply writes them"
        )


def _open_history(project: Path) -> Path | None:
    """Load the readline history when there is readline and a terminal."""
    if not sys.stdin.isatty():
        return None
    try:
        import readline
    except ImportError:
        return None
    path = project / ".convex-schema" / "chat_history"
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        readline.read_history_file(path)
    readline.set_history_length(1000)
    return path


def _close_history(path: Path | None) -> None:
    if path is None:
        return
    import readline

    with contextlib.suppress(OSError):
        readline.write_history_file(path)


def register(app: typer.Typer) -> None:
    app.command()(chat)
