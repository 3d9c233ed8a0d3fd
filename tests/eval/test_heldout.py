"""The engine on held-out design prompts (heldout.toml), written without
looking at the rules: new apps, new wording, many outside the pattern library.
The mean score must stay at or above 0.8. On failure, every prompt's score and
the checks it missed are printed."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from scorer import check, count, score, validate

from convex_schema.assistant.engine import design

PROMPTS = Path(__file__).with_name("heldout.toml")
DOMAINS = Path(__file__).parents[2] / "src" / "convex_schema" / "assistant" / "domains"
BAR = 0.8


@pytest.fixture(scope="module")
def prompts() -> list[dict[str, Any]]:
    with PROMPTS.open("rb") as handle:
        return list(tomllib.load(handle)["prompt"])


def report(results: list[tuple[dict[str, Any], float, dict[str, Any]]]) -> str:
    lines = []
    for prompt, value, data in sorted(results, key=lambda r: r[1]):
        lines.append(f"{value:.2f}  {prompt['id']}: {prompt['text']}")
        for key, item, met in check(prompt["expect"], data):
            if not met:
                lines.append(f"        missed {key} {item}")
    return "\n".join(lines)


def test_the_set_is_well_formed(prompts: list[dict[str, Any]]) -> None:
    library = {path.stem for path in DOMAINS.glob("*.toml")}
    assert len(prompts) >= 40
    assert len({p["id"] for p in prompts}) == len(prompts)
    for prompt in prompts:
        assert prompt["kind"] == "design"
        assert set(prompt) <= {"id", "kind", "text", "expect", "domain"}
        assert prompt.get("domain", next(iter(library))) in library
        assert not validate(prompt["expect"]), prompt["id"]
        assert 3 <= count(prompt["expect"]) <= 6, prompt["id"]
    assert sum("domain" not in p for p in prompts) >= len(prompts) // 2


def test_mean_score(prompts: list[dict[str, Any]]) -> None:
    results = []
    for prompt in prompts:
        data = design(prompt["text"]).to_json()
        results.append((prompt, score(prompt["expect"], data), data))
    mean = sum(value for _, value, _ in results) / len(results)

    assert mean >= BAR, f"mean {mean:.3f} < {BAR}\n{report(results)}"
