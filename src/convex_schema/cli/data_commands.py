"""`validate`, `infer` and `profile`: a schema against a deployment's data."""

from __future__ import annotations

import enum
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.progress import BarColumn, Progress, TextColumn
from rich.table import Table as RichTable

from convex_schema.cli.context import Context
from convex_schema.cli.output import print_diagnostics, print_json, stderr, stdout
from convex_schema.snapshot.infer import infer_schema
from convex_schema.snapshot.profile import parse_unique, profile_snapshot
from convex_schema.snapshot.reader import Snapshot
from convex_schema.snapshot.validate import ValidationReport, validate_snapshot
from convex_schema.writer.render import render_schema

DataOption = Annotated[
    Path,
    typer.Option(
        "--data",
        help="The snapshot: the ZIP from `npx convex export`, its folder, or one "
        "table as .jsonl/.json/.csv (with --table).",
    ),
]
TableOption = Annotated[
    str | None, typer.Option("--table", help="The table a .jsonl/.json/.csv holds.")
]
SchemaOption = Annotated[
    Path | None,
    typer.Option("--schema", help="The schema file (default: the project's)."),
]


@contextmanager
def progress_bar(verb: str, quiet: bool) -> Iterator[Callable[[str, int], None] | None]:
    """A progress callback `(table, documents so far)` drawing a bar on a
    terminal; None when quiet or when stderr is not a terminal."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,} documents"),
        console=stderr,
        transient=True,
    ) as bar:
        task = bar.add_task(verb, total=None)

        def update(name: str, count: int) -> None:
            bar.update(task, description=f"{verb} {name}", completed=count)

        yield update


class ReportFormat(enum.StrEnum):
    text = "text"
    json = "json"


def validate(
    ctx: typer.Context,
    data: DataOption,
    schema: SchemaOption = None,
    table: TableOption = None,
    limit: Annotated[
        int, typer.Option("--limit", min=0, help="Violations shown per table.")
    ] = 10,
    keep_going: Annotated[
        bool, typer.Option("--keep-going", help="Report bad lines and continue.")
    ] = False,
    output_format: Annotated[
        ReportFormat, typer.Option("--format", help="text or json.")
    ] = ReportFormat.text,
) -> None:
    """Check every document of a snapshot against the schema, as a push would."""
    context: Context = ctx.obj
    _, result = context.read(schema)
    quiet = output_format is ReportFormat.json
    with (
        Snapshot(data, table) as snapshot,
        progress_bar("validating", quiet) as progress,
    ):
        report = validate_snapshot(
            result.schema,
            snapshot,
            limit=limit,
            keep_going=keep_going,
            progress=progress,
        )
    if output_format is ReportFormat.json:
        print_json(report.to_json())
    else:
        _print_validation(report)
    if report.failing_documents or any(d.code == "D001" for d in report.diagnostics):
        raise typer.Exit(1)


def _print_validation(report: ValidationReport) -> None:
    print_diagnostics(report.diagnostics, Path.cwd())
    grid = RichTable(title=f"{report.snapshot}", title_justify="left")
    for column in ("table", "documents", "failing", "over limits", "dangling refs"):
        grid.add_column(column, justify="left" if column == "table" else "right")
    for table in report.tables:
        name = table.table if table.in_schema else f"{table.table} (not in schema)"
        grid.add_row(
            name,
            f"{table.checked:,}",
            f"{table.failed:,}",
            f"{table.over_limits:,}",
            f"{table.dangling:,}",
        )
    stdout.print(grid)
    failing = report.failing_documents
    verdict = (
        "every document matches the schema"
        if not failing
        else f"{failing:,} document(s) would make `npx convex deploy` fail"
    )
    stdout.print(verdict)


class InferFormat(enum.StrEnum):
    ts = "ts"
    json = "json"


def infer(
    ctx: typer.Context,
    data: DataOption,
    table: TableOption = None,
    output_format: Annotated[
        InferFormat, typer.Option("--format", help="ts (schema.ts) or json.")
    ] = InferFormat.ts,
) -> None:
    """Write the schema the data actually has."""
    quiet = output_format is InferFormat.json
    with Snapshot(data, table) as snapshot, progress_bar("reading", quiet) as progress:
        schema = infer_schema(snapshot, progress)
    if output_format is InferFormat.json:
        print_json(schema.to_json())
    else:
        stdout.out(render_schema(schema), end="", highlight=False)


def profile(
    ctx: typer.Context,
    data: DataOption,
    table: TableOption = None,
    unique: Annotated[
        list[str] | None,
        typer.Option(
            "--unique", help="TABLE.FIELD to report duplicate values of (repeatable)."
        ),
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", min=0, help="Duplicate groups shown per field.")
    ] = 10,
    output_format: Annotated[
        ReportFormat, typer.Option("--format", help="text or json.")
    ] = ReportFormat.text,
) -> None:
    """Statistics per table and field, and duplicate groups with --unique."""
    wanted = parse_unique(unique or [])
    quiet = output_format is ReportFormat.json
    with (
        Snapshot(data, table) as snapshot,
        progress_bar("profiling", quiet) as progress,
    ):
        result = profile_snapshot(snapshot, wanted, limit=limit, progress=progress)
    if output_format is ReportFormat.json:
        print_json(result)
        return
    for table_profile in result["tables"]:
        _print_table_profile(table_profile)
    for duplicates in result["duplicates"]:
        _print_duplicates(duplicates)


def _print_table_profile(data: dict[str, Any]) -> None:
    size = data["documentSize"] or {"max": 0, "p95": 0}
    title = (
        f"{data['table']}: {data['documents']:,} documents, size p95 "
        f"{size['p95']:,} B, max {size['max']:,} B of 1 MiB"
    )
    grid = RichTable(title=title, title_justify="left")
    for column in (
        "field",
        "present",
        "null",
        "types",
        "distinct",
        "length p95",
        "top",
    ):
        grid.add_column(column)
    for item in data["fields"]:
        lengths = item["stringLength"] or item["arrayLength"]
        top = ", ".join(f"{_short(t['value'])} ×{t['count']}" for t in item["top"][:2])
        distinct = f"{item['distinct']:,}" + (
            "" if item["distinctExact"] else " (est.)"
        )
        grid.add_row(
            item["path"],
            f"{item['presentPct']}%",
            f"{item['nullPct']}%",
            " ".join(f"{k} {v:,}" for k, v in item["types"].items()),
            distinct,
            f"{lengths['p95']:,}" if lengths else "",
            top,
        )
    stdout.print(grid)


def _print_duplicates(data: dict[str, Any]) -> None:
    if "error" in data:
        stderr.print(f"--unique {data['table']}: {data['error']}")
        return
    head = (
        f"{data['table']}.{data['field']}: {data['duplicateGroups']:,} duplicate "
        f"value(s) over {data['duplicateDocuments']:,} documents"
    )
    stdout.print(head if data["duplicateGroups"] else f"{head} (unique)")
    for group in data["groups"]:
        ids = ", ".join(group["ids"][:6])
        stdout.print(f"  {_short(group['value'])} ×{group['count']}: {ids}")


def _short(value: Any) -> str:
    text = orjson.dumps(value).decode()
    return text if len(text) <= 24 else text[:21] + "..."


def register(app: typer.Typer) -> None:
    app.command()(validate)
    app.command()(infer)
    app.command()(profile)
