"""`profile`: statistics per table and field of a snapshot.

One streaming pass per table. Counts are exact; distinct values are exact up
to a bound and estimated past it (HyperLogLog); lengths are summarised from a
fixed-size reservoir, so memory does not grow with the table. Duplicate
groups for the fields asked with `--unique` go through DuckDB, which groups
any number of values in bounded memory.
"""

from __future__ import annotations

import csv
import hashlib
import logging
import random
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from convex_schema.model import limits
from convex_schema.snapshot.limits import convex_size
from convex_schema.snapshot.reader import Snapshot

logger = logging.getLogger(__name__)

EXACT_DISTINCT = 10_000
TOP_TRACKED = 1_000
RESERVOIR = 4_096
HLL_BITS = 12


class HyperLogLog:
    """A distinct-count estimate in 4 KiB, about 1.6% standard error."""

    def __init__(self) -> None:
        self.registers = bytearray(1 << HLL_BITS)

    def add(self, key: bytes) -> None:
        value = int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big")
        index = value >> (64 - HLL_BITS)
        rest = value & ((1 << (64 - HLL_BITS)) - 1)
        rank = (64 - HLL_BITS) - rest.bit_length() + 1
        if rank > self.registers[index]:
            self.registers[index] = rank

    def estimate(self) -> int:
        m = len(self.registers)
        alpha = 0.7213 / (1 + 1.079 / m)
        raw = alpha * m * m / sum(2.0**-r for r in self.registers)
        zeros = self.registers.count(0)
        if raw <= 2.5 * m and zeros:
            import math

            return round(m * math.log(m / zeros))
        return round(raw)


