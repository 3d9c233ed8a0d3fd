"""A schema being designed, and the steps that build it.

The engine edits a `Draft` (tables, fields, indexes, each with why it is
there) and `Draft.finish()` turns it into the schema model and the ordered
operations that create it, every operation with its reasoning (a `Step`).
Index names are derived from their fields at the end, so renames along the
way never leave a stale `by_...` name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from convex_schema.assistant.guards import unique_guard
from convex_schema.assistant.patterns import index_name
from convex_schema.model import (
    AnyIndex,
    ArrayV,
    Field,
    Float64V,
    IdV,
    Index,
    LiteralV,
    ObjectV,
    Schema,
    SearchIndex,
    StringV,
    Table,
    UnionV,
    Validator,
    VectorIndex,
)
from convex_schema.operations import AddIndex, AddTable, Operation, to_json

# Names an index after its fields, given the fields that are references.
IndexNamer = Callable[[tuple[str, ...], set[str]], str]

PRACTICE_TABLE = "separate tables for separate kinds of documents, linked by id"
PRACTICE_JOIN = (
    "a join table rather than an array of ids: arrays grow without bound "
    "and the whole document is rewritten on every change (1 MiB limit)"
)
PRACTICE_REFERENCE_INDEX = (
    "an index on every reference used for listing, named by_<field> "
    "(a reference fooId is written foo)"
)
PRACTICE_COMPOUND = (
    "one index serves equality on its leading fields; name it by_a_and_b"
)
PRACTICE_LOOKUP = (
    "query with .withIndex instead of .filter, which scans the table; "
    "name the index by_<field>"
)
PRACTICE_UNIQUE = (
    "Convex has no unique constraint: look the value up with "
    ".withIndex(...).unique() in every mutation that writes it"
)
PRACTICE_SEARCH = (
    "a search index on the text field, with filterFields for equality filters"
)
PRACTICE_VECTOR = "a vector index needs v.array(v.float64()) with fixed dimensions"
PRACTICE_UNION = (
    "documents of several kinds in one table: a discriminated union, "
    "v.union(v.object({kind: v.literal(...), ...}), ...); index only the "
    "fields every kind has"
)


@dataclass
class DraftField:
    name: str
    validator: Validator
    optional: bool = False
    note: str = ""
    was: str = ""  # its name in the schema being edited; empty when new


@dataclass
class DraftIndex:
    """A database index (`kind="index"`), search or vector index."""

    fields: tuple[str, ...]
    kind: str = "index"
    dimensions: int = 0
    filters: tuple[str, ...] = ()
    why: str = ""
    practice: str = ""
    warnings: tuple[str, ...] = ()
    name: str = ""
    keep: bool = False  # from the pattern library: kept even when a prefix
    was: str = ""  # its name in the schema being edited; empty when new
    unique: str = ""  # the field this index keeps unique, by a write-side guard


@dataclass
class DraftVariant:
    """One kind of document in a table of several (a discriminated union):
    its `kind` literal and its own fields; the table's fields are common."""

    name: str
    fields: list[DraftField] = field(default_factory=list)


@dataclass
class DraftTable:
    name: str
    why: str
    fields: list[DraftField] = field(default_factory=list)
    indexes: list[DraftIndex] = field(default_factory=list)
    practice: str = PRACTICE_TABLE
    warnings: list[str] = field(default_factory=list)
    origin: str = ""  # the library table it came from (domain.table), if any
    join: bool = False
    was: str = ""  # its name in the schema being edited; empty when new
    variants: list[DraftVariant] = field(default_factory=list)  # kinds, if any

    def field(self, name: str) -> DraftField | None:
        for item in self.fields:
            if item.name == name:
                return item
        return None

    def references(self, table: str) -> list[DraftField]:
        return [
            f
            for f in self.fields
            if isinstance(f.validator, IdV) and f.validator.table == table
        ]

    def add_field(self, item: DraftField) -> DraftField:
        existing = self.field(item.name)
        if existing is not None:
            return existing
        self.fields.append(item)
        return item

    def add_index(self, index: DraftIndex) -> DraftIndex | None:
        """Add an index unless an existing one already serves it (same
        fields, or a longer one that starts with them)."""
        if not index.fields:
            return None
        for other in self.indexes:
            if other.kind != index.kind:
                continue
            if (
                index.kind == "index"
                and other.fields[: len(index.fields)] == index.fields
            ):
                return None
            if index.kind != "index" and other.fields == index.fields:
                return None
        if index.kind == "index":
            # A shorter index this one extends is now redundant (REFERENCE §8.1.4).
            self.indexes = [
                other
                for other in self.indexes
                if not (
                    other.kind == "index"
                    and not other.keep
                    and index.fields[: len(other.fields)] == other.fields
                )
            ]
        self.indexes.append(index)
        return index

    def rename_field(self, old: str, new: str) -> None:
        item = self.field(old)
        if item is None or self.field(new) is not None:
            return
        item.name = new
        for index in self.indexes:
            if old in index.fields or old in index.filters:
                index.was = ""  # rebuilt under a name that follows its fields
            index.fields = tuple(new if f == old else f for f in index.fields)
            index.filters = tuple(new if f == old else f for f in index.filters)

    def drop_field(self, name: str) -> None:
        self.fields = [f for f in self.fields if f.name != name]
        self.indexes = [
            i for i in self.indexes if name not in i.fields and name not in i.filters
        ]


