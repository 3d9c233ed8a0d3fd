"""References between tables: every `v.id("t")` in a table's documents.

A reference is found wherever an id validator sits: in a field, inside
objects, arrays, records (as values or keys) and unions. Its path names where
it sits: `author.id` through an object, `tags[]` for the elements of an array,
`meta{}` for a record's values and `meta{key}` for its keys.

Cardinality is what one document holds of the target: `one` when the id is
always there, `zero_or_one` when it may be absent (an optional field on the
way, or a union whose other members are not this reference, such as `null`),
and `many` inside an array or a record.
"""

from __future__ import annotations

import enum
import logging
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

from convex_schema.model import (
    ArrayV,
    IdV,
    ObjectV,
    RecordV,
    Schema,
    Span,
    UnionV,
    Validator,
)

logger = logging.getLogger(__name__)

SYSTEM_TABLES = frozenset({"_storage", "_scheduled_functions"})


class Cardinality(enum.StrEnum):
    """How many documents of the target one document references."""

    ONE = "one"
    ZERO_OR_ONE = "zero_or_one"
    MANY = "many"


_RANK = {Cardinality.ONE: 0, Cardinality.ZERO_OR_ONE: 1, Cardinality.MANY: 2}


def _looser(a: Cardinality, b: Cardinality) -> Cardinality:
    return a if _RANK[a] >= _RANK[b] else b


class TargetKind(enum.StrEnum):
    """Where the referenced table lives."""

    TABLE = "table"  # a table of the schema
    SYSTEM = "system"  # `_storage`, `_scheduled_functions`
    MISSING = "missing"  # named by `v.id` but not defined in the schema


@dataclass(frozen=True, slots=True)
class Relation:
    """One reference: `source.path` holds ids of `target`."""

    source: str
    path: str
    target: str
    cardinality: Cardinality
    target_kind: TargetKind
    span: Span | None = None

    @property
    def field(self) -> str:
        """The top-level field the reference sits in."""
        for stop, char in enumerate(self.path):
            if char in ".[{":
                return self.path[:stop]
        return self.path

    @property
    def self_reference(self) -> bool:
        return self.source == self.target

    def to_json(self) -> dict[str, object]:
        return {
            "source": self.source,
            "path": self.path,
            "target": self.target,
            "cardinality": str(self.cardinality),
            "targetKind": str(self.target_kind),
        }


# (path, target) -> (cardinality, span of the first id validator seen)
_Found = dict[tuple[str, str], tuple[Cardinality, Span | None]]


def find_relations(schema: Schema) -> list[Relation]:
    """Every reference of the schema, by table in declaration order, then by
    where it first appears in the table's document."""
    names = set(schema.table_names)
    out: list[Relation] = []
    for table in schema.tables:
        found = _walk(table.document, "", Cardinality.ONE)
        for (path, target), (cardinality, span) in found.items():
            kind = _target_kind(target, names)
            out.append(Relation(table.name, path, target, cardinality, kind, span))
    logger.debug("found %d references in %d tables", len(out), len(schema.tables))
    return out


def _target_kind(target: str, names: set[str]) -> TargetKind:
    if target in names:
        return TargetKind.TABLE
    if target in SYSTEM_TABLES:
        return TargetKind.SYSTEM
    return TargetKind.MISSING


def _walk(validator: Validator, path: str, cardinality: Cardinality) -> _Found:
    if isinstance(validator, IdV):
        return {(path, validator.table): (cardinality, validator.span)}
    if isinstance(validator, ObjectV):
        return _walk_object(validator, path, cardinality)
    if isinstance(validator, ArrayV):
        return _walk(validator.element, f"{path}[]", Cardinality.MANY)
    if isinstance(validator, RecordV):
        found = _walk(validator.keys, f"{path}{{key}}", Cardinality.MANY)
        found.update(_walk(validator.values, f"{path}{{}}", Cardinality.MANY))
        return found
    if isinstance(validator, UnionV):
        return _walk_union(validator, path, cardinality)
    return {}


def _walk_object(validator: ObjectV, path: str, cardinality: Cardinality) -> _Found:
    found: _Found = {}
    for item in validator.fields:
        inner = cardinality
        if item.optional:
            inner = _looser(inner, Cardinality.ZERO_OR_ONE)
        child = f"{path}.{item.name}" if path else item.name
        found.update(_walk(item.validator, child, inner))
    return found


def _walk_union(validator: UnionV, path: str, cardinality: Cardinality) -> _Found:
    """A reference found in every member keeps its loosest cardinality; one
    found in only some members may be absent, so it is at most zero-or-one."""
    per_member = [_walk(m, path, cardinality) for m in validator.members]
    found: _Found = {}
    for member in per_member:
        for key, (card, span) in member.items():
            if key in found:
                card = _looser(found[key][0], card)
                span = found[key][1]
            found[key] = (card, span)
    for key, (card, span) in found.items():
        if any(key not in member for member in per_member):
            found[key] = (_looser(card, Cardinality.ZERO_OR_ONE), span)
    return found


def neighbourhood(relations: Iterable[Relation], start: str, depth: int) -> set[str]:
    """The tables within `depth` references of `start`, either way."""
    links: dict[str, set[str]] = {}
    for relation in relations:
        links.setdefault(relation.source, set()).add(relation.target)
        links.setdefault(relation.target, set()).add(relation.source)
    seen = {start}
    queue = deque([(start, 0)])
    while queue:
        name, distance = queue.popleft()
        if distance >= depth:
            continue
        for other in sorted(links.get(name, ())):
            if other not in seen:
                seen.add(other)
                queue.append((other, distance + 1))
    return seen
