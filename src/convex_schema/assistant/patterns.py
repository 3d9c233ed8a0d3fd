"""The domain pattern library: one TOML file per domain, shipped as data.

Each file names a domain (a blog, an online store, a CRM...), the words people
use for it, and its tables: fields written in a small type language, indexes,
search and vector indexes, each with the reason it is there. `load_library()`
reads them once per process. `tools/check_domains.py` holds the library to
the Convex rules the assistant teaches and uses the parser defined here.

The type language: a scalar (`string`, `number`, `int64`, `boolean`,
`bytes`, `null`, `any`), `id:<table>`, `array:<type>`,
`literals:a,b,c`, `object:{name:type;other?:type}` and
`record:string:<type>`.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, NoReturn

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
    StringV,
    UnionV,
    Validator,
)

SCALARS = frozenset({"string", "number", "int64", "boolean", "bytes", "null", "any"})
COMPOUNDS = frozenset({"id", "array", "literals", "object", "record"})
_WORD = re.compile(r"[A-Za-z0-9_]+")


class TypeSyntaxError(ValueError):
    """A `type` string that is not in the mini-language."""


@dataclass(frozen=True)
class TypeNode:
    """One parsed type: `kind` is a scalar name, `id`, `array`, `literals`,
    `object` or `record`."""

    kind: str
    table: str = ""
    values: tuple[str, ...] = ()
    element: TypeNode | None = None
    fields: tuple[tuple[str, bool, TypeNode], ...] = ()

    def walk(self) -> Iterator[TypeNode]:
        """This node and every node nested in it."""
        yield self
        if self.element is not None:
            yield from self.element.walk()
        for _, _, node in self.fields:
            yield from node.walk()

    def depth(self) -> int:
        """How many objects are nested, this one included."""
        inner = [n.depth() for _, _, n in self.fields]
        if self.element is not None:
            inner.append(self.element.depth())
        return (self.kind == "object") + max(inner, default=0)


class _TypeParser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def parse(self) -> TypeNode:
        node = self.type()
        if self.pos != len(self.text):
            self.fail(f"unexpected {self.text[self.pos :]!r}")
        return node

    def fail(self, message: str) -> NoReturn:
        raise TypeSyntaxError(f"{message} at character {self.pos + 1}")

    def word(self) -> str:
        match = _WORD.match(self.text, self.pos)
        if match is None:
            self.fail("expected a name")
        self.pos = match.end()
        return match.group()

    def accept(self, char: str) -> bool:
        if self.text.startswith(char, self.pos):
            self.pos += len(char)
            return True
        return False

    def expect(self, char: str) -> None:
        if not self.accept(char):
            self.fail(f"expected {char!r}")

    def type(self) -> TypeNode:
        start = self.pos
        word = self.word()
        if word in SCALARS:
            return TypeNode(word)
        if word not in COMPOUNDS:
            self.pos = start
            known = ", ".join(sorted(SCALARS)) + ", " + ":, ".join(sorted(COMPOUNDS))
            self.fail(f"unknown type {word!r}; use one of {known}:")
        self.expect(":")
        if word == "id":
            return TypeNode("id", table=self.word())
        if word == "array":
            return TypeNode("array", element=self.type())
        if word == "literals":
            return self.literals()
        if word == "record":
            if self.word() != "string":
                self.fail("record keys must be `string`")
            self.expect(":")
            return TypeNode("record", element=self.type())
        return self.object()

    def literals(self) -> TypeNode:
        values = [self.word()]
        while self.accept(","):
            values.append(self.word())
        return TypeNode("literals", values=tuple(values))

    def object(self) -> TypeNode:
        self.expect("{")
        fields = []
        while True:
            name = self.word()
            optional = self.accept("?")
            self.expect(":")
            fields.append((name, optional, self.type()))
            if self.accept("}"):
                return TypeNode("object", fields=tuple(fields))
            self.expect(";")


def parse_type(text: str) -> TypeNode:
    """Parse one `type` of the mini-language; raise TypeSyntaxError if it is
    not one."""
    return _TypeParser(text).parse()


def index_name(fields: list[str] | tuple[str, ...], references: set[str]) -> str:
    """The Convex-style name for an index over `fields`: `by_` and the
    fields joined with `_and_`, a reference `fooId` (a field in
    `references`) written `foo`."""
    stems = []
    for name in fields:
        is_reference = name in references and name.endswith("Id") and len(name) > 2
        stems.append(name[:-2] if is_reference else name)
    return "by_" + "_and_".join(stems)


_SCALAR_VALIDATORS: dict[str, type[Validator]] = {
    "string": StringV,
    "number": Float64V,
    "int64": Int64V,
    "boolean": BooleanV,
    "bytes": BytesV,
    "null": NullV,
    "any": AnyV,
}


def to_validator(node: TypeNode) -> Validator:
    """The schema model's validator for a parsed type."""
    if node.kind in _SCALAR_VALIDATORS:
        return _SCALAR_VALIDATORS[node.kind]()
    if node.kind == "id":
        return IdV(node.table)
    if node.kind == "array":
        assert node.element is not None
        return ArrayV(to_validator(node.element))
    if node.kind == "record":
        assert node.element is not None
        return RecordV(StringV(), to_validator(node.element))
    if node.kind == "literals":
        return literals(node.values)
    fields = tuple(
        Field(name, to_validator(inner), optional)
        for name, optional, inner in node.fields
    )
    return ObjectV(fields)


