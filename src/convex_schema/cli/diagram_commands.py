"""`diagram` and `docs`: pictures and Markdown documentation of the schema."""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import Annotated

import typer

from convex_schema.cli.context import Context
from convex_schema.cli.output import print_diagnostics, stderr
from convex_schema.diagram.docs import render_docs
from convex_schema.diagram.dot import render_dot
from convex_schema.diagram.graph import build_diagram
from convex_schema.diagram.mermaid import render_mermaid
from convex_schema.diagram.render import render_image
from convex_schema.errors import UsageError
from convex_schema.fsutil import write_atomic

SchemaOption = Annotated[
    Path | None,
    typer.Option("--schema", help="The schema file (default: the project's)."),
]


class DiagramFormat(enum.StrEnum):
    mermaid = "mermaid"
    dot = "dot"
    svg = "svg"
    png = "png"


def diagram(
    ctx: typer.Context,
    schema: SchemaOption = None,
    output_format: Annotated[
        DiagramFormat,
        typer.Option("--format", help="mermaid, dot, or svg/png (needs Graphviz)."),
    ] = DiagramFormat.mermaid,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write to this file, not stdout.")
    ] = None,
    tables: Annotated[
        str | None, typer.Option("--tables", help="Only these tables: a,b,c.")
    ] = None,
    around: Annotated[
        str | None,
        typer.Option("--around", help="Only the tables near this one (see --depth)."),
    ] = None,
    depth: Annotated[
        int, typer.Option("--depth", min=0, help="References to follow from --around.")
    ] = 1,
) -> None:
    """Draw the schema's tables and references: Mermaid erDiagram, DOT, SVG, PNG."""
    context: Context = ctx.obj
    _, result = context.read(schema)
    if result.diagnostics:
        print_diagnostics(result.diagnostics, Path.cwd(), console=stderr)
    names = _table_list(tables)
    picture = build_diagram(result.schema, names, around, depth)

    if output_format is DiagramFormat.mermaid:
        _emit(render_mermaid(picture), out)
    elif output_format is DiagramFormat.dot:
        _emit(render_dot(picture), out)
    else:
        _emit_image(render_image(render_dot(picture), output_format.value), out)


def _emit(text: str, out: Path | None) -> None:
    if out is None:
        sys.stdout.write(text)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(out, text)
    stderr.print(f"wrote {out}")


def _emit_image(data: bytes, out: Path | None) -> None:
    if out is None:
        if sys.stdout.isatty():
            raise UsageError("an image is not for a terminal: name a file with --out")
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    stderr.print(f"wrote {out}")


def _table_list(tables: str | None) -> list[str] | None:
    if tables is None:
        return None
    names = [n.strip() for n in tables.split(",") if n.strip()]
    if not names:
        raise UsageError("--tables needs at least one table name: --tables a,b")
    return names


def docs(
    ctx: typer.Context,
    schema: SchemaOption = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="The folder to write (default: docs/schema)."),
    ] = None,
) -> None:
    """Write Markdown documentation of the schema: diagram, tables, references."""
    context: Context = ctx.obj
    path, result = context.read(schema)
    if result.diagnostics:
        print_diagnostics(result.diagnostics, Path.cwd(), console=stderr)
    folder = out if out is not None else context.project / "docs" / "schema"
    text = render_docs(result.schema, Path.cwd(), _label(path, context.project))

    target = folder / "README.md"
    if target.is_file() and target.read_text(encoding="utf-8") == text:
        stderr.print(f"{target} is up to date")
        return
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(target, text)
    stderr.print(f"wrote {target}")


def _label(path: Path, project: Path) -> str:
    """The schema's path as the docs name it: relative to the project, so the
    text is the same wherever the command runs."""
    try:
        return path.resolve().relative_to(project.resolve()).as_posix()
    except ValueError:
        return path.name


def register(app: typer.Typer) -> None:
    app.command()(diagram)
    app.command()(docs)