UNIQUE_WARNING = (
    "Convex has no unique constraint: query this index with .unique() in each "
    "mutation that writes the field, and throw when a document already has the value"
)


def unique_index(table: DraftTable, item: DraftField) -> None:
    """The index that keeps `item` unique by convention (REFERENCE §7): a new
    one, or the one that already starts with the field, with the warning."""
    item.optional = False
    why = (
        f"find a {table.name} document by {item.name}; keeps it unique when every "
        "write checks it first"
    )
    for index in table.indexes:
        if index.kind == "index" and index.fields[:1] == (item.name,):
            index.practice = PRACTICE_UNIQUE
            index.warnings = tuple(dict.fromkeys((*index.warnings, UNIQUE_WARNING)))
            index.unique = item.name
            return
    table.add_index(
        DraftIndex(
            (item.name,),
            why=why,
            practice=PRACTICE_UNIQUE,
            warnings=(UNIQUE_WARNING,),
            unique=item.name,
        )
    )


@dataclass(frozen=True)
class Step:
    """One operation with its reasoning: why (one line), the Convex
    practice it follows, what to watch out for, and notes on fields."""

    operation: Operation
    why: str
    practice: str = ""
    warnings: tuple[str, ...] = ()
    notes: tuple[tuple[str, str], ...] = ()
    code: str = ""  # TypeScript the step needs beside the schema (a guard)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "op": self.operation.op,
            "table": getattr(self.operation, "table", ""),
            "why": self.why,
            "practice": self.practice,
            "warnings": list(self.warnings),
        }
        if isinstance(self.operation, AddTable):
            out["table"] = self.operation.table.name
            out["fields"] = {name: note for name, note in self.notes}
        if isinstance(self.operation, AddIndex):
            out["index"] = self.operation.index.name
        if self.code:
            out["code"] = self.code
        return out


@dataclass
class Draft:
    tables: dict[str, DraftTable] = field(default_factory=dict)

    def table(self, name: str) -> DraftTable | None:
        return self.tables.get(name)

    def add(self, table: DraftTable) -> DraftTable:
        return self.tables.setdefault(table.name, table)

    def rename_table(self, old: str, new: str) -> None:
        """Rename a table and everything named after it: references
        (`questionId` → `threadId`) and tables (`questionVotes`)."""
        from convex_schema.assistant.words import singular_name

        if old == new or new in self.tables or old not in self.tables:
            return
        old_stem, new_stem = singular_name(old), singular_name(new)
        renamed: dict[str, DraftTable] = {}
        for name, table in self.tables.items():
            if name == old:
                table.name = new
            elif (
                name.startswith(old_stem)
                and name[len(old_stem) : len(old_stem) + 1].isupper()
            ):
                candidate = new_stem + name[len(old_stem) :]
                if candidate not in self.tables:
                    table.name = candidate
            renamed[table.name] = table
        self.tables = renamed
        for table in self.tables.values():
            for item in list(table.fields):
                if isinstance(item.validator, IdV) and item.validator.table == old:
                    item.validator = IdV(new)
                    if item.name == old_stem + "Id":
                        table.rename_field(item.name, new_stem + "Id")

    def referenced(self) -> set[str]:
        return {
            f.validator.table
            for t in self.tables.values()
            for f in t.fields
            if isinstance(f.validator, IdV)
        }

    def finish(
        self, order: list[str], namer: IndexNamer | None = None
    ) -> tuple[Schema, list[Step]]:
        """The schema, and the steps that build it: each table, then its
        indexes, in `order` (other tables after). `namer` names new indexes
        (the project's convention; `by_a_and_b` by default)."""
        names = [n for n in order if n in self.tables]
        names += [n for n in self.tables if n not in names]
        tables: list[Table] = []
        steps: list[Step] = []
        for name in names:
            draft = self.tables[name]
            table = _table(draft, namer)
            tables.append(table)
            bare = replace(table, indexes=())
            notes = tuple((f.name, f.note) for f in draft.fields if f.note)
            steps.append(
                Step(
                    AddTable(bare),
                    draft.why,
                    draft.practice,
                    tuple(dict.fromkeys(draft.warnings)),
                    notes,
                )
            )
            for index, model in zip(_named(draft, namer), table.indexes, strict=True):
                steps.append(
                    Step(
                        AddIndex(name, model),
                        index.why or _index_why(draft, index),
                        index.practice or _index_practice(draft, index),
                        index.warnings,
                        code=_guard(name, index),
                    )
                )
        return Schema(tuple(tables)), steps


