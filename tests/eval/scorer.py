"""Score a schema against the expectations of one evaluation prompt.

An expectation (`[prompt.expect]` in prompts.toml) holds lists of short
strings, one check each; `score` is the fraction of checks the schema meets.
`|` separates acceptable alternatives anywhere a name or a type is written.

- `tables`:  `[["posts", "articles"], ["comments"]]`, one of the names is a table.
- `fields`:  `posts|articles.body|content:string`, the field exists with that
  type. `posts.publishedAt?:number` must be optional, `users.email!:string`
  must be required; without a mark either will do. Without `:type` any type
  will do.
- `indexes`: `messages:channelId` or `tasks:projectId,status`, a database
  index whose fields start with these.
- `search`:  `posts:body`, a search index on that field; `messages:body:channelId`
  one that also filters on these fields (comma-separated).
- `vector`:  `chunks:embedding:1536`, a vector index on that field, with
  those dimensions when given.
- `absent`:  `posts`, `posts.createdAt` or `posts:authorId`, the table, the
  field or the index must not be there (a check of the forms above, negated).

Types: `string`, `number`, `int64`, `boolean`, `bytes`, `null`, `any`,
`object`, `record`, `id:<table>`, `array:<type>`, and `literals` (a string
literal or a union of them) or `literals:a,b` (all of these among the
members). After an `id:` or `array:` type, a bare name is another table or
element with the same prefix: `id:users|authors` accepts either table.

The schema is the export JSON (`defineSchema(...).export()`, what
`convex-schema show --format json` prints); the output of `design` and `edit`
(`{"schema": ..., "operations": ...}`) is accepted too.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

KEYS = ("tables", "fields", "indexes", "search", "vector", "absent")
SCALARS = frozenset(
    {"string", "number", "int64", "boolean", "bytes", "null", "any", "object"}
)
KINDS = SCALARS | {"record", "literals", "id", "array"}
JSON_KIND = {"int64": ("bigint", "int64"), "number": ("number", "float64")}


@dataclass(frozen=True)
class FieldCheck:
    """`table.field[?|!]:type`, parsed."""

    tables: tuple[str, ...]
    fields: tuple[str, ...]
    optional: bool | None
    types: tuple[str, ...]


@dataclass(frozen=True)
class IndexCheck:
    """`table:field,field`, parsed; each position lists its alternatives."""

    tables: tuple[str, ...]
    fields: tuple[tuple[str, ...], ...]


def score(expect: dict[str, Any], schema_json: dict[str, Any]) -> float:
    """The fraction of the expectation's checks that the schema meets."""
    results = check(expect, schema_json)
    if not results:
        return 1.0
    return sum(met for _, _, met in results) / len(results)


def check(
    expect: dict[str, Any], schema_json: dict[str, Any]
) -> list[tuple[str, str, bool]]:
    """Each check as (key, item, met), in the order written."""
    schema = _Schema(schema_json)
    tests: dict[str, Callable[[Any], bool]] = {
        "tables": lambda names: any(name in schema.tables for name in names),
        "fields": lambda item: schema.has_field(parse_field(item)),
        "indexes": lambda item: schema.has_index(parse_index(item)),
        "search": lambda item: schema.has_search(*_split(item, 3)),
        "vector": lambda item: schema.has_vector(*_split(item, 3)),
        "absent": lambda item: not schema.has_any(item),
    }
    return [(key, str(item), bool(tests[key](item))) for key, item in _items(expect)]


def validate(expect: dict[str, Any]) -> list[str]:
    """Problems in how an expectation is written; empty when all parse."""
    problems = []
    try:
        items = list(_items(expect))
    except ValueError as error:
        return [str(error)]
    for key, item in items:
        try:
            _parse_item(key, item)
        except ValueError as error:
            problems.append(f"{key}: {item!r}: {error}")
    return problems


def count(expect: dict[str, Any]) -> int:
    """How many checks the expectation holds."""
    return len(list(_items(expect)))


