"""Dangling references: ids in documents whose document is not in the snapshot.

Tables are validated with referenced tables first. While a referenced table
streams past, the 64-bit hashes of its `_id`s go into a compact array, sorted
when the table is done: 8 bytes a document, whatever its size. A reference is
then looked up as soon as its document is read (the generated check turns the
arrays of the tables it refers to into sets while it runs); only references
into a table not read yet (a self-reference, a cycle) wait for the end. Hash
collisions could hide a dangling reference with a probability near n²/2⁶⁴,
which is negligible for any real snapshot.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass

from convex_schema.model import IdV, Validator, walk


def referenced_tables(document: Validator) -> set[str]:
    """The tables a document type points into through `v.id(...)`."""
    return {v.table for v in walk(document) if isinstance(v, IdV)}


@dataclass(frozen=True)
class Dangling:
    table: str
    document_id: str
    path: str
    target: str
    missing_id: str
    line: int


def reading_order(tables: list[str], edges: dict[str, set[str]]) -> list[str]:
    """Referenced tables before the tables that reference them, where the
    references allow it (a cycle keeps its tables in their given order)."""
    order: list[str] = []
    placed: set[str] = set()
    pending = list(tables)
    while pending:
        ready = [
            t
            for t in pending
            if all(
                u in placed or u not in tables or u == t for u in edges.get(t, set())
            )
        ]
        chosen = ready[0] if ready else pending[0]
        order.append(chosen)
        placed.add(chosen)
        pending.remove(chosen)
    return order


class ReferenceIndex:
    """The ids of referenced tables and the references found so far."""

    def __init__(self, targets: set[str], present: set[str], limit: int) -> None:
        self.targets = targets
        self.present = present  # tables the snapshot holds documents for
        self.limit = limit
        self.complete: dict[str, array[int]] = {}
        self._building: array[int] | None = None
        self._building_table = ""
        self.deferred: list[tuple[str, str, str, str, str, int]] = []
        self.counts: dict[tuple[str, str], int] = {}
        self.samples: list[Dangling] = []

    def start_table(self, table: str) -> None:
        self._building_table = table
        self._building = array("q") if table in self.targets else None

    def add_document(self, document_id: str) -> None:
        if self._building is not None:
            self._building.append(hash(document_id))

    def add_hashes(self, packed: bytes) -> None:
        """Add `_id` hashes packed as an array of 64-bit integers."""
        if self._building is not None:
            self._building.frombytes(packed)

    def collector(self) -> Callable[[int], None] | None:
        """`append` for the hashes of the current table's _ids, if it is
        referenced (the validation loop calls it directly)."""
        return self._building.append if self._building is not None else None

    def finish_table(self) -> None:
        if self._building is not None:
            self.complete[self._building_table] = array("q", sorted(self._building))
        self._building = None

    def add_references(
        self, table: str, document_id: str, found: list[tuple[str, str, str]], line: int
    ) -> None:
        for target, value, path in found:
            ids = self.complete.get(target)
            if ids is None:
                if target in self.present:
                    self.deferred.append(
                        (table, document_id, path, target, value, line)
                    )
                elif not target.startswith("_"):
                    self._dangling(table, document_id, path, target, value, line)
                continue
            key = hash(value)
            index = bisect_left(ids, key)
            if index == len(ids) or ids[index] != key:
                self._dangling(table, document_id, path, target, value, line)

    def finish(self) -> None:
        """Check the references that waited for their table."""
        waiting, self.deferred = self.deferred, []
        for table, document_id, path, target, value, line in waiting:
            self.add_references(table, document_id, [(target, value, path)], line)

    def _dangling(
        self,
        table: str,
        document_id: str,
        path: str,
        target: str,
        value: str,
        line: int,
    ) -> None:
        key = (table, path)
        count = self.counts.get(key, 0)
        self.counts[key] = count + 1
        if count < self.limit:
            self.samples.append(Dangling(table, document_id, path, target, value, line))
