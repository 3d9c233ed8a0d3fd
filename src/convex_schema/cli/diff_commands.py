"""`diff`: the operations between two schemas, classified."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated

import typer

from convex_schema import operations as ops
from convex_schema.cli.context import Context
from convex_schema.cli.interactive import Answers, ask, confirm_write
from convex_schema.cli.output import print_json, stderr, stdout
from convex_schema.diff import Change, DiffOptions, diff_schemas
from convex_schema.diff.sources import load_schema
from convex_schema.errors import UsageError
from convex_schema.fsutil import write_atomic
from convex_schema.migrate.code import Use, scan_project
from convex_schema.migrate.generate import (
    config_source,
    migrations_source,
    parse_backfills,
    ts_type,
    uniqueness_source,
    widened_schema,
)
from convex_schema.migrate.plan import (
    DEDUPE_CHOICES,
    DROPPED_CHOICES,
    Plan,
    make_plan,
)
from convex_schema.migrate.risks import Finding, assess
from convex_schema.model import Index, Schema
from convex_schema.reader import find_schema, functions_dir
from convex_schema.snapshot.profile import parse_unique
from convex_schema.snapshot.reader import Snapshot
from convex_schema.store import PlanStore

STYLE = {
    "safe": "green",
    "index-build": "cyan",
    "needs-backfill": "yellow",
    "destructive": "bold red",
    "breaking-for-code": "magenta",
}


SnapshotOption = Annotated[
    Path | None,
    typer.Option("--data", help="A snapshot to size each risk with (exact counts)."),
]
UniqueOption = Annotated[
    list[str] | None,
    typer.Option("--unique", help="TABLE.FIELD that must become unique (repeatable)."),
]


class DiffFormat(enum.StrEnum):
    text = "text"
    json = "json"


def _pairs(items: list[str] | None, flag: str) -> set[tuple[str, str]]:
    out = set()
    for item in items or []:
        old, sep, new = item.partition("=")
        if not sep or not old or not new:
            raise UsageError(
                f"{flag} {item!r}: write OLD=NEW, e.g. users.mail=users.email"
            )
        out.add((old, new))
    return out


def diff(
    ctx: typer.Context,
    old: Annotated[
        str, typer.Argument(help="A schema file, a project, or git:REF[:path].")
    ],
    new: Annotated[
        str, typer.Argument(help="A schema file, a project, or git:REF[:path].")
    ],
    no_renames: Annotated[
        bool, typer.Option("--no-renames", help="Report renames as drop and add.")
    ] = False,
    rename: Annotated[
        list[str] | None,
        typer.Option("--rename", help="Take only these renames: OLD=NEW (repeatable)."),
    ] = None,
    not_rename: Annotated[
        list[str] | None,
        typer.Option("--not-rename", help="Reject a detected rename: OLD=NEW."),
    ] = None,
    data: SnapshotOption = None,
    unique: UniqueOption = None,
    output_format: Annotated[
        DiffFormat, typer.Option("--format", help="text or json.")
    ] = DiffFormat.text,
) -> None:
    """The operations that turn OLD into NEW, each with what it needs, and
    their risks (sized against a snapshot with --data)."""
    context: Context = ctx.obj
    accept = _pairs(rename, "--rename") or None
    options = DiffOptions(not no_renames, accept, _pairs(not_rename, "--not-rename"))
    before = load_schema(old, context.project)
    changes = diff_schemas(before, load_schema(new, context.project), options)
    findings = _assess(changes, before, data, unique, context)
    if output_format is DiffFormat.json:
        print_json(
            {
                "old": old,
                "new": new,
                "operations": [c.to_json() for c in changes],
                "risks": [f.to_json() for f in findings],
                "dataChecked": data is not None,
            }
        )
        return
    _print_changes(changes)
    _print_findings(findings, data is not None)


def _print_changes(changes: list[Change]) -> None:
    if not changes:
        stdout.print("no changes")
        return
    for change in changes:
        tags = " ".join(
            f"[{STYLE.get(c, 'white')}]{c}[/{STYLE.get(c, 'white')}]"
            for c in change.classification
        )
        stdout.print(f"{_summary(change.operation)}  {tags}")
        stdout.print(f"  {change.reason}", style="dim", markup=False)
    counts: dict[str, int] = {}
    for change in changes:
        for label in change.classification:
            counts[label] = counts.get(label, 0) + 1
    stdout.print(
        f"{len(changes)} change(s): "
        + ", ".join(f"{n} {label}" for label, n in sorted(counts.items()))
    )


def _print_findings(findings: list[Finding], checked: bool) -> None:
    if not findings:
        return
    stdout.print("\n[bold]risks[/bold]")
    for finding in findings:
        if finding.documents is None:
            size = "not checked against data" if finding.code != "M301" else ""
        else:
            size = f"{finding.documents:,} document(s)"
            if finding.samples:
                size += ", e.g. " + ", ".join(finding.samples[:3])
        if finding.references:
            size = ", ".join(finding.references[:3])
        tail = f" ({size})" if size else ""
        stdout.print(
            f"  {finding.code} {finding.kind}: {finding.message}{tail}", markup=False
        )
    if not checked:
        stdout.print(
            "  (no snapshot given: pass --data snapshot.zip from `npx convex export` "
            "to count the documents each change affects)",
            style="dim",
        )


def _summary(op: ops.Operation) -> str:
    data = ops.to_json(op)
    name = data["op"].replace("_", " ")
    where = data["table"]
    if "field" in data:
        where += "." + data["field"] if data["field"] else " (document)"
    if "name" in data:
        where += "." + data["name"]
    if "index" in data:
        where += "." + data["index"]["indexDescriptor"]
    if "newName" in data:
        where += f" → {data['newName']}"
    return f"{name} {where}"


class PlanFormat(enum.StrEnum):
    text = "text"
    json = "json"
    md = "md"


def migrate(
    ctx: typer.Context,
    record: Annotated[
        bool,
        typer.Option("--record", help="Record the plan (always with --out)."),
    ] = False,
    source: Annotated[
        str, typer.Option("--from", help="The deployed schema (default: git:HEAD).")
    ] = "git:HEAD",
    target: Annotated[
        str | None,
        typer.Option("--to", help="The schema to reach (default: the project's)."),
    ] = None,
    data: SnapshotOption = None,
    unique: UniqueOption = None,
    backfill: Annotated[
        list[str] | None,
        typer.Option(
            "--backfill",
            help="TABLE.FIELD=VALUE: a JSON value, field:OTHER or expr:CODE.",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write the widened schema, migrations.ts and more."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="With --out: list the files, write none.")
    ] = False,
    dedupe: Annotated[
        list[str] | None,
        typer.Option(
            "--dedupe",
            help="TABLE.FIELD=delete-newer|suffix-newer: resolve --unique duplicates.",
        ),
    ] = None,
    dropped: Annotated[
        list[str] | None,
        typer.Option(
            "--dropped", help="TABLE=keep|archive|delete for a dropped table."
        ),
    ] = None,
    interactive: Annotated[
        bool, typer.Option("--interactive", help="Ask for renames, values and choices.")
    ] = False,
    answers_file: Annotated[
        Path | None,
        typer.Option("--answers", help="The answers as a JSON file (for CI)."),
    ] = None,
    output_format: Annotated[
        PlanFormat, typer.Option("--format", help="text, json or md.")
    ] = PlanFormat.text,
) -> None:
    """The migration plan from one schema to another: widen, migrate, narrow.

    Subcommands: history, status, rollback (for recorded plans)."""
    if ctx.invoked_subcommand is not None:
        return
    context: Context = ctx.obj
    before = load_schema(source, context.project)
    after = load_schema(target or str(context.project), context.project)
    answers = Answers.load(answers_file) if answers_file else Answers()
    for item in dropped or []:
        table, _, choice = item.partition("=")
        if choice not in DROPPED_CHOICES:
            raise UsageError(f"--dropped {item!r}: write TABLE=keep, archive or delete")
        answers.dropped[table] = choice
    answers.backfill.update({k: v for k, v in _backfill_pairs(backfill or []).items()})
    changes = diff_schemas(before, after)
    if interactive:
        answers = ask(changes, after, answers)
    rejected = {
        (key.partition("=")[0], key.partition("=")[2])
        for key, taken in answers.renames.items()
        if not taken
    }
    if rejected:
        changes = diff_schemas(before, after, DiffOptions(reject=rejected))
    findings = _assess(changes, before, data, unique, context)
    for item in dedupe or []:
        key, _, strategy = item.partition("=")
        if strategy not in DEDUPE_CHOICES:
            raise UsageError(
                f"--dedupe {item!r}: write TABLE.FIELD=delete-newer or suffix-newer"
            )
        answers.dedupe[key] = strategy
    plan = make_plan(
        changes, findings, before, data is not None, answers.dropped, answers.dedupe
    )
    if out is not None and not dry_run and not confirm_write(answers):
        out = None
    if out is not None:
        target_file = find_schema(Path(target) if target else context.project)
        files = {
            "schema.widened.ts": widened_schema(target_file, plan, before),
            "schema.final.ts": target_file.read_text(encoding="utf-8"),
            "migrations.ts": migrations_source(
                plan,
                before,
                after,
                parse_backfills([f"{k}={v}" for k, v in answers.backfill.items()]),
            ),
            "MIGRATION.md": plan_markdown(changes, findings, plan),
        }
        config = config_source(target_file.parent)
        if config is not None:
            files["convex.config.ts"] = config
        guards = uniqueness_source(_guards(unique, after))
        if guards is not None:
            files["uniqueness.ts"] = guards
        _write_files(out, files, context.project, dry_run)
    if (record or out is not None) and not dry_run:
        store = PlanStore(context.project)
        document = {
            "operations": [c.to_json() for c in changes],
            "risks": [f.to_json() for f in findings],
            "plan": plan.to_json(),
        }
        recorded = store.record(source, target or str(context.project), document)
        store.close()
        stderr.print(f"recorded as plan {recorded.id} (convex-schema migrate status)")
    if output_format is PlanFormat.json:
        print_json(
            {
                "from": source,
                "to": target or str(context.project),
                "operations": [c.to_json() for c in changes],
                "risks": [f.to_json() for f in findings],
                "plan": plan.to_json(),
            }
        )
    elif output_format is PlanFormat.md:
        stdout.out(plan_markdown(changes, findings, plan), end="", highlight=False)
    else:
        _print_changes(changes)
        _print_findings(findings, data is not None)
        _print_plan(plan)


def _assess(
    changes: list[Change],
    before: Schema,
    data: Path | None,
    unique: list[str] | None,
    context: Context,
) -> list[Finding]:
    """The risks of the changes, sized with the snapshot when there is one."""
    wanted = parse_unique(unique or [])
    if data is None:
        return assess(changes, before, None, wanted, _code(context))
    with Snapshot(data) as snapshot:
        return assess(changes, before, snapshot, wanted, _code(context))


def _guards(unique: list[str] | None, after: Schema) -> list[tuple[str, str, str, str]]:
    """(table, field, index, TypeScript type) for each --unique field."""
    out = []
    for table_name, name in parse_unique(unique or []):
        table = after.table(table_name)
        item = table.field_at(name) if table is not None else None
        indexes = [
            i.name
            for i in (table.indexes if table is not None else ())
            if isinstance(i, Index) and i.fields[:1] == (name,)
        ]
        index = indexes[0] if indexes else f"by_{name.replace('.', '_')}"
        out.append((table_name, name, index, ts_type(item.validator if item else None)))
    return out


def _code(context: Context) -> list[Use] | None:
    """The uses in the project's function files, or None without a project."""
    folder = functions_dir(context.project)
    return scan_project(folder) if folder.is_dir() else None


