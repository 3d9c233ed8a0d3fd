"""profile: counts, types, distinct values, lengths and duplicate groups."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from convex_schema.cli.main import run
from convex_schema.snapshot.profile import HyperLogLog, profile_snapshot
from convex_schema.snapshot.reader import Snapshot

from builders import SnapshotBuilder


def _snapshot(tmp_path: Path) -> Path:
    builder = SnapshotBuilder()
    builder.table("users")
    for i in range(50):
        email = f"user{i % 47}@example.com"  # three emails appear twice
        doc = {"email": email, "age": float(i % 10), "tags": ["a"] * (i % 4)}
        if i % 5 == 0:
            doc["nickname"] = None
        builder.add("users", doc)
    return builder.write_zip(tmp_path / "s.zip")


def test_field_statistics(tmp_path: Path) -> None:
    with Snapshot(_snapshot(tmp_path)) as snapshot:
        result = profile_snapshot(snapshot, [])
    (users,) = result["tables"]
    assert users["documents"] == 50
    fields = {f["path"]: f for f in users["fields"]}
    assert fields["email"]["distinct"] == 47
    assert fields["email"]["distinctExact"] is True
    assert fields["nickname"]["presentPct"] == 20.0
    assert fields["nickname"]["nullPct"] == 100.0
    assert fields["age"]["types"] == {"float64": 50}
    assert fields["tags"]["arrayLength"] == {"min": 0, "max": 3, "p95": 3}
    assert users["documentSize"]["max"] < 1 << 20


def test_duplicate_groups_are_exact(tmp_path: Path) -> None:
    with Snapshot(_snapshot(tmp_path)) as snapshot:
        result = profile_snapshot(snapshot, [("users", "email")])
    (emails,) = result["duplicates"]
    assert emails["duplicateGroups"] == 3
    assert emails["duplicateDocuments"] == 6
    assert {g["value"] for g in emails["groups"]} == {
        "user0@example.com",
        "user1@example.com",
        "user2@example.com",
    }
    assert all(len(g["ids"]) == 2 for g in emails["groups"])


def test_distinct_past_the_exact_bound_is_estimated() -> None:
    sketch = HyperLogLog()
    for i in range(50_000):
        sketch.add(str(i).encode())
    assert abs(sketch.estimate() - 50_000) / 50_000 < 0.05


def test_cli_json_and_bad_unique(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _snapshot(tmp_path)
    argv = [
        "profile",
        "--data",
        str(path),
        "--unique",
        "users.email",
        "--format",
        "json",
    ]
    assert run(argv) == 0
    output = json.loads(capsys.readouterr().out)
    assert output["duplicates"][0]["duplicateGroups"] == 3
    assert run(["profile", "--data", str(path), "--unique", "email"]) == 2
    assert "TABLE.FIELD" in capsys.readouterr().err
