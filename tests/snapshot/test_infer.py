"""infer: the schema of the data, which passes check and validates all of it."""

from __future__ import annotations

import string
import tempfile
from pathlib import Path
from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from convex_schema.check import check_schema
from convex_schema.diagnostics import Severity
from convex_schema.model import IdV, LiteralV, ObjectV, UnionV
from convex_schema.reader import read_schema
from convex_schema.snapshot.infer import infer_schema
from convex_schema.snapshot.reader import Snapshot
from convex_schema.snapshot.validate import validate_snapshot
from convex_schema.writer.render import render_schema

from builders import SnapshotBuilder

identifiers = st.text(string.ascii_letters, min_size=1, max_size=6)
keys = st.one_of(identifiers, st.text(string.printable.strip(), min_size=1, max_size=5))
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
    st.binary(max_size=4),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            keys.filter(lambda k: not k.startswith(("$", "_"))), inner, max_size=3
        ),
    ),
    max_leaves=8,
)
documents = st.dictionaries(identifiers, values, max_size=5)


def _encode(value: Any) -> Any:
    """A value in the uniform export encoding (floats always with a point)."""
    import base64
    import math
    import struct

    if isinstance(value, bool) or value is None or isinstance(value, str | int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value) or (value == 0 and math.copysign(1, value) < 0):
            return {"$float": base64.b64encode(struct.pack("<d", value)).decode()}
        return value
    if isinstance(value, bytes):
        return {"$bytes": base64.b64encode(value).decode()}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    return {k: _encode(v) for k, v in value.items()}


def _uniform_json(value: Any) -> str:
    # orjson writes 1.0 as 1.0, so floats keep their type through the export.
    return orjson.dumps(_encode(value)).decode()


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    tables=st.lists(
        st.lists(documents, min_size=1, max_size=25), min_size=1, max_size=3
    )
)
def test_inferred_schema_checks_and_validates_its_snapshot(
    tables: list[list[dict[str, Any]]],
) -> None:
    builder = SnapshotBuilder()
    names = [f"table{i}" for i in range(len(tables))]
    for name in names:
        builder.table(name)
    for name, docs in zip(names, tables, strict=True):
        for doc in docs:
            builder.add(name, _uniform_json(doc))
    with tempfile.TemporaryDirectory() as folder:
        path = builder.write_zip(Path(folder) / "s.zip")
        with Snapshot(path) as snapshot:
            schema = infer_schema(snapshot)
        assert not [d for d in check_schema(schema) if d.severity is Severity.ERROR]
        schema_file = Path(folder) / "schema.ts"
        schema_file.write_text(render_schema(schema))
        reread = read_schema(schema_file).schema
        assert reread.to_json() == schema.to_json()
        with Snapshot(path) as snapshot:
            report = validate_snapshot(reread, snapshot)
        assert report.failing_documents == 0, [d.message for d in report.diagnostics]


def test_ids_literals_and_optional_fields(tmp_path: Path) -> None:
    builder = SnapshotBuilder()
    builder.table("users")
    builder.table("tasks")
    users = [builder.add("users", {"name": f"user{i}"}) for i in range(3)]
    for i in range(30):
        doc: dict[str, Any] = {
            "owner": users[i % 3],
            "status": ["todo", "doing", "done"][i % 3],
        }
        if i % 2:
            doc["note"] = "x"
        builder.add("tasks", doc)
    with Snapshot(builder.write_zip(tmp_path / "s.zip")) as snapshot:
        schema = infer_schema(snapshot)
    tasks = schema.table("tasks")
    assert tasks is not None
    assert isinstance(tasks.document, ObjectV)
    owner, status, note = (tasks.document.field(n) for n in ("owner", "status", "note"))
    assert owner is not None
    assert owner.validator == IdV("users")
    assert status is not None
    assert isinstance(status.validator, UnionV)
    assert {m.value for m in status.validator.members if isinstance(m, LiteralV)} == {
        "todo",
        "doing",
        "done",
    }
    assert note is not None
    assert note.optional


def test_int64_and_float64_stay_apart(tmp_path: Path) -> None:
    builder = SnapshotBuilder()
    builder.table("metrics")
    builder.add("metrics", '{"value": 3}')
    builder.add("metrics", '{"value": 3.5}')
    with Snapshot(builder.write_zip(tmp_path / "s.zip")) as snapshot:
        schema = infer_schema(snapshot)
    assert "v.union(v.number(), v.int64())" in render_schema(schema)


def test_documents_that_differ_by_kind_become_a_union(tmp_path: Path) -> None:
    builder = SnapshotBuilder()
    builder.table("events")
    for i in range(10):
        builder.add("events", {"kind": "click", "x": 1.0 * i, "y": 2.0})
        builder.add("events", {"kind": "key", "key": "a"})
    with Snapshot(builder.write_zip(tmp_path / "s.zip")) as snapshot:
        schema = infer_schema(snapshot)
    events = schema.table("events")
    assert events is not None
    assert isinstance(events.document, UnionV)
    assert len(events.document.members) == 2