def _backfill_pairs(items: list[str]) -> dict[str, str]:
    parse_backfills(items)  # validates each item, with a clear message
    return dict(item.partition("=")[::2] for item in items)


def _write_files(
    out: Path, files: dict[str, str], project: Path, dry_run: bool
) -> None:
    for name, text in files.items():
        path = out / name
        if dry_run:
            stderr.print(f"would write {path} ({len(text):,} bytes)")
            continue
        out.mkdir(parents=True, exist_ok=True)
        backup = write_atomic(path, text, project / ".convex-schema" / "backups")
        kept = f" (previous version kept at {backup})" if backup else ""
        stderr.print(f"wrote {path}{kept}")


def _print_plan(plan: Plan) -> None:
    if not plan.steps:
        return
    stdout.print("\n[bold]plan[/bold]")
    for number, step in enumerate(plan.steps, 1):
        stdout.print(f"{number}. [bold]{step.title}[/bold] ({step.phase})")
        for op in step.operations:
            stdout.print(f"   schema: {_summary(op)}", markup=False)
        for check in step.checks:
            stdout.print(f"   check first: {check}", markup=False)
        for command in step.commands:
            stdout.print(f"   $ {command}", markup=False)
        if step.documents is not None:
            stdout.print(f"   documents: {step.documents:,}")
        if step.estimate:
            stdout.print(f"   estimate: {step.estimate}", markup=False)
        for note in step.notes:
            stdout.print(f"   note: {note}", markup=False)
        for undo in step.rollback:
            stdout.print(f"   rollback: {undo}", markup=False)
    for item in plan.unchecked:
        stdout.print(f"not checked against data: {item}", style="dim", markup=False)


