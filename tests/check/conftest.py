"""Fixtures for the schema rule tests: write a schema.ts, read it, check it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from convex_schema.check import check_schema
from convex_schema.diagnostics import Diagnostic
from convex_schema.reader import read_schema


@pytest.fixture
def check_source(tmp_path: Path) -> Callable[[str], list[Diagnostic]]:
    """A function that writes TypeScript source to `tmp_path/schema.ts`, reads
    it with the static reader and returns what the schema rules find.

    The reader must read the source completely (no R-diagnostics): a case that
    fell back to a `v.any()` stand-in would test nothing.
    """

    def run(source: str) -> list[Diagnostic]:
        path = tmp_path / "schema.ts"
        path.write_text(source, encoding="utf-8")
        result = read_schema(path)
        assert result.diagnostics == (), [
            f"{d.code} {d.location()}: {d.message}" for d in result.diagnostics
        ]
        return check_schema(result.schema)

    return run
