"""`validate`, `infer` and `profile`: a schema against a deployment's data."""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn
from rich.table import Table as RichTable

from convex_schema.cli.context import Context
from convex_schema.cli.output import print_diagnostics, print_json, stderr, stdout
from convex_schema.snapshot.infer import infer_schema
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
    quiet = output_format is ReportFormat.json or not sys.stderr.isatty()
    with Snapshot(data, table) as snapshot:
        if quiet:
            report = validate_snapshot(
                result.schema, snapshot, limit=limit, keep_going=keep_going
            )
        else:
            with Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.completed:,} documents"),
                console=stderr,
                transient=True,
            ) as bar:
                task = bar.add_task("validating", total=None)

                def progress(name: str, count: int) -> None:
                    bar.update(task, description=f"validating {name}", completed=count)

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
    with Snapshot(data, table) as snapshot:
        schema = infer_schema(snapshot)
    if output_format is InferFormat.json:
        print_json(schema.to_json())
    else:
        stdout.out(render_schema(schema), end="", highlight=False)


def register(app: typer.Typer) -> None:
    app.command()(validate)
    app.command()(infer)