def _items(expect: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    unknown = sorted(set(expect) - set(KEYS))
    if unknown:
        raise ValueError(f"unknown expectation keys {unknown}; use {list(KEYS)}")
    for key in KEYS:
        for item in expect.get(key, []):
            yield key, item


def _parse_item(key: str, item: Any) -> object:
    if key == "tables":
        if not isinstance(item, list) or not item:
            raise ValueError("a table check is a non-empty list of names")
        return [_name(name) for name in item]
    if not isinstance(item, str):
        raise ValueError("a check is a string")
    if key == "fields":
        return parse_field(item)
    if key == "indexes":
        return parse_index(item)
    if key == "absent":
        return _absent_kind(item)
    parts = _split(item, 3)
    if key == "vector" and parts[2] is not None:
        int(parts[2])
    if key == "search" and parts[2] is not None:
        _filters(parts[2])
    return parts


def _name(text: Any) -> str:
    if not isinstance(text, str) or not text.replace("_", "a").isalnum():
        raise ValueError(f"{text!r} is not a name")
    return text


def _names(text: str) -> tuple[str, ...]:
    return tuple(_name(name) for name in text.split("|"))


def parse_field(text: str) -> FieldCheck:
    """Parse `table.field[?|!][:type]`; raise ValueError if malformed."""
    left, colon, type_text = text.partition(":")
    optional = {"?": True, "!": False}.get(left[-1:])
    if optional is not None:
        left = left[:-1]
    table_text, dot, field_text = left.partition(".")
    if not dot:
        raise ValueError("write table.field")
    types = parse_types(type_text) if colon else ()
    return FieldCheck(_names(table_text), _names(field_text), optional, types)


def parse_index(text: str) -> IndexCheck:
    """Parse `table:field,field`; raise ValueError if malformed."""
    table_text, colon, fields_text = text.partition(":")
    if not colon or not fields_text:
        raise ValueError("write table:field,field")
    fields = tuple(
        tuple(_path(f) for f in position.split("|"))
        for position in fields_text.split(",")
    )
    return IndexCheck(_names(table_text), fields)


def _path(text: str) -> str:
    for part in text.split("."):
        _name(part)
    return text


def parse_types(text: str) -> tuple[str, ...]:
    """The alternatives of a type, each spelled in full."""
    alternatives: list[str] = []
    for piece in text.split("|"):
        if not _is_type(piece):
            if not alternatives or ":" not in alternatives[-1]:
                raise ValueError(f"unknown type {piece!r}")
            piece = alternatives[-1].rsplit(":", 1)[0] + ":" + _name(piece)
        alternatives.append(piece)
    return tuple(alternatives)


def _is_type(text: str) -> bool:
    head, colon, rest = text.partition(":")
    if head in ("id", "array"):
        return bool(rest) and (head == "id" or _is_type(rest))
    if head == "literals":
        return not colon or all(rest.split(","))
    return head in KINDS and not colon


def _split(text: str, parts: int) -> tuple[Any, ...]:
    """`table:field[:more]` as a tuple; a missing last part is None."""
    pieces: list[Any] = text.split(":")
    if not 2 <= len(pieces) <= parts:
        raise ValueError("write table:field, then optionally :filters or :dimensions")
    padded = pieces + [None] * (parts - len(pieces))
    return (_names(padded[0]), _names(padded[1]), *padded[2:])


def _filters(text: str) -> list[tuple[str, ...]]:
    return [_names(name) for name in text.split(",")]


def _absent_kind(text: str) -> str:
    dot, colon = text.find("."), text.find(":")
    if dot != -1 and (colon == -1 or dot < colon):
        parse_field(text)
        return "field"
    if colon != -1:
        parse_index(text)
        return "index"
    _names(text)
    return "table"


def type_matches(spec: str, validator: dict[str, Any]) -> bool:
    """Does a validator's JSON have the type `spec` (one alternative)?"""
    head, _, rest = spec.partition(":")
    kind = validator.get("type")
    if head == "id":
        return kind == "id" and validator.get("tableName") == rest
    if head == "array":
        return kind == "array" and type_matches(rest, validator.get("value", {}))
    if head == "literals":
        values = _literal_values(validator)
        wanted = set(rest.split(",")) if rest else set()
        return values is not None and wanted <= values
    return kind in JSON_KIND.get(head, (head,))


def _literal_values(validator: dict[str, Any]) -> set[str] | None:
    """The values of a literal or a union of literals, as text."""
    members = [validator]
    if validator.get("type") == "union":
        members = validator.get("value", [])
    if not members or any(m.get("type") != "literal" for m in members):
        return None
    return {
        m["value"] if isinstance(m["value"], str) else json.dumps(m["value"])
        for m in members
    }


class _Schema:
    """Look-ups over the export JSON."""

    def __init__(self, data: dict[str, Any]) -> None:
        if "tables" not in data and isinstance(data.get("schema"), dict):
            data = data["schema"]
        self.tables = {t["tableName"]: t for t in data.get("tables", [])}

    def _pick(self, names: tuple[str, ...]) -> list[dict[str, Any]]:
        return [self.tables[name] for name in names if name in self.tables]

    def fields(self, table: dict[str, Any]) -> dict[str, dict[str, Any]]:
        """The top-level fields; for a union of objects, those of every member."""
        document = table.get("documentType") or {"type": "any"}
        members = [document]
        if document.get("type") == "union":
            members = document.get("value", [])
        found: dict[str, dict[str, Any]] = {}
        for member in members:
            if member.get("type") == "object":
                found.update(member.get("value", {}))
        return found

    def has_field(self, spec: FieldCheck) -> bool:
        for table in self._pick(spec.tables):
            fields = self.fields(table)
            for name in spec.fields:
                if name in fields and _field_matches(spec, fields[name]):
                    return True
        return False

    def has_index(self, spec: IndexCheck) -> bool:
        for table in self._pick(spec.tables):
            for index in table.get("indexes", []):
                fields = index.get("fields", [])
                if len(fields) >= len(spec.fields) and all(
                    field in choices
                    for field, choices in zip(fields, spec.fields, strict=False)
                ):
                    return True
        return False

    def has_search(
        self, tables: tuple[str, ...], fields: tuple[str, ...], filters: Any
    ) -> bool:
        wanted = _filters(filters) if filters else []
        return any(
            index.get("searchField") in fields
            and all(
                any(name in index.get("filterFields", []) for name in choices)
                for choices in wanted
            )
            for table in self._pick(tables)
            for index in table.get("searchIndexes", [])
        )

    def has_vector(
        self, tables: tuple[str, ...], fields: tuple[str, ...], dimensions: Any
    ) -> bool:
        return any(
            index.get("vectorField") in fields
            and (dimensions is None or _dimensions(index) == int(dimensions))
            for table in self._pick(tables)
            for index in table.get("vectorIndexes", [])
        )

    def has_any(self, text: str) -> bool:
        kind = _absent_kind(text)
        if kind == "field":
            return self.has_field(parse_field(text))
        if kind == "index":
            return self.has_index(parse_index(text))
        return any(name in self.tables for name in _names(text))


def _field_matches(spec: FieldCheck, field: dict[str, Any]) -> bool:
    if spec.optional is not None and bool(field.get("optional")) != spec.optional:
        return False
    validator = field.get("fieldType", {})
    return not spec.types or any(type_matches(t, validator) for t in spec.types)


def _dimensions(index: dict[str, Any]) -> Any:
    # Older exports spell the key `dimension`.
    return index.get("dimensions", index.get("dimension"))
