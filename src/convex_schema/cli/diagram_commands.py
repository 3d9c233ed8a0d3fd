"""`diagram` and `docs`: pictures and Markdown documentation of the schema."""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from convex_schema.cli.context import Context
from convex_schema.cli.output import print_diagnostics, stderr
from convex_schema.diagram.docs import index_uses, render_docs
from convex_schema.diagram.dot import render_dot
from convex_schema.diagram.graph import build_diagram
from convex_schema.diagram.mermaid import render_mermaid
from convex_schema.diagram.render import render_image
from convex_schema.errors import UsageError
from convex_schema.fsutil import write_atomic
from convex_schema.model import Schema

if TYPE_CHECKING:
    from convex_schema.analyze import Analysis

SchemaOption = Annotated[
    Path | None,
    typer.Option("--schema", help="The schema file (default: the project's)."),
]


class DiagramFormat(enum.StrEnum):
    mermaid = "mermaid"
    dot = "dot"
    svg = "svg"
    png = "png"
    html = "html"


def diagram(
    ctx: typer.Context,
    schema: SchemaOption = None,
    output_format: Annotated[
        DiagramFormat,
        typer.Option(
            "--format",
            help="mermaid, dot, svg/png (needs Graphviz), or html (the explorer).",
        ),
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
    data: Annotated[
        Path | None,
        typer.Option("--data", help="A snapshot: data statistics in the explorer."),
    ] = None,
) -> None:
    """Draw the schema's tables and references: Mermaid erDiagram, DOT, SVG, PNG,
    or the interactive HTML explorer."""
    context: Context = ctx.obj
    path, result = context.read(schema)
    if result.diagnostics:
        print_diagnostics(result.diagnostics, Path.cwd(), console=stderr)
    if output_format is DiagramFormat.html:
        page = _explorer(context, result.schema, path, data)
        _emit(page, out)
        return
    if data is not None:
        raise UsageError("--data is for --format html (the explorer)")
    names = _table_list(tables)
    picture = build_diagram(result.schema, names, around, depth)

    if output_format is DiagramFormat.mermaid:
        _emit(render_mermaid(picture), out)
    elif output_format is DiagramFormat.dot:
        _emit(render_dot(picture), out)
    else:
        _emit_image(render_image(render_dot(picture), output_format.value), out)


def _explorer(context: Context, schema: Schema, path: Path, data: Path | None) -> str:
    """The explorer page, with the analyzer's view of the project's functions
    and, given a snapshot, its data statistics."""
    from convex_schema.diagram.explorer import explorer_data, render_explorer

    analysis = _analysis(context.project, path)
    profile = _profile(data) if data is not None else None
    title = f"{_label(path, context.project)} — schema explorer"
    return render_explorer(explorer_data(schema, analysis, profile), title)


def _analysis(project: Path, schema_path: Path) -> Analysis | None:
    """The analyzer's findings and query chains, when the project has function
    files beside its schema."""
    from convex_schema.analyze import analyze_project
    from convex_schema.reader.project import functions_dir

    folder = functions_dir(project)
    sources = folder.rglob("*.[tj]s") if folder.is_dir() else iter(())
    schema_file = schema_path.resolve()
    if not any(p.resolve() != schema_file for p in sources):
        return None
    return analyze_project(project, schema_path)


def _profile(data: Path) -> dict[str, Any]:
    from convex_schema.snapshot.profile import profile_snapshot
    from convex_schema.snapshot.reader import Snapshot

    stderr.print(f"measuring {data} ...")
    with Snapshot(data) as snapshot:
        return profile_snapshot(snapshot, [])


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
    data: Annotated[
        Path | None,
        typer.Option("--data", help="A snapshot, for per-table data statistics."),
    ] = None,
) -> None:
    """Write Markdown documentation of the schema: diagram, tables, references."""
    context: Context = ctx.obj
    path, result = context.read(schema)
    if result.diagnostics:
        print_diagnostics(result.diagnostics, Path.cwd(), console=stderr)
    folder = out if out is not None else context.project / "docs" / "schema"
    stats = None
    if data is not None:
        from convex_schema.snapshot.profile import profile_snapshot
        from convex_schema.snapshot.reader import Snapshot

        with Snapshot(data) as snapshot:
            profile = profile_snapshot(snapshot, [])
        stats = {t["table"]: t for t in profile["tables"]}
    text = render_docs(
        result.schema,
        Path.cwd(),
        _label(path, context.project),
        uses=index_uses(context.project),
        stats=stats,
    )

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
