"""The built-in engine against the evaluation set: the mean score of its
`design` and `edit` answers must stay at or above 0.9 (the issue's bar),
for each kind and for the whole set. On failure, every prompt's score and
the checks it missed are printed."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from scorer import check, score

from convex_schema.assistant.editing import edit
from convex_schema.assistant.engine import design
from convex_schema.model import Schema
from convex_schema.reader import read_schema

PROMPTS = Path(__file__).with_name("prompts.toml")
BAR = 0.9


@pytest.fixture(scope="module")
def prompt_file() -> dict[str, Any]:
    with PROMPTS.open("rb") as handle:
        return tomllib.load(handle)


@pytest.fixture(scope="module")
def bases(
    prompt_file: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Schema]:
    folder = tmp_path_factory.mktemp("bases")
    out = {}
    for name, base in prompt_file["bases"].items():
        path = folder / f"{name}.ts"
        path.write_text(base["ts"])
        out[name] = read_schema(path, root=folder).schema
    return out


def answer(prompt: dict[str, Any], bases: dict[str, Schema]) -> dict[str, Any]:
    if prompt["kind"] == "design":
        return design(prompt["text"]).to_json()
    return edit(prompt["text"], bases[prompt["base"]]).to_json()


def report(results: list[tuple[dict[str, Any], float, dict[str, Any]]]) -> str:
    lines = []
    for prompt, value, data in sorted(results, key=lambda r: r[1]):
        lines.append(f"{value:.2f}  {prompt['id']}: {prompt['text']}")
        for key, item, met in check(prompt["expect"], data):
            if not met:
                lines.append(f"        missed {key} {item}")
    return "\n".join(lines)


@pytest.mark.parametrize("kind", ["design", "edit", "all"])
def test_mean_score(
    kind: str, prompt_file: dict[str, Any], bases: dict[str, Schema]
) -> None:
    prompts = [p for p in prompt_file["prompt"] if kind in (p["kind"], "all")]
    results = []
    for prompt in prompts:
        data = answer(prompt, bases)
        results.append((prompt, score(prompt["expect"], data), data))
    mean = sum(value for _, value, _ in results) / len(results)

    assert mean >= BAR, f"{kind}: mean {mean:.3f} < {BAR}\n{report(results)}"
