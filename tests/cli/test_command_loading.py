"""The CLI imports only the module of the command it runs; the map from
command words to modules must name every command each module registers."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest
import typer

from convex_schema.cli.main import COMMANDS, _command_word, run

from support import ROOT


def _registered(module: str) -> set[str]:
    app = typer.Typer()
    app.callback()(lambda: None)
    importlib.import_module(f"convex_schema.cli.{module}").register(app)
    return set(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


@pytest.mark.parametrize("module", sorted(set(COMMANDS.values())))
def test_each_module_registers_exactly_its_commands(module: str) -> None:
    assert _registered(module) == {w for w, m in COMMANDS.items() if m == module}


@pytest.mark.parametrize(
    ("args", "word"),
    [
        (["analyze"], "analyze"),
        (["--project", "analyze", "check"], "check"),
        (["--project=x", "-v", "--quiet", "migrate", "status"], "migrate"),
        (["--help", "analyze"], None),
        (["--version"], None),
        ([], None),
    ],
)
def test_the_command_word_is_found_after_global_options(
    args: list[str], word: str | None
) -> None:
    assert _command_word(args) == word


def test_analyze_does_not_load_the_assistant_or_the_planner() -> None:
    code = (
        "import sys\n"
        "from convex_schema.cli.main import run\n"
        "run(['--project', 'examples/blog', 'analyze', '--format', 'json'])\n"
        "loaded = [m for m in ('convex_schema.assistant.engine',"
        " 'convex_schema.migrate.plan') if m in sys.modules]\n"
        "print(loaded, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert done.stderr.strip().splitlines()[-1] == "[]", done.stderr


def test_an_unknown_command_still_lists_the_real_ones(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(["chekc"]) == 2
    assert "Did you mean 'check'?" in capsys.readouterr().err
