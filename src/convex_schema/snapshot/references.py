"""Dangling references: ids in documents whose document is not in the snapshot.

Every id a document holds in a `v.id(...)` field, and every `_id` of a table
that some field references, is written to a temporary file while validation
streams; DuckDB then anti-joins the two with a memory limit, so a snapshot of
any size is checked exactly in bounded memory.
"""

from __future__ import annotations

import csv
import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from convex_schema.model import (
    ArrayV,
    IdV,
    ObjectV,
    RecordV,
    UnionV,
    Validator,
    walk,
)

logger = logging.getLogger(__name__)

Extract = Callable[[Any, str, list[tuple[str, str, str]]], None]


def referenced_tables(document: Validator) -> set[str]:
    return {v.table for v in walk(document) if isinstance(v, IdV)}


def compile_extractor(validator: Validator) -> Extract | None:
    """A function that appends (table, id, path) for every id in a value, or
    None when the validator holds no `v.id`."""
    if not referenced_tables(validator):
        return None
    if isinstance(validator, IdV):
        table = validator.table

        def one(value: Any, path: str, out: list[tuple[str, str, str]]) -> None:
            if type(value) is str:
                out.append((table, value, path))

        return one
    if isinstance(validator, ArrayV):
        inner = compile_extractor(validator.element)
        assert inner is not None

        def many(value: Any, path: str, out: list[tuple[str, str, str]]) -> None:
            if type(value) is list:
                for index, item in enumerate(value):
                    inner(item, f"{path}[{index}]", out)

        return many
    if isinstance(validator, ObjectV):
        return _object_extractor(validator)
    if isinstance(validator, RecordV):
        keys, values = (
            compile_extractor(validator.keys),
            compile_extractor(validator.values),
        )

        def record(value: Any, path: str, out: list[tuple[str, str, str]]) -> None:
            if type(value) is dict:
                for key, item in value.items():
                    if keys is not None:
                        keys(key, f"{path}.{key}", out)
                    if values is not None:
                        values(item, f"{path}.{key}", out)

        return record
    if isinstance(validator, UnionV):
        members = [m for m in map(compile_extractor, validator.members) if m]

        # A union's ids are those of whichever member holds them; an id-shaped
        # string that matched another member is still checked by its table.
        def union(value: Any, path: str, out: list[tuple[str, str, str]]) -> None:
            seen = len(out)
            for member in members:
                member(value, path, out)
                if len(out) > seen:
                    return

        return union
    return None


def _object_extractor(obj: ObjectV) -> Extract:
    fields = [(f.name, compile_extractor(f.validator)) for f in obj.fields]
    active = [(name, extract) for name, extract in fields if extract is not None]

    def extract_object(value: Any, path: str, out: list[tuple[str, str, str]]) -> None:
        if type(value) is dict:
            for name, extract in active:
                if name in value:
                    extract(value[name], f"{path}.{name}", out)

    return extract_object


@dataclass(frozen=True)
class Dangling:
    table: str
    document_id: str
    path: str
    target: str
    missing_id: str
    line: int


class ReferenceIndex:
    """Collects ids and references while documents stream past."""

    def __init__(self, targets: set[str]) -> None:
        self.targets = targets
        self._dir = tempfile.TemporaryDirectory(prefix="convex-schema-refs-")
        folder = Path(self._dir.name)
        self._ids_path = folder / "ids.csv"
        self._refs_path = folder / "refs.csv"
        self._ids = self._ids_path.open("w", newline="", encoding="utf-8")
        self._refs = self._refs_path.open("w", newline="", encoding="utf-8")
        self._id_writer = csv.writer(self._ids)
        self._ref_writer = csv.writer(self._refs)
        self.reference_count = 0

    def add_document(self, table: str, document_id: str) -> None:
        if table in self.targets:
            self._id_writer.writerow((table, document_id))

    def add_references(
        self, table: str, document_id: str, found: list[tuple[str, str, str]], line: int
    ) -> None:
        for target, value, path in found:
            self._ref_writer.writerow((table, document_id, path, target, value, line))
        self.reference_count += len(found)

    def dangling(
        self, limit_per_table: int
    ) -> tuple[dict[tuple[str, str], int], list[Dangling]]:
        """Counts per (table, path) and up to `limit_per_table` samples each."""
        import duckdb

        self._ids.close()
        self._refs.close()
        if self.reference_count == 0:
            return {}, []
        connection = duckdb.connect()
        connection.execute("SET memory_limit = '256MB'")
        connection.execute(f"SET temp_directory = '{self._dir.name}'")
        columns = "{'t': 'VARCHAR', 'id': 'VARCHAR'}"
        ref_columns = (
            "{'src': 'VARCHAR', 'doc': 'VARCHAR', 'path': 'VARCHAR', "
            "'t': 'VARCHAR', 'id': 'VARCHAR', 'line': 'BIGINT'}"
        )
        connection.execute(
            f"CREATE VIEW ids AS SELECT * FROM read_csv('{self._ids_path}', "
            f"header=false, columns={columns})"
        )
        connection.execute(
            f"CREATE VIEW refs AS SELECT * FROM read_csv('{self._refs_path}', "
            f"header=false, columns={ref_columns})"
        )
        connection.execute(
            "CREATE TABLE missing AS SELECT r.* FROM refs r ANTI JOIN ids i "
            "ON r.t = i.t AND r.id = i.id WHERE r.t IN (SELECT DISTINCT t FROM ids) "
            "OR r.t NOT LIKE '\\_%' ESCAPE '\\'"
        )
        counts = {
            (src, path): int(n)
            for src, path, n in connection.execute(
                "SELECT src, path, count(*) FROM missing GROUP BY src, path"
            ).fetchall()
        }
        samples = [
            Dangling(*row)
            for row in connection.execute(
                "SELECT src, doc, path, t, id, line FROM (SELECT *, row_number() OVER "
                "(PARTITION BY src, path ORDER BY doc) AS n FROM missing) "
                f"WHERE n <= {int(limit_per_table)} ORDER BY src, path, doc"
            ).fetchall()
        ]
        connection.close()
        return counts, samples

    def close(self) -> None:
        for handle in (self._ids, self._refs):
            if not handle.closed:
                handle.close()
        self._dir.cleanup()
