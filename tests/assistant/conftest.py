"""Shared fixtures: the evaluation prompts and their base schemas, read once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from assistant_support import prompt_file

from convex_schema.model import Schema
from convex_schema.reader import read_schema


@pytest.fixture(scope="session")
def bases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Schema]:
    """Each evaluation base schema (TypeScript), read with the reader."""
    folder = tmp_path_factory.mktemp("bases")
    out = {}
    for name, base in prompt_file()["bases"].items():
        path = folder / f"{name}.ts"
        path.write_text(base["ts"])
        out[name] = read_schema(path, root=folder).schema
    return out


@pytest.fixture
def base_file(tmp_path: Path) -> Any:
    """Write a base schema as `convex/schema.ts` in a fresh project."""

    def write(name: str) -> Path:
        path = tmp_path / "convex" / "schema.ts"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(prompt_file()["bases"][name]["ts"])
        return path

    return write
