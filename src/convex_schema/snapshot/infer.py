"""`infer`: the schema a snapshot's data actually has.

Convex's own shape inference (REFERENCE §10) is the reference: int64 and
float64 never merge, a field absent from some documents is optional, ids are
recognised by the table number they carry, objects with more than 64 fields
or keys that are not identifiers become records. Where it helps a user, this
goes further than the dashboard's "generate schema": small closed sets of
strings become unions of literals, and documents that differ by a
discriminant field become a union of objects.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from convex_schema.model import (
    AnyV,
    ArrayV,
    BooleanV,
    BytesV,
    Field,
    Float64V,
    IdV,
    Int64V,
    LiteralV,
    NullV,
    ObjectV,
    RecordV,
    Schema,
    StringV,
    Table,
    UnionV,
    Validator,
    limits,
)
from convex_schema.snapshot.checker import IdTables
from convex_schema.snapshot.reader import Snapshot

logger = logging.getLogger(__name__)

MAX_LITERALS = 8  # a union of literals for at most this many distinct strings
MIN_LITERAL_OCCURRENCES = 20  # ...seen at least this many times
MAX_LITERAL_LENGTH = 40
MAX_OBJECT_FIELDS = 64  # more fields than this: a record, as Convex infers
SYSTEM_FIELDS = ("_id", "_creationTime")


@dataclass
class StringStats:
    count: int = 0
    values: set[str] | None = field(default_factory=set)
    id_tables: set[str] = field(default_factory=set)
    non_ids: int = 0


@dataclass
class Shape:
    """What values at one place in the documents looked like."""

    count: int = 0
    nulls: int = 0
    booleans: int = 0
    int64s: int = 0
    float64s: int = 0
    bytes_: int = 0
    strings: StringStats | None = None
    array: Shape | None = None
    arrays: int = 0
    objects: int = 0
    fields: dict[str, Shape] | None = None

    def add(self, value: Any, ids: IdTables) -> None:
        self.count += 1
        kind = type(value)
        if value is None:
            self.nulls += 1
        elif kind is bool:
            self.booleans += 1
        elif kind is int:
            self.int64s += 1
        elif kind is float:
            self.float64s += 1
        elif kind is bytes:
            self.bytes_ += 1
        elif kind is str:
            self._add_string(value, ids)
        elif kind is list:
            self.arrays += 1
            if self.array is None:
                self.array = Shape()
            for item in value:
                self.array.add(item, ids)
        elif kind is dict:
            self._add_object(value, ids)

    def _add_string(self, value: str, ids: IdTables) -> None:
        stats = self.strings or StringStats()
        self.strings = stats
        stats.count += 1
        if stats.values is not None:
            stats.values.add(value)
            if len(stats.values) > MAX_LITERALS:
                stats.values = None
        if stats.non_ids == 0:
            table = ids.table_of(value)
            if table:
                stats.id_tables.add(table)
            else:
                stats.non_ids += 1

    def _add_object(self, value: dict[str, Any], ids: IdTables) -> None:
        self.objects += 1
        if self.fields is None:
            self.fields = {}
        for key, item in value.items():
            shape = self.fields.get(key)
            if shape is None:
                shape = self.fields[key] = Shape()
            shape.add(item, ids)


def to_validator(shape: Shape) -> Validator:
    """The narrowest validator that accepts every value the shape saw."""
    members: list[Validator] = []
    if shape.objects:
        members.append(_object_validator(shape))
    if shape.arrays:
        element = (
            to_validator(shape.array) if shape.array and shape.array.count else AnyV()
        )
        members.append(ArrayV(element))
    if shape.strings is not None:
        members += _string_validators(shape.strings)
    for count, validator in (
        (shape.float64s, Float64V()),
        (shape.int64s, Int64V()),
        (shape.booleans, BooleanV()),
        (shape.bytes_, BytesV()),
        (shape.nulls, NullV()),
    ):
        if count:
            members.append(validator)
    if not members:
        return AnyV()
    return members[0] if len(members) == 1 else UnionV(tuple(members))


def _string_validators(stats: StringStats) -> list[Validator]:
    if stats.non_ids == 0 and len(stats.id_tables) == 1:
        return [IdV(next(iter(stats.id_tables)))]
    if stats.non_ids == 0 and stats.id_tables:
        return [IdV(t) for t in sorted(stats.id_tables)]
    values = stats.values
    if (
        values is not None
        and stats.count >= MIN_LITERAL_OCCURRENCES
        and all(len(v) <= MAX_LITERAL_LENGTH and "\n" not in v for v in values)
    ):
        return [LiteralV(v) for v in sorted(values)]
    return [StringV()]


def _object_validator(shape: Shape, skip: Iterable[str] = ()) -> Validator:
    fields = shape.fields or {}
    names = [n for n in fields if n not in skip]
    if len(names) > MAX_OBJECT_FIELDS or not all(
        limits.is_identifier(n) for n in names
    ):
        merged = Shape()
        for name in names:
            _merge_into(merged, fields[name])
        return RecordV(StringV(), to_validator(merged) if merged.count else AnyV())
    return ObjectV(
        tuple(
            Field(name, to_validator(fields[name]), fields[name].count < shape.objects)
            for name in names
        )
    )


def _merge_into(target: Shape, source: Shape) -> None:
    """Fold one shape into another (for the values of a record)."""
    for name in (
        "count",
        "nulls",
        "booleans",
        "int64s",
        "float64s",
        "bytes_",
        "arrays",
        "objects",
    ):
        setattr(target, name, getattr(target, name) + getattr(source, name))
    if source.strings is not None:
        stats = target.strings or StringStats()
        target.strings = stats
        stats.count += source.strings.count
        stats.non_ids += source.strings.non_ids
        stats.id_tables |= source.strings.id_tables
        if stats.values is not None and source.strings.values is not None:
            stats.values |= source.strings.values
            if len(stats.values) > MAX_LITERALS:
                stats.values = None
        else:
            stats.values = None
    if source.array is not None:
        target.array = target.array or Shape()
        _merge_into(target.array, source.array)
    if source.fields is not None:
        target.fields = target.fields or {}
        for key, inner in source.fields.items():
            _merge_into(target.fields.setdefault(key, Shape()), inner)


# -- documents and discriminated unions -------------------------------------------


def _discriminant(shape: Shape) -> str | None:
    """A field that is present in every document with a few literal values,
    when some other field is optional: a union of objects may fit better."""
    fields = shape.fields or {}
    if all(s.count == shape.objects for s in fields.values()):
        return None
    candidates = []
    for name, inner in fields.items():
        stats = inner.strings
        if (
            name not in SYSTEM_FIELDS
            and inner.count == shape.objects
            and stats is not None
            and stats.count == inner.count
            and stats.values is not None
            and 2 <= len(stats.values) <= MAX_LITERALS
        ):
            candidates.append(name)
    return candidates[0] if len(candidates) == 1 else None


def infer_table(
    snapshot: Snapshot,
    name: str,
    ids: IdTables,
    progress: Callable[[str, int], None] | None = None,
) -> Table | None:
    data = next(
        (t for t in snapshot.tables if t.name == name and not t.component), None
    )
    if data is None:
        return None
    shape = Shape()
    for count, (_, _, value) in enumerate(snapshot.documents(data), 1):
        shape.add(value, ids)
        if progress is not None and count % 10_000 == 0:
            progress(name, count)
    if not shape.objects:
        return Table(name, ObjectV())
    document = _object_validator(shape, skip=SYSTEM_FIELDS)
    key = _discriminant(shape) if isinstance(document, ObjectV) else None
    if key is not None:
        union = _split_by(snapshot, data, key, ids)
        if union is not None:
            document = union
    logger.info("inferred table %s from %d documents", name, shape.objects)
    return Table(name, document)


def _split_by(
    snapshot: Snapshot, data: Any, key: str, ids: IdTables
) -> Validator | None:
    """A second pass that infers one object per value of `key`."""
    groups: dict[str, Shape] = {}
    for row in snapshot.rows(data):
        value = row.document.get(key)
        groups.setdefault(str(value), Shape()).add(row.document, ids)
    variants = {value: shape.fields or {} for value, shape in groups.items()}
    if not _fields_tell_variants_apart(groups):
        return None
    members = []
    for value in sorted(variants):
        member = _object_validator(groups[value], skip=SYSTEM_FIELDS)
        if not isinstance(member, ObjectV):
            return None
        fields = tuple(
            Field(f.name, LiteralV(value), False) if f.name == key else f
            for f in member.fields
        )
        members.append(ObjectV(fields))
    return UnionV(tuple(members))


def _fields_tell_variants_apart(groups: dict[str, Shape]) -> bool:
    """True when some field is in every document of one variant and in no
    document of another: then the variants are different kinds of thing."""
    names = {name for shape in groups.values() for name in (shape.fields or {})}
    for name in names:
        always = any(
            (s.fields or {}).get(name, Shape()).count == s.objects
            for s in groups.values()
        )
        never = any(name not in (s.fields or {}) for s in groups.values())
        if always and never:
            return True
    return False


def infer_schema(
    snapshot: Snapshot, progress: Callable[[str, int], None] | None = None
) -> Schema:
    """A schema for every table of the app (components have their own)."""
    numbers = {n: t for (c, n), t in snapshot.numbers.items() if not c}
    if snapshot.storage is not None and snapshot.storage.number is not None:
        numbers[snapshot.storage.number] = "_storage"
    ids = IdTables(numbers, known=bool(numbers))
    tables = []
    for data in sorted(
        (t for t in snapshot.tables if not t.component), key=lambda t: t.name
    ):
        table = infer_table(snapshot, data.name, ids, progress)
        if table is not None:
            tables.append(table)
    return Schema(tuple(tables))