def _guard(table: str, index: DraftIndex) -> str:
    if not index.unique or index.kind != "index":
        return ""
    return unique_guard(table, index.unique, index.name)


def _named(draft: DraftTable, namer: IndexNamer | None = None) -> list[DraftIndex]:
    """The table's indexes with their final names, duplicates dropped."""
    references = {f.name for f in draft.fields if isinstance(f.validator, IdV)}
    seen: set[str] = set()
    out: list[DraftIndex] = []
    for index in draft.indexes:
        if index.was:
            index.name = index.was
        elif index.kind == "index":
            index.name = (namer or index_name)(index.fields, references)
        elif index.kind == "search":
            index.name = f"search_{index.fields[0]}"
        else:
            index.name = f"by_{index.fields[0]}"
        if len(index.name) > 64:
            index.name = index.name[:64].rstrip("_")
        if index.name in seen:
            continue
        seen.add(index.name)
        out.append(index)
    draft.indexes = out
    return out


def _table(draft: DraftTable, namer: IndexNamer | None = None) -> Table:
    fields = tuple(Field(f.name, f.validator, f.optional) for f in draft.fields)
    indexes: list[AnyIndex] = []
    for index in _named(draft, namer):
        if index.kind == "index":
            indexes.append(Index(index.name, index.fields))
        elif index.kind == "search":
            indexes.append(SearchIndex(index.name, index.fields[0], index.filters))
        else:
            indexes.append(
                VectorIndex(
                    index.name, index.fields[0], index.dimensions, index.filters
                )
            )
    return Table(draft.name, _document(draft, fields), tuple(indexes))


def _document(draft: DraftTable, common: tuple[Field, ...]) -> Validator:
    """The table's object, or with variants the union of one object per
    kind: its `kind` literal, its own fields, then the common ones."""
    if not draft.variants:
        return ObjectV(common)
    members: list[Validator] = []
    for variant in draft.variants:
        own = tuple(
            Field(f.name, f.validator, f.optional)
            for f in variant.fields
            if all(f.name != c.name for c in common)
        )
        members.append(ObjectV((Field("kind", LiteralV(variant.name)), *own, *common)))
    return UnionV(tuple(members))


def _index_why(draft: DraftTable, index: DraftIndex) -> str:
    if index.kind == "search":
        return f"full-text search over {draft.name}.{index.fields[0]}"
    if index.kind == "vector":
        return f"similarity search over {draft.name}.{index.fields[0]}"
    first = draft.field(index.fields[0])
    if first is not None and isinstance(first.validator, IdV):
        return f"list the {draft.name} of a {first.validator.table} document"
    return f"find {draft.name} by {', '.join(index.fields)}"


def _index_practice(draft: DraftTable, index: DraftIndex) -> str:
    if index.kind == "search":
        return PRACTICE_SEARCH
    if index.kind == "vector":
        return PRACTICE_VECTOR
    if len(index.fields) > 1:
        return PRACTICE_COMPOUND
    first = draft.field(index.fields[0])
    if first is not None and isinstance(first.validator, IdV):
        return PRACTICE_REFERENCE_INDEX
    return PRACTICE_LOOKUP


def vector_validator() -> Validator:
    return ArrayV(Float64V())


def string_validator() -> Validator:
    return StringV()


def operations_json(steps: list[Step]) -> list[dict[str, Any]]:
    return [to_json(step.operation) for step in steps]