def plan_markdown(changes: list[Change], findings: list[Finding], plan: Plan) -> str:
    """The plan as a Markdown change document for a pull request."""
    lines = ["# Schema migration", "", "## Changes", ""]
    lines += [
        f"- `{_summary(c.operation)}` ({', '.join(c.classification)}): {c.reason}"
        for c in changes
    ]
    if findings:
        lines += ["", "## Risks", ""]
        for finding in findings:
            size = (
                ""
                if finding.documents is None
                else f" — {finding.documents:,} documents"
            )
            lines.append(f"- **{finding.code}** {finding.message}{size}")
    lines += ["", "## Plan", ""]
    lines.append(
        f"Back up first: {'yes' if plan.backup else 'no'} ({plan.backup_reason})."
    )
    for number, step in enumerate(plan.steps, 1):
        lines += ["", f"### {number}. {step.title}", ""]
        lines += [f"- schema: `{_summary(op)}`" for op in step.operations]
        lines += [f"- check first: {check}" for check in step.checks]
        if step.commands:
            lines += ["", "```sh", *step.commands, "```", ""]
        if step.estimate:
            lines.append(f"- estimate: {step.estimate}")
        lines.append(f"- downtime: {step.downtime}")
        lines += [f"- rollback: {undo}" for undo in step.rollback]
    return "\n".join(lines) + "\n"


