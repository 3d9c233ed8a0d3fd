"""The `convex-schema` entry point: global options and the one place that maps
errors to exit codes (0 fine, 1 findings, 2 unusable input or usage)."""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

# Typer carries its own copy of click; its exceptions are the ones raised here.
from typer._click.exceptions import ClickException

from convex_schema import __version__, runtime
from convex_schema.cli.context import Context, configure_logging
from convex_schema.cli.output import print_diagnostics, stderr
from convex_schema.errors import ConvexSchemaError

# Each command's module, imported only when that command runs (or for help):
# the assistant's engine and the migration planner are not loaded to analyze.
COMMANDS = {
    "show": "schema_commands",
    "check": "schema_commands",
    "validate": "data_commands",
    "infer": "data_commands",
    "profile": "data_commands",
    "diff": "diff_commands",
    "migrate": "diff_commands",
    "analyze": "analyze_commands",
    "design": "assistant_commands",
    "edit": "assistant_commands",
    "chat": "chat_commands",
    "diagram": "diagram_commands",
    "docs": "diagram_commands",
}
# Global options that take a value, to find the command word after them.
VALUED_OPTIONS = {"--project"}


def _version(value: bool) -> None:
    if value:
        print(f"convex-schema {__version__}")  # noqa: T201
        raise typer.Exit()


def main(
    ctx: typer.Context,
    project: Annotated[
        Path, typer.Option("--project", help="The Convex project folder.")
    ] = Path("."),
    show_traceback: Annotated[
        bool, typer.Option("--traceback", help="Show Python tracebacks on errors.")
    ] = False,
    verbose: Annotated[
        int,
        typer.Option(
            "--verbose", "-v", count=True, help="Log decisions (-vv: detail)."
        ),
    ] = 0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only errors.")] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version."
        ),
    ] = False,
) -> None:
    """Read, check and change Convex schemas, offline."""
    verbosity = -1 if quiet else verbose
    configure_logging(verbosity)
    ctx.obj = Context(project=project, traceback=show_traceback, verbosity=verbosity)


def application(args: list[str] | None = None) -> typer.Typer:
    """The command-line application, with the commands `args` can run: the
    one it names, or all of them when it names none that exists (help, a
    typo, which click then answers with the list)."""
    app = typer.Typer(
        name="convex-schema",
        help="Read, check and change Convex schemas (convex/schema.ts), offline.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )
    app.callback()(main)
    word = _command_word(args) if args is not None else None
    modules = (
        [COMMANDS[word]] if word in COMMANDS else list(dict.fromkeys(COMMANDS.values()))
    )
    for module in modules:
        importlib.import_module(f"convex_schema.cli.{module}").register(app)
    return app


def _command_word(args: list[str]) -> str | None:
    """The first word of `args` that is not a global option or its value."""
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg in VALUED_OPTIONS:
            skip = True
        elif not arg.startswith("-"):
            return arg
        if arg in ("--help", "--version"):
            return None
    return None


def entry() -> None:
    """The console script: run one command, then end the process. After a
    command that asked for it (`runtime.fast_exit`), it leaves without
    tearing down the heap, which for a large analysis takes a tenth of a
    second of freeing objects one by one."""
    runtime.one_shot = True
    code = run()
    if runtime.fast_exit:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


def run(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code (the console script calls this)."""
    args = sys.argv[1:] if argv is None else argv
    command = typer.main.get_command(application(args))
    try:
        # Without standalone mode, an Exit raised in a command comes back as
        # the return value.
        code = command.main(args=args, prog_name="convex-schema", standalone_mode=False)
    except typer.Exit as done:
        return int(done.exit_code)
    except typer.Abort:
        stderr.print("aborted")
        return 1
    except ClickException as error:
        error.show(file=sys.stderr)
        return 2
    except ConvexSchemaError as error:
        if "--traceback" in args:
            import traceback

            traceback.print_exc()
        if error.diagnostics:
            print_diagnostics(error.diagnostics, Path.cwd(), console=stderr)
        else:
            stderr.print(f"[bold red]error:[/bold red] {error.message}", markup=True)
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # a bug of ours: say so, briefly, unless asked
        if "--traceback" in args:
            raise
        stderr.print(
            f"internal error: {type(error).__name__}: {error} "
            "(run again with --traceback and report it)",
            markup=False,
        )
        return 3
    return code if isinstance(code, int) else 0


if __name__ == "__main__":
    sys.exit(run())
