"""`design` and `edit`: plain English in, schema operations out, with reasons.

Both use the built-in engine (offline, deterministic) unless a language
model is configured (`--provider`, `--model`, `[assistant]` in
convex-schema.toml, CONVEX_SCHEMA_PROVIDER); its proposals are checked and
the built-in engine answers when they fail. `--format json`
prints `{"schema", "operations", "explanation", "questions"}`; `--format ts`
prints the resulting schema.ts. Writing goes through one path: show first,
then write atomically with a backup (`--out` for design, `--apply` for edit).
"""

from __future__ import annotations

import difflib
import enum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from convex_schema.assistant.engine import Design
from convex_schema.assistant.present import design_text, edit_text
from convex_schema.assistant.providers import answer, load_config
from convex_schema.cli.context import Context
from convex_schema.cli.output import print_json, stderr, stdout
from convex_schema.errors import ConvexSchemaError
from convex_schema.fsutil import write_atomic
from convex_schema.writer.edit import edit_schema_file
from convex_schema.writer.render import render_schema


class AssistantFormat(enum.StrEnum):
    text = "text"
    json = "json"
    ts = "ts"


FormatOption = Annotated[
    AssistantFormat,
    typer.Option("--format", help="text, json ({schema, operations, ...}) or ts."),
]
ExplainOption = Annotated[
    bool,
    typer.Option("--explain", help="Say why for every table, field and index."),
]
ProviderOption = Annotated[
    str | None,
    typer.Option(
        "--provider", help="builtin (default), openai or anthropic: who proposes."
    ),
]
ModelOption = Annotated[
    str | None,
    typer.Option("--model", help="The language model's name, with --provider."),
]


def design(
    ctx: typer.Context,
    prompt: Annotated[
        str, typer.Argument(help="What the app stores, in plain English.")
    ],
    output_format: FormatOption = AssistantFormat.text,
    explain: ExplainOption = False,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Also write the schema.ts here (with a backup)."),
    ] = None,
    provider: ProviderOption = None,
    model: ModelOption = None,
) -> None:
    """Design a new schema from a plain-English description."""
    context: Context = ctx.obj
    config = load_config(context.project, provider=provider, model=model)
    result = answer(prompt, None, config)
    if not result.schema.tables:
        raise ConvexSchemaError(
            "found no tables in the description; name what the app stores, "
            'e.g. "a blog with posts, authors and comments"'
        )
    source = render_schema(result.schema)
    _show(result, output_format, explain, source, edit=False)
    if out is not None:
        backups = context.project / ".convex-schema" / "backups"
        backup = write_atomic(out, source, backups)
        kept = f" (previous version kept at {backup})" if backup else ""
        stderr.print(f"wrote {out}{kept}")


def edit(
    ctx: typer.Context,
    prompt: Annotated[str, typer.Argument(help="The change, in plain English.")],
    schema: Annotated[
        Path | None,
        typer.Option("--schema", help="The schema file (default: the project's)."),
    ] = None,
    output_format: FormatOption = AssistantFormat.text,
    explain: ExplainOption = False,
    apply: Annotated[
        bool, typer.Option("--apply", help="Write the change to schema.ts.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="With --apply: show the diff only.")
    ] = False,
    provider: ProviderOption = None,
    model: ModelOption = None,
) -> None:
    """Change the schema as a plain-English request asks, with reasons."""
    context: Context = ctx.obj
    config = load_config(context.project, provider=provider, model=model)
    path, read = context.read(schema)
    result = answer(prompt, read.schema, config)
    operations = [step.operation for step in result.steps]
    new_text = edit_schema_file(path, operations) if operations else None
    _show(result, output_format, explain, new_text or render_schema(read.schema), True)
    if not apply or new_text is None:
        return
    old_text = path.read_text(encoding="utf-8")
    diff = difflib.unified_diff(
        old_text.splitlines(keepends=True),
        new_text.splitlines(keepends=True),
        f"a/{path.name}",
        f"b/{path.name}",
    )
    stderr.print(escape("".join(diff).rstrip("\n")), highlight=False)
    if dry_run:
        stderr.print(f"--dry-run: {path} not written")
        return
    backup = write_atomic(
        path, new_text, context.project / ".convex-schema" / "backups"
    )
    kept = f" (previous version kept at {backup})" if backup else ""
    stderr.print(f"wrote {path}{kept}; run `convex-schema migrate` to plan the data")


def _show(
    result: Design,
    output_format: AssistantFormat,
    explain: bool,
    source: str,
    edit: bool,
) -> None:
    if output_format is AssistantFormat.json:
        print_json(result.to_json())
    elif output_format is AssistantFormat.ts:
        stdout.out(source, end="", highlight=False)
    else:
        lines = edit_text(result, explain) if edit else design_text(result, explain)
        for line in lines:
            stdout.print(escape(line), highlight=False)


def register(app: typer.Typer) -> None:
    app.command()(design)
    app.command()(edit)
