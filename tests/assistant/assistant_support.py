"""The evaluation prompts, read for the assistant's tests."""

from __future__ import annotations

import tomllib
from typing import Any

from support import ROOT

PROMPTS = ROOT / "tests" / "eval" / "prompts.toml"


def prompt_file() -> dict[str, Any]:
    with PROMPTS.open("rb") as handle:
        return tomllib.load(handle)