class Reservoir:
    """A uniform sample of numbers, for percentiles in bounded memory."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        self.items: list[int] = []
        self.seen = 0
        self.low: int | None = None
        self.high: int | None = None

    def add(self, value: int) -> None:
        self.seen += 1
        self.low = value if self.low is None else min(self.low, value)
        self.high = value if self.high is None else max(self.high, value)
        if len(self.items) < RESERVOIR:
            self.items.append(value)
        else:
            slot = self.random.randrange(self.seen)
            if slot < RESERVOIR:
                self.items[slot] = value

    def summary(self) -> dict[str, int] | None:
        if not self.seen:
            return None
        ordered = sorted(self.items)
        p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
        return {"min": self.low or 0, "max": self.high or 0, "p95": p95}


@dataclass
class FieldStats:
    path: str
    present: int = 0
    nulls: int = 0
    types: Counter[str] = field(default_factory=Counter)
    exact: set[bytes] | None = field(default_factory=set)
    sketch: HyperLogLog | None = None
    top: Counter[bytes] = field(default_factory=Counter)
    string_lengths: Reservoir = field(default_factory=lambda: Reservoir(1))
    array_lengths: Reservoir = field(default_factory=lambda: Reservoir(2))

    def add(self, value: Any) -> None:
        self.present += 1
        kind = _kind(value)
        self.types[kind] += 1
        if value is None:
            self.nulls += 1
        if kind == "string":
            self.string_lengths.add(len(value))
        elif kind == "array":
            self.array_lengths.add(len(value))
        if kind in ("object", "array"):
            return
        key = _key(value)
        self._count_distinct(key)
        if key in self.top or len(self.top) < TOP_TRACKED:
            self.top[key] += 1

    def _count_distinct(self, key: bytes) -> None:
        if self.exact is not None:
            self.exact.add(key)
            if len(self.exact) > EXACT_DISTINCT:
                self.sketch = HyperLogLog()
                for item in self.exact:
                    self.sketch.add(item)
                self.exact = None
        elif self.sketch is not None:
            self.sketch.add(key)

    def to_json(self, documents: int) -> dict[str, Any]:
        distinct = (
            len(self.exact)
            if self.exact is not None
            else (self.sketch.estimate() if self.sketch else 0)
        )
        return {
            "path": self.path,
            "present": self.present,
            "presentPct": _pct(self.present, documents),
            "nullPct": _pct(self.nulls, self.present),
            "types": dict(self.types.most_common()),
            "distinct": distinct,
            "distinctExact": self.exact is not None,
            "stringLength": self.string_lengths.summary(),
            "arrayLength": self.array_lengths.summary(),
            "top": [
                {"value": orjson.loads(key), "count": count}
                for key, count in self.top.most_common(5)
                if count > 1
            ],
        }


def _kind(value: Any) -> str:
    kind = type(value)
    if value is None:
        return "null"
    return {
        bool: "boolean",
        int: "int64",
        float: "float64",
        str: "string",
        bytes: "bytes",
        list: "array",
        dict: "object",
    }.get(kind, "unknown")


def _key(value: Any) -> bytes:
    if type(value) is bytes:
        return orjson.dumps({"$bytes": value.hex()})
    if type(value) is float:
        return orjson.dumps({"$float": repr(value)})
    return orjson.dumps(value)


def _pct(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 2) if whole else 0.0


@dataclass
class TableProfile:
    table: str
    documents: int = 0
    sizes: Reservoir = field(default_factory=lambda: Reservoir(3))
    fields: dict[str, FieldStats] = field(default_factory=dict)

    def add(self, document: dict[str, Any]) -> None:
        self.documents += 1
        self.sizes.add(convex_size(document))
        self._walk(document, "")

    def _walk(self, value: dict[str, Any], prefix: str) -> None:
        for key, item in value.items():
            path = f"{prefix}{key}"
            stats = self.fields.get(path)
            if stats is None:
                stats = self.fields[path] = FieldStats(path)
            stats.add(item)
            if type(item) is dict and len(item) <= 64:
                self._walk(item, path + ".")

    def to_json(self) -> dict[str, Any]:
        size = self.sizes.summary()
        return {
            "table": self.table,
            "documents": self.documents,
            "documentSize": size,
            "documentSizeLimit": limits.MAX_DOCUMENT_BYTES,
            "fields": [
                stats.to_json(self.documents)
                for path, stats in sorted(self.fields.items())
                if path not in ("_id", "_creationTime")
            ],
        }


@dataclass
class DuplicateGroup:
    value: Any
    count: int
    ids: list[str]


def profile_snapshot(
    snapshot: Snapshot,
    unique: list[tuple[str, str]],
    limit: int = 10,
    progress: Callable[[str, int], None] | None = None,
) -> dict[str, Any]:
    """Statistics for every app table, and duplicate groups for `unique`."""
    wanted = {table for table, _ in unique}
    tables: list[dict[str, Any]] = []
    duplicates: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="convex-schema-profile-") as folder:
        for data in [t for t in snapshot.tables if not t.component]:
            fields = [f for t, f in unique if t == data.name]
            writer = (
                DuplicateFinder(Path(folder), data.name, fields) if fields else None
            )
            profile = TableProfile(data.name)
            for _, _, document in snapshot.documents(data):
                profile.add(document)
                if writer is not None:
                    writer.add(document)
                if progress is not None and profile.documents % 10_000 == 0:
                    progress(data.name, profile.documents)
            tables.append(profile.to_json())
            if writer is not None:
                duplicates += writer.groups(limit)
        missing = wanted - {t.name for t in snapshot.tables}
        for table in sorted(missing):
            duplicates.append(
                {"table": table, "error": "no such table in the snapshot"}
            )
    return {"snapshot": snapshot.display, "tables": tables, "duplicates": duplicates}


class DuplicateFinder:
    """Values of the `--unique` fields, written for DuckDB to group."""

    def __init__(self, folder: Path, table: str, fields: list[str]) -> None:
        self.table = table
        self.fields = fields
        self.path = folder / f"{table}.csv"
        self.handle = self.path.open("w", newline="", encoding="utf-8")
        self.writer = csv.writer(self.handle)

    def add(self, document: dict[str, Any]) -> None:
        for name in self.fields:
            value = lookup(document, name)
            if value is not ABSENT:
                self.writer.writerow((name, _key(value).decode(), document.get("_id")))

    def groups(self, limit: int) -> list[dict[str, Any]]:
        import duckdb

        self.handle.close()
        connection = duckdb.connect()
        connection.execute("SET memory_limit = '256MB'")
        columns = "{'field': 'VARCHAR', 'value': 'VARCHAR', 'id': 'VARCHAR'}"
        rows = connection.execute(
            f"SELECT field, value, count(*) AS n, list(id ORDER BY id) AS ids "
            f"FROM read_csv('{self.path}', header=false, columns={columns}) "
            "GROUP BY field, value HAVING count(*) > 1 ORDER BY field, n DESC, value"
        ).fetchall()
        connection.close()
        out = []
        for name in self.fields:
            groups = [r for r in rows if r[0] == name]
            out.append(
                {
                    "table": self.table,
                    "field": name,
                    "duplicateGroups": len(groups),
                    "duplicateDocuments": sum(int(r[2]) for r in groups),
                    "groups": [
                        {
                            "value": orjson.loads(r[1]),
                            "count": int(r[2]),
                            "ids": list(r[3]),
                        }
                        for r in groups[:limit]
                    ],
                }
            )
        return out


ABSENT = object()


def lookup(document: dict[str, Any], path: str) -> Any:
    value: Any = document
    for part in path.split("."):
        if type(value) is not dict or part not in value:
            return ABSENT
        value = value[part]
    return value


def parse_unique(items: list[str]) -> list[tuple[str, str]]:
    """`TABLE.FIELD` options; a nested field is `TABLE.a.b`."""
    out = []
    for item in items:
        table, _, name = item.partition(".")
        if not table or not name:
            from convex_schema.errors import UsageError

            raise UsageError(f"--unique {item!r}: write TABLE.FIELD, e.g. users.email")
        out.append((table, name))
    return out
