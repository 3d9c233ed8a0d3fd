"""Golden scenarios for the migration planner: diff → risks → plan.

Each folder under `tests/diff/scenarios/NN_name/` holds:

- `old.ts`, `new.ts`: the deployed schema and the target schema (full files);
- `data.json` (optional): the documents of the deployed data, per table:
  `{"users": [{"email": "a@x.io"}, ...]}`. It becomes a snapshot ZIP built with
  `SnapshotBuilder(seed=1)`, so `_id`s and samples are deterministic. Numbers are
  written as `npx convex import` types them: every JSON number is a float64
  (`5` is written `5.0`); `{"$int": 5}` is an int64 (written `5`). A list item
  `{"$repeat": N, "doc": {...}}` adds N copies of `doc` (for large tables);
  without `data.json` the risks are not sized (`documents: null`);
  `{"$chars": N}` is a string of N characters (for documents near 1 MiB), and a
  top-level `"$components": {"name": {table: [...]}}` adds component data, and
  `{"$id": ["teams", 0]}` is the `_id` of the first document of `teams`;
- `unique.txt` (optional): `table.field` lines, as `--unique` takes them;
- `expected.json`: `{"operations": [...], "risks": [...], "plan": {...}}`;
- `xfail.txt` (optional): the reason the planner's output is believed wrong.
  Then `expected.json` holds the output the planner *should* produce, written by
  hand, and the scenario is a strict xfail: it fails loudly once fixed.

Regenerate the goldens with `UPDATE_GOLDEN=1 .venv/bin/pytest tests/diff/
test_scenarios.py`; scenarios with an `xfail.txt` are never rewritten. Read every
changed `expected.json` before keeping it.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from convex_schema.diff import diff_schemas
from convex_schema.migrate.plan import make_plan
from convex_schema.migrate.risks import assess
from convex_schema.reader import read_schema
from convex_schema.snapshot.profile import parse_unique
from convex_schema.snapshot.reader import Snapshot

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "snapshot"))
from builders import SnapshotBuilder  # noqa: E402

SCENARIOS = Path(__file__).resolve().parent / "scenarios"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def _value_text(value: Any) -> str:
    """JSON text for a document value, numbers typed as Convex imports them."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, int | float):
        return repr(float(value))
    if isinstance(value, list):
        return "[" + ", ".join(_value_text(v) for v in value) + "]"
    if isinstance(value, dict):
        if set(value) == {"$int"}:
            return str(int(value["$int"]))
        if set(value) == {"$chars"}:
            return json.dumps("x" * int(value["$chars"]))
        items = (f"{json.dumps(k)}: {_value_text(v)}" for k, v in value.items())
        return "{" + ", ".join(items) + "}"
    raise TypeError(f"not a document value: {value!r}")


def _snapshot(data: dict[str, Any], path: Path) -> Path:
    builder = _builder({k: v for k, v in data.items() if k != "$components"}, seed=1)
    components = {
        name: _builder(tables, seed=2 + index)
        for index, (name, tables) in enumerate(data.get("$components", {}).items())
    }
    builder.write_zip(path, components=components)
    return path


def _builder(data: dict[str, list[Any]], seed: int) -> SnapshotBuilder:
    builder = SnapshotBuilder(seed=seed)
    ids: dict[str, list[str]] = {}
    for table in data:
        builder.table(table)
    for table, documents in data.items():
        for document in documents:
            if "$repeat" in document:
                text = _value_text(_resolve_ids(document["doc"], ids))
                for _ in range(document["$repeat"]):
                    ids.setdefault(table, []).append(builder.add(table, text))
            else:
                text = _value_text(_resolve_ids(document, ids))
                ids.setdefault(table, []).append(builder.add(table, text))
    return builder


def _resolve_ids(value: Any, ids: dict[str, list[str]]) -> Any:
    """`{"$id": ["teams", 0]}` is the `_id` of the first document of teams."""
    if isinstance(value, dict):
        if set(value) == {"$id"}:
            table, position = value["$id"]
            return ids[table][position]
        return {k: _resolve_ids(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve_ids(v, ids) for v in value]
    return value


def _run(folder: Path, tmp_path: Path) -> dict[str, Any]:
    old = read_schema(folder / "old.ts").schema
    new = read_schema(folder / "new.ts").schema
    unique_file = folder / "unique.txt"
    unique = parse_unique(
        unique_file.read_text().split() if unique_file.exists() else []
    )
    changes = diff_schemas(old, new)
    data_file = folder / "data.json"
    if data_file.exists():
        data = json.loads(data_file.read_text())
        with Snapshot(_snapshot(data, tmp_path / "snapshot.zip")) as snapshot:
            findings = assess(changes, old, snapshot, unique)
    else:
        findings = assess(changes, old, None, unique)
    plan = make_plan(changes, findings, old, data_checked=data_file.exists())
    return {
        "operations": [c.to_json() for c in changes],
        "risks": [f.to_json() for f in findings],
        "plan": plan.to_json(),
    }


def _params() -> list[Any]:
    params = []
    for folder in sorted(p for p in SCENARIOS.iterdir() if p.is_dir()):
        reason = folder / "xfail.txt"
        marks = []
        if reason.exists():
            why = " ".join(reason.read_text().split())
            marks.append(pytest.mark.xfail(strict=True, reason=why))
        params.append(pytest.param(folder, id=folder.name, marks=marks))
    return params


def test_there_are_enough_scenarios() -> None:
    assert len(_params()) >= 25


@pytest.mark.parametrize("folder", _params())
def test_scenario(folder: Path, tmp_path: Path) -> None:
    got = _run(folder, tmp_path)
    golden = folder / "expected.json"
    if UPDATE and not (folder / "xfail.txt").exists():
        golden.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n")
    expected = json.loads(golden.read_text())
    assert got["operations"] == expected["operations"]
    assert got["risks"] == expected["risks"]
    assert got["plan"] == expected["plan"]


@pytest.mark.parametrize(
    "folder",
    [
        pytest.param(p, id=p.name)
        for p in sorted(SCENARIOS.iterdir())
        if p.is_dir() and (p / "data.json").exists()
    ],
)
def test_every_deploy_of_the_plan_is_accepted(folder: Path, tmp_path: Path) -> None:
    """Each intermediate schema passes check, and the first deploy (the widened
    schema) accepts every document the deployed schema accepts, so the push
    cannot fail on stored documents."""
    from convex_schema import operations as ops
    from convex_schema.check import check_schema
    from convex_schema.diagnostics import Severity
    from convex_schema.snapshot.validate import validate_snapshot

    old = read_schema(folder / "old.ts").schema
    new = read_schema(folder / "new.ts").schema
    changes = diff_schemas(old, new)
    data = json.loads((folder / "data.json").read_text())
    snapshot_path = _snapshot(data, tmp_path / "s.zip")
    with Snapshot(snapshot_path) as snapshot:
        findings = assess(changes, old, snapshot, [])
    plan = make_plan(changes, findings, old, data_checked=True)

    def failing(schema: Any) -> set[str]:
        with Snapshot(snapshot_path) as snapshot:
            report = validate_snapshot(schema, snapshot, limit=100_000)
        return {
            str(d.data["_id"])
            for d in report.diagnostics
            if d.code == "D101" and d.data
        }

    before = failing(old)
    schema = old
    for step in plan.steps:
        for op in step.operations:
            schema = ops.apply_to_schema(schema, op)
        errors = [d for d in check_schema(schema) if d.severity is Severity.ERROR]
        assert errors == [], (step.title, errors)
        if step.phase == "widen":
            assert failing(schema) <= before