def history(ctx: typer.Context) -> None:
    """The recorded migration plans, newest first."""
    context: Context = ctx.obj
    store = PlanStore(context.project)
    plans = store.all()
    store.close()
    if not plans:
        stdout.print("no plans recorded (migrate --out or --record records one)")
    for record in plans:
        data = record.to_json()
        stdout.print(
            f"{data['id']}  {data['created']}  {data['status']:<12} "
            f"{len(record.steps_done)}/{data['steps']} steps  "
            f"{data['from']} → {data['to']}",
            markup=False,
        )


def status(
    ctx: typer.Context,
    plan_id: Annotated[
        str | None, typer.Argument(help="A plan id (default: the latest).")
    ] = None,
    done: Annotated[
        int | None, typer.Option("--done", help="Mark step N as done.")
    ] = None,
) -> None:
    """A recorded plan's steps and which are done; --done N marks one."""
    context: Context = ctx.obj
    store = PlanStore(context.project)
    record = store.get(plan_id)
    if done is not None:
        record = store.mark(record, done)
    store.close()
    stdout.print(f"plan {record.id}: {record.status}", markup=False)
    for number, step in enumerate(record.steps, 1):
        mark = "x" if number in record.steps_done else " "
        stdout.print(f"  [{mark}] {number}. {step['title']}", markup=False)


def rollback(
    ctx: typer.Context,
    plan_id: Annotated[
        str | None, typer.Argument(help="A plan id (default: the latest).")
    ] = None,
) -> None:
    """The rollback of a recorded plan: its done steps undone, last first."""
    context: Context = ctx.obj
    store = PlanStore(context.project)
    record = store.get(plan_id)
    store.close()
    steps = [(n, s) for n, s in enumerate(record.steps, 1) if n in record.steps_done]
    if not steps:
        stdout.print(f"plan {record.id}: no step is marked done; nothing to roll back")
        return
    stdout.print(f"rolling back plan {record.id}, last step first:", markup=False)
    for number, step in reversed(steps):
        stdout.print(f"{number}. undo: {step['title']}", markup=False)
        for line in step.get("rollback") or ["nothing to undo"]:
            stdout.print(f"   {line}", markup=False)


def register(app: typer.Typer) -> None:
    app.command()(diff)
    group = typer.Typer(no_args_is_help=False, add_completion=False)
    group.callback(invoke_without_command=True)(migrate)
    group.command()(history)
    group.command()(status)
    group.command()(rollback)
    app.add_typer(group, name="migrate")
