"""Every fixture schema, read statically, equals what the real package exports."""

from __future__ import annotations

from pathlib import Path

import pytest

from convex_schema.reader import read_schema

from support import fixture_schemas

SCHEMAS = fixture_schemas()


def test_the_corpus_is_large_enough() -> None:
    assert len(SCHEMAS) >= 40
    large = [p for p in SCHEMAS if read_schema(p).schema.tables.__len__() >= 30]
    assert len(large) >= 3


@pytest.mark.parametrize(
    "path", SCHEMAS, ids=lambda p: p.parts[-3 if p.parent.name == "convex" else -4]
)
def test_reader_matches_the_convex_package(
    path: Path, oracle: dict[Path, dict[str, object]]
) -> None:
    record = oracle[path]
    assert "export" in record, record.get("error")
    result = read_schema(path)
    assert result.schema.to_json() == record["export"]
    assert not [d for d in result.diagnostics if d.code != "R002"], result.diagnostics


def test_split_projects_read_every_imported_file() -> None:
    split = [p for p in SCHEMAS if len(read_schema(p).files) > 1]
    assert len(split) >= 6
