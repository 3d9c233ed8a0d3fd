"""`convex-schema diagram`: formats, narrowing, files, exit codes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from convex_schema.cli.main import run
from convex_schema.diagram import render

from support import ROOT

BLOG = ROOT / "examples" / "blog"


def test_mermaid_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    code = run(["--project", str(BLOG), "diagram"])

    out = capsys.readouterr().out
    assert code == 0
    assert out == (Path(__file__).parent / "golden" / "blog.mmd").read_text()


def test_dot_around_a_table_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "docs" / "comments.dot"

    code = run(
        ["--project", str(BLOG), "diagram", "--format", "dot", "--out", str(out)]
        + ["--around", "comments", "--depth", "0"]
    )

    text = out.read_text()
    assert code == 0
    assert '"comments" [label=' in text
    assert '"posts" [' not in text
    assert '"comments":f_parentId -> "comments":id' in text


def test_svg_through_graphviz(tmp_path: Path) -> None:
    if shutil.which("dot") is None:
        pytest.skip("Graphviz is not installed (.ci/run installs it)")
    out = tmp_path / "blog.svg"

    code = run(
        ["--project", str(BLOG), "diagram", "--format", "svg", "--out", str(out)]
    )

    assert code == 0
    assert "<svg" in out.read_text()


def test_png_without_graphviz_says_how_to_install_it(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(render.shutil, "which", lambda name: None)
    out = tmp_path / "blog.png"

    code = run(
        ["--project", str(BLOG), "diagram", "--format", "png", "--out", str(out)]
    )

    assert code == 2
    assert "apt-get install graphviz" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize(
    "args",
    [
        ["--tables", "posts,user"],
        ["--around", "nope"],
        ["--tables", ","],
        ["--depth", "-1"],
        ["--format", "jpeg"],
    ],
)
def test_bad_arguments_exit_2(args: list[str]) -> None:
    assert run(["--project", str(BLOG), "diagram", *args]) == 2
