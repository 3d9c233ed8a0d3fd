"""Schemas for the diagram tests, read from small TypeScript sources."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from convex_schema.model import Schema
from convex_schema.reader import read_schema

HEADER = (
    'import { defineSchema, defineTable } from "convex/server";\n'
    'import { v } from "convex/values";\n'
)


@pytest.fixture
def schema_from(tmp_path: Path) -> Callable[[str], Schema]:
    """Read `export default defineSchema({...})` with the given tables."""

    def read(tables: str) -> Schema:
        path = tmp_path / "convex" / "schema.ts"
        path.parent.mkdir(exist_ok=True)
        path.write_text(f"{HEADER}export default defineSchema({{\n{tables}\n}});\n")
        return read_schema(path, root=tmp_path).schema

    return read
