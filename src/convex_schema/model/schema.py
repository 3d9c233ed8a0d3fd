"""Tables, indexes and the schema: immutable, each with the span it came from.

`Schema.to_json()` is exactly what `defineSchema(...).export()` produces
(REFERENCE §2.1): tables in declaration order, each with its index lists split
by kind and stage, `stagedDocumentType` only when `.staged()` was used, and
`schemaValidation`. `strictTableNameTypes` only shapes TypeScript types and is
never in the JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from convex_schema.model.span import Span
from convex_schema.model.validators import (
    AnyV,
    Field,
    ObjectV,
    UnionV,
    Validator,
    validator_from_json,
)


@dataclass(frozen=True, slots=True)
class Index:
    """A database index: `.index(name, fields)`."""

    name: str
    fields: tuple[str, ...]
    staged: bool = False
    span: Span | None = field(default=None, compare=False, repr=False)

    def to_json(self) -> dict[str, Any]:
        return {"indexDescriptor": self.name, "fields": list(self.fields)}


@dataclass(frozen=True, slots=True)
class SearchIndex:
    """A full-text search index: `.searchIndex(name, {searchField, ...})`."""

    name: str
    search_field: str
    filter_fields: tuple[str, ...] = ()
    staged: bool = False
    span: Span | None = field(default=None, compare=False, repr=False)

    def to_json(self) -> dict[str, Any]:
        return {
            "indexDescriptor": self.name,
            "searchField": self.search_field,
            "filterFields": list(self.filter_fields),
        }


@dataclass(frozen=True, slots=True)
class VectorIndex:
    """A vector index: `.vectorIndex(name, {vectorField, dimensions, ...})`."""

    name: str
    vector_field: str
    dimensions: int | float
    filter_fields: tuple[str, ...] = ()
    staged: bool = False
    span: Span | None = field(default=None, compare=False, repr=False)

    def to_json(self) -> dict[str, Any]:
        return {
            "indexDescriptor": self.name,
            "vectorField": self.vector_field,
            "dimensions": self.dimensions,
            "filterFields": list(self.filter_fields),
        }


AnyIndex = Index | SearchIndex | VectorIndex


@dataclass(frozen=True, slots=True)
class Table:
    """A table: its document validator, its indexes in declaration order and,
    when `.staged()` was used, the staged document validator."""

    name: str
    document: Validator = field(default_factory=ObjectV)
    indexes: tuple[AnyIndex, ...] = ()
    staged_document: Validator | None = None
    span: Span | None = field(default=None, compare=False, repr=False)

    @property
    def fields(self) -> ObjectV | None:
        """The document's fields when the table is defined by an object."""
        return self.document if isinstance(self.document, ObjectV) else None

    def field_at(self, path: str) -> Field | None:
        """The field at a dotted path (`address.city`) through object fields."""
        current: Validator = self.document
        found: Field | None = None
        for part in path.split("."):
            if not isinstance(current, ObjectV):
                return None
            found = current.field(part)
            if found is None:
                return None
            current = found.validator
        return found

    def index(self, name: str) -> AnyIndex | None:
        for item in self.indexes:
            if item.name == name:
                return item
        return None

    def db_indexes(self, staged: bool | None = None) -> list[Index]:
        return [
            i
            for i in self.indexes
            if isinstance(i, Index) and (staged is None or i.staged == staged)
        ]

    def to_json(self) -> dict[str, Any]:
        def pick(kind: type, staged: bool) -> list[dict[str, Any]]:
            return [
                i.to_json()
                for i in self.indexes
                if isinstance(i, kind) and i.staged == staged
            ]

        out: dict[str, Any] = {
            "tableName": self.name,
            "indexes": pick(Index, False),
            "stagedDbIndexes": pick(Index, True),
            "searchIndexes": pick(SearchIndex, False),
            "stagedSearchIndexes": pick(SearchIndex, True),
            "vectorIndexes": pick(VectorIndex, False),
            "stagedVectorIndexes": pick(VectorIndex, True),
            "documentType": self.document.to_json(),
        }
        if self.staged_document is not None:
            out["stagedDocumentType"] = self.staged_document.to_json()
        return out


@dataclass(frozen=True, slots=True)
class Schema:
    """A whole `defineSchema(...)`: its tables in declaration order and options."""

    tables: tuple[Table, ...] = ()
    schema_validation: bool = True
    strict_table_name_types: bool = True
    file: str | None = field(default=None, compare=False)
    span: Span | None = field(default=None, compare=False, repr=False)
    # The first table of each name: the analyzer looks tables up by name
    # thousands of times on a large project.
    _by_name: dict[str, Table] = field(
        init=False, compare=False, repr=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        by_name: dict[str, Table] = {}
        for item in self.tables:
            by_name.setdefault(item.name, item)
        object.__setattr__(self, "_by_name", by_name)

    def table(self, name: str) -> Table | None:
        return self._by_name.get(name)

    @property
    def table_names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.tables)

    def with_table(self, table: Table) -> Schema:
        """This schema with `table` replaced (by name) or appended."""
        names = self.table_names
        if table.name in names:
            tables = tuple(table if t.name == table.name else t for t in self.tables)
        else:
            tables = (*self.tables, table)
        return replace(self, tables=tables)

    def to_json(self) -> dict[str, Any]:
        return {
            "tables": [t.to_json() for t in self.tables],
            "schemaValidation": self.schema_validation,
        }


def document_objects(document: Validator) -> list[ObjectV]:
    """The object shapes a table's documents can take (members of a union)."""
    if isinstance(document, ObjectV):
        return [document]
    if isinstance(document, UnionV):
        return [m for m in document.members if isinstance(m, ObjectV)]
    return []


def schema_from_json(data: Any) -> Schema:
    """Parse export JSON (client or backend form) into a schema.

    A missing `schemaValidation` means false, as the backend reads it.
    """
    if not isinstance(data, dict) or not isinstance(data.get("tables"), list):
        raise ValueError("schema JSON must be an object with a list of tables")
    tables = tuple(_table_from_json(t) for t in data["tables"])
    return Schema(tables, schema_validation=bool(data.get("schemaValidation", False)))


def _table_from_json(data: dict[str, Any]) -> Table:
    indexes: list[AnyIndex] = []
    for key, staged in (("indexes", False), ("stagedDbIndexes", True)):
        for raw in data.get(key) or []:
            indexes.append(Index(raw["indexDescriptor"], tuple(raw["fields"]), staged))
    for key, staged in (("searchIndexes", False), ("stagedSearchIndexes", True)):
        for raw in data.get(key) or []:
            indexes.append(
                SearchIndex(
                    raw["indexDescriptor"],
                    raw["searchField"],
                    tuple(raw.get("filterFields") or ()),
                    staged,
                )
            )
    for key, staged in (("vectorIndexes", False), ("stagedVectorIndexes", True)):
        for raw in data.get(key) or []:
            indexes.append(
                VectorIndex(
                    raw["indexDescriptor"],
                    raw["vectorField"],
                    raw.get("dimensions", raw.get("dimension", 0)),
                    tuple(raw.get("filterFields") or ()),
                    staged,
                )
            )
    document = data.get("documentType")
    staged_doc = data.get("stagedDocumentType")
    return Table(
        name=data["tableName"],
        document=validator_from_json(document) if document is not None else AnyV(),
        indexes=tuple(indexes),
        staged_document=validator_from_json(staged_doc) if staged_doc else None,
    )
