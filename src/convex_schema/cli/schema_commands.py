"""`show` and `check`: the schema as read, and the backend's rules over it."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table as RichTable

from convex_schema.check import check_schema
from convex_schema.cli.context import Context
from convex_schema.cli.output import (
    print_diagnostics,
    print_json,
    sarif,
    stderr,
    stdout,
    summary_line,
)
from convex_schema.diagnostics import Severity, worst
from convex_schema.model import Schema, SearchIndex, VectorIndex
from convex_schema.model.semantics import describe
from convex_schema.writer.render import render_schema

SchemaOption = Annotated[
    Path | None,
    typer.Option("--schema", help="The schema file (default: the project's)."),
]


class ShowFormat(enum.StrEnum):
    summary = "summary"
    ts = "ts"
    json = "json"


class CheckFormat(enum.StrEnum):
    text = "text"
    json = "json"
    sarif = "sarif"


def show(
    ctx: typer.Context,
    schema: SchemaOption = None,
    output_format: Annotated[
        ShowFormat, typer.Option("--format", help="summary, ts or json (export JSON).")
    ] = ShowFormat.summary,
) -> None:
    """Print the schema as Convex reads it."""
    context: Context = ctx.obj
    path, result = context.read(schema)
    if result.diagnostics:  # on stderr: JSON and TypeScript on stdout stay clean
        print_diagnostics(result.diagnostics, Path.cwd(), console=stderr)
    if output_format is ShowFormat.json:
        print_json(result.schema.to_json())
    elif output_format is ShowFormat.ts:
        stdout.out(render_schema(result.schema), end="", highlight=False)
    else:
        _print_summary(path, result.schema)


def _print_summary(path: Path, schema: Schema) -> None:
    validation = "on" if schema.schema_validation else "off"
    stdout.print(
        f"[bold]{path}[/bold]: {len(schema.tables)} tables, schema validation "
        f"{validation}"
    )
    for table in schema.tables:
        grid = RichTable(title=f"{table.name}", title_justify="left", expand=False)
        grid.add_column("field")
        grid.add_column("type")
        fields = table.fields
        if fields is None:
            grid.add_row("(document)", describe(table.document))
        else:
            for item in fields.fields:
                optional = " (optional)" if item.optional else ""
                grid.add_row(item.name, describe(item.validator) + optional)
        for index in table.indexes:
            grid.add_row(
                f"[dim]{_index_kind(index)}[/dim] {index.name}", _index_text(index)
            )
        stdout.print(grid)


def _index_kind(index: object) -> str:
    staged = " staged" if getattr(index, "staged", False) else ""
    if isinstance(index, SearchIndex):
        return "search index" + staged
    if isinstance(index, VectorIndex):
        return "vector index" + staged
    return "index" + staged


def _index_text(index: object) -> str:
    if isinstance(index, SearchIndex):
        filters = (
            f", filter {', '.join(index.filter_fields)}" if index.filter_fields else ""
        )
        return f"search {index.search_field}{filters}"
    if isinstance(index, VectorIndex):
        return f"{index.vector_field} ({index.dimensions} dimensions)"
    return ", ".join(getattr(index, "fields", ()))


def check(
    ctx: typer.Context,
    schema: SchemaOption = None,
    output_format: Annotated[
        CheckFormat, typer.Option("--format", help="text, json or sarif.")
    ] = CheckFormat.text,
    fail_on: Annotated[
        str, typer.Option("--fail-on", help="Exit 1 at or above: error, warning, info.")
    ] = "error",
) -> None:
    """Check the schema against the rules Convex enforces on push."""
    context: Context = ctx.obj
    try:
        threshold = Severity.parse(fail_on)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--fail-on") from None
    path, result = context.read(schema)
    diagnostics = list(result.diagnostics) + check_schema(result.schema)
    if output_format is CheckFormat.json:
        print_json(
            {
                "schema": str(path),
                "tables": len(result.schema.tables),
                "diagnostics": [d.to_json() for d in diagnostics],
            }
        )
    elif output_format is CheckFormat.sarif:
        print_json(sarif(diagnostics))
    else:
        print_diagnostics(diagnostics, Path.cwd())
        status = "no problems" if not diagnostics else summary_line(diagnostics)
        stdout.print(f"{path}: {len(result.schema.tables)} tables, {status}")
    highest = worst(diagnostics)
    if highest is not None and highest >= threshold:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command()(show)
    app.command()(check)