def literals(values: tuple[str, ...] | list[str]) -> Validator:
    """`v.literal(...)` for one value, `v.union(v.literal(...), ...)` for more."""
    members = tuple(LiteralV(value) for value in values)
    return members[0] if len(members) == 1 else UnionV(members)


# -- the library ---------------------------------------------------------------


@dataclass(frozen=True)
class FieldPattern:
    name: str
    type: TypeNode
    optional: bool = False
    why: str = ""

    @property
    def validator(self) -> Validator:
        return to_validator(self.type)


@dataclass(frozen=True)
class IndexPattern:
    """A database, search (`kind="search"`) or vector index of a table."""

    name: str
    fields: tuple[str, ...]
    kind: str = "index"
    dimensions: int = 0
    filters: tuple[str, ...] = ()
    why: str = ""


@dataclass(frozen=True)
class TablePattern:
    name: str
    synonyms: tuple[str, ...]
    why: str
    core: bool
    fields: tuple[FieldPattern, ...]
    indexes: tuple[IndexPattern, ...]
    domain: str


@dataclass(frozen=True)
class DomainPattern:
    name: str
    title: str
    synonyms: tuple[str, ...]
    summary: str
    tables: tuple[TablePattern, ...]

    def table(self, name: str) -> TablePattern | None:
        for table in self.tables:
            if table.name == name:
                return table
        return None


@dataclass(frozen=True, eq=False)
class Library:
    domains: tuple[DomainPattern, ...]

    def domain(self, name: str) -> DomainPattern | None:
        for domain in self.domains:
            if domain.name == name:
                return domain
        return None


def domains_folder() -> Path:
    """Where the domain files are (inside the installed package)."""
    return Path(str(resources.files("convex_schema.assistant") / "domains"))


@lru_cache(maxsize=4)
def load_library(folder: Path | None = None) -> Library:
    """Every domain file of `folder` (default: the bundled library), parsed.

    Raises ValueError naming the file when one does not parse; run
    `tools/check_domains.py` for the full list of problems.
    """
    folder = folder or domains_folder()
    domains = []
    for path in sorted(folder.glob("*.toml")):
        try:
            domains.append(_domain(tomllib.loads(path.read_text(encoding="utf-8"))))
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"{path.name}: {error}") from None
    return Library(tuple(domains))


def _domain(data: dict[str, Any]) -> DomainPattern:
    name = data["name"]
    return DomainPattern(
        name=name,
        title=data["title"],
        synonyms=tuple(data["synonyms"]),
        summary=data["summary"],
        tables=tuple(_table(name, t) for t in data["tables"]),
    )


def _table(domain: str, data: dict[str, Any]) -> TablePattern:
    fields = tuple(
        FieldPattern(
            f["name"], parse_type(f["type"]), bool(f.get("optional")), f.get("why", "")
        )
        for f in data["fields"]
    )
    indexes = [
        IndexPattern(i["name"], tuple(i["fields"]), why=i.get("why", ""))
        for i in data["indexes"]
    ]
    indexes += [
        IndexPattern(
            s["name"],
            (s["field"],),
            "search",
            filters=tuple(s.get("filters", ())),
            why=s.get("why", ""),
        )
        for s in data.get("search", [])
    ]
    indexes += [
        IndexPattern(
            s["name"],
            (s["field"],),
            "vector",
            dimensions=int(s["dimensions"]),
            filters=tuple(s.get("filters", ())),
            why=s.get("why", ""),
        )
        for s in data.get("vector", [])
    ]
    return TablePattern(
        name=data["name"],
        synonyms=tuple(data["synonyms"]),
        why=data["why"],
        core=bool(data["core"]),
        fields=fields,
        indexes=tuple(indexes),
        domain=domain,
    )
