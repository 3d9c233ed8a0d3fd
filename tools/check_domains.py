"""Check the assistant's domain pattern library: one TOML file per domain.

    python tools/check_domains.py [FOLDER]

Prints one line per problem (`file:line: what is wrong; what to do`) and exits
1 when there is any. `check_domains(folder)` returns the same lines.

Besides the shape of each file (required keys, no unknown keys, the type
mini-language), the checks hold the library to the Convex rules the assistant
teaches: references resolve, index names follow `by_<field>_and_<field>`
(a reference field `fooId` is named `foo`), indexes fit the limits, every
reference is indexed, no unbounded arrays of ids, money in `...Cents`
numbers, `_creationTime` rather than a `createdAt` field, and a prefix index
kept beside a longer one only with a `why`.
"""

from __future__ import annotations

import re
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from convex_schema.assistant.patterns import (
    TypeNode,
    TypeSyntaxError,
    parse_type,
)
from convex_schema.assistant.patterns import (
    index_name as _index_name,
)

__all__ = ["DOMAINS", "TypeNode", "check_domains", "index_name", "parse_type"]

ROOT = Path(__file__).resolve().parent.parent
DOMAINS = ROOT / "src" / "convex_schema" / "assistant" / "domains"

IDENTIFIER = re.compile(r"^[a-zA-Z][a-zA-Z0-9_]*$")
DOMAIN_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
LITERAL = re.compile(r"^[a-z][a-z0-9_]*$")
MONEY = re.compile(r"price|amount|cost|fee|salary|balance|budget|payout", re.I)
MAX_NAME = 64
MAX_INDEX_FIELDS = 15
MAX_INDEXES = 32
MAX_TEXT_OR_VECTOR = 4
MAX_FILTERS = 16
MAX_OBJECT_DEPTH = 2
TABLES_PER_DOMAIN = (3, 8)
ALWAYS_THERE = frozenset({"users", "_storage"})
RESERVED_INDEXES = frozenset({"by_id", "by_creation_time"})
SYSTEM_FIELDS = frozenset({"_id", "_creationTime"})
CREATION_FIELDS = frozenset({"createdAt", "creationTime"})

DOMAIN_KEYS = ({"name", "title", "synonyms", "summary", "tables"}, set[str]())
TABLE_KEYS = (
    {"name", "synonyms", "why", "core", "fields", "indexes"},
    {"search", "vector"},
)
FIELD_KEYS = ({"name", "type"}, {"optional", "why"})
INDEX_KEYS = ({"name", "fields"}, {"why"})
SEARCH_KEYS = ({"name", "field"}, {"filters", "why"})
VECTOR_KEYS = ({"name", "field", "dimensions"}, {"filters", "why"})


def index_name(fields: list[str], types: dict[str, TypeNode]) -> str:
    """The Convex-style name for an index over `fields`: `by_` and the
    fields joined with `_and_`, a reference `fooId` written `foo`."""
    references = {name for name, node in types.items() if node.kind == "id"}
    return _index_name(fields, references)


@dataclass
class _Lines:
    """Finds the line a table or one of its items is written on."""

    lines: list[str]

    def table(self, table: str) -> int:
        pattern = re.compile(rf'^name\s*=\s*"{re.escape(table)}"')
        for number, line in enumerate(self.lines, 1):
            if pattern.match(line) and number > 1:
                return number
        return 1

    def item(self, table: str, item: str) -> int:
        start = self.table(table)
        pattern = re.compile(rf'\{{\s*name\s*=\s*"{re.escape(item)}"')
        for number in range(start, len(self.lines) + 1):
            if pattern.search(self.lines[number - 1]):
                return number
        return start


@dataclass
class _Domain:
    """The problems found in one file, with where they are."""

    path: Path
    lines: _Lines
    problems: list[str] = field(default_factory=list)

    def add(self, line: int, message: str) -> None:
        self.problems.append(f"{self.path.name}:{line}: {message}")


def check_domains(folder: Path | str) -> list[str]:
    """Every problem found in the domain files of `folder`, one line each."""
    folder = Path(folder)
    files = sorted(folder.glob("*.toml"))
    if not files:
        return [f"{folder}: no domain files (*.toml); add one per domain"]
    problems: list[str] = []
    owners: dict[str, str] = {}
    for path in files:
        problems.extend(_check_file(path, owners))
    return problems


def _check_file(path: Path, owners: dict[str, str]) -> list[str]:
    text = path.read_text(encoding="utf-8")
    domain = _Domain(path, _Lines(text.splitlines()))
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        domain.add(1, f"not valid TOML: {error}")
        return domain.problems
    if _keys(domain, 1, "the domain", data, DOMAIN_KEYS):
        _check_header(domain, data, owners)
        _check_tables(domain, data["tables"])
    return domain.problems


def _keys(
    domain: _Domain,
    line: int,
    what: str,
    data: Any,
    keys: tuple[set[str], set[str]],
) -> bool:
    """Report missing and unknown keys; True when all required ones are there."""
    if not isinstance(data, dict):
        domain.add(line, f"{what} must be a table of keys, not {data!r}")
        return False
    required, optional = keys
    for key in sorted(required - data.keys()):
        domain.add(line, f"{what} has no `{key}`; add it")
    for key in sorted(data.keys() - required - optional):
        known = ", ".join(sorted(required | optional))
        domain.add(line, f"{what} has an unknown key `{key}`; use one of {known}")
    return required <= data.keys()


def _check_header(
    domain: _Domain, data: dict[str, Any], owners: dict[str, str]
) -> None:
    name = data["name"]
    if not isinstance(name, str) or not DOMAIN_NAME.match(name):
        domain.add(1, f"domain name {name!r} must be lowercase snake_case")
    elif name != domain.path.stem:
        domain.add(1, f"domain name {name!r} differs from the file name; rename one")
    for key in ("title", "summary"):
        _one_line(domain, 1, f"the domain's `{key}`", data[key])
    for synonym in _synonyms(domain, 1, "the domain", data["synonyms"]):
        owner = owners.setdefault(synonym, domain.path.stem)
        if owner != domain.path.stem:
            domain.add(1, f"synonym {synonym!r} also names domain {owner!r}; keep one")


def _one_line(domain: _Domain, line: int, what: str, value: Any) -> None:
    if not isinstance(value, str) or not value.strip() or "\n" in value:
        domain.add(line, f"{what} must be one non-empty line of text")


def _synonyms(domain: _Domain, line: int, what: str, value: Any) -> list[str]:
    """The synonyms, after reporting any that are not lowercase and unique."""
    if not isinstance(value, list) or not value:
        domain.add(line, f"{what}: `synonyms` must be a non-empty list of strings")
        return []
    good: list[str] = []
    for synonym in value:
        if not isinstance(synonym, str) or synonym != synonym.lower().strip():
            domain.add(line, f"{what}: synonym {synonym!r} must be lowercase text")
        elif synonym in good:
            domain.add(line, f"{what}: synonym {synonym!r} is listed twice")
        else:
            good.append(synonym)
    return good


def _check_tables(domain: _Domain, tables: Any) -> None:
    if not isinstance(tables, list):
        domain.add(1, "`tables` must be a list; write each as [[tables]]")
        return
    low, high = TABLES_PER_DOMAIN
    if not low <= len(tables) <= high:
        domain.add(1, f"{len(tables)} tables; a domain has {low} to {high}")
    valid = [t for t in tables if _keys(domain, 1, "a table", t, TABLE_KEYS)]
    names = [t["name"] for t in valid]
    core = {t["name"] for t in valid if t["core"] is True}
    if valid and not core:
        domain.add(1, "no table is `core = true`; mark the ones always created")
    _check_table_names(domain, names)
    _check_table_synonyms(domain, valid)
    for table in valid:
        _check_table(domain, table, set(names), core)


def _check_table_names(domain: _Domain, names: list[Any]) -> None:
    seen: set[str] = set()
    for name in names:
        if not isinstance(name, str) or not _identifier(name) or name[0].isupper():
            domain.add(1, f"table name {name!r} must be a camelCase identifier")
        elif name in seen:
            domain.add(domain.lines.table(name), f"table {name!r} is defined twice")
        else:
            seen.add(name)


def _identifier(name: str) -> bool:
    return bool(IDENTIFIER.match(name)) and len(name) <= MAX_NAME


def _check_table_synonyms(domain: _Domain, tables: list[dict[str, Any]]) -> None:
    owners = {t["name"]: t["name"] for t in tables if isinstance(t["name"], str)}
    for table in tables:
        line = domain.lines.table(table["name"])
        what = f"table {table['name']!r}"
        for synonym in _synonyms(domain, line, what, table["synonyms"]):
            owner = owners.setdefault(synonym, table["name"])
            if owner != table["name"]:
                domain.add(line, f"{what}: synonym {synonym!r} also names {owner!r}")


def _check_table(
    domain: _Domain, table: dict[str, Any], names: set[str], core: set[str]
) -> None:
    name = table["name"]
    line = domain.lines.table(name)
    _one_line(domain, line, f"table {name!r}: `why`", table["why"])
    if not isinstance(table["core"], bool):
        domain.add(line, f"table {name!r}: `core` must be true or false")
    types = _check_fields(domain, table, names | ALWAYS_THERE, core)
    _check_indexes(domain, table, types)
    _check_search(domain, table, types)
    _check_vector(domain, table, types)
    _check_index_names(domain, table)


def _check_fields(
    domain: _Domain, table: dict[str, Any], names: set[str], core: set[str]
) -> dict[str, TypeNode]:
    """Check each field; return the parsed type of each good one by name."""
    types: dict[str, TypeNode] = {}
    fields = table["fields"]
    if not isinstance(fields, list) or not fields:
        domain.add(domain.lines.table(table["name"]), "`fields` must be a list")
        return types
    for spec in fields:
        node = _check_field(domain, table, spec, names, core)
        if node is not None and spec["name"] in types:
            where = domain.lines.item(table["name"], spec["name"])
            domain.add(where, f"field {spec['name']!r} is defined twice")
        elif node is not None:
            types[spec["name"]] = node
    return types


def _check_field(
    domain: _Domain,
    table: dict[str, Any],
    spec: Any,
    names: set[str],
    core: set[str],
) -> TypeNode | None:
    line = domain.lines.table(table["name"])
    if not _keys(domain, line, f"a field of {table['name']!r}", spec, FIELD_KEYS):
        return None
    name, text = spec["name"], spec["type"]
    line = domain.lines.item(table["name"], str(name))
    what = f"field {table['name']}.{name}"
    if not isinstance(name, str) or not _identifier(name) or name[0].isupper():
        domain.add(line, f"{what}: the name must be a camelCase identifier")
        return None
    if name in CREATION_FIELDS:
        domain.add(line, f"{what}: use the system field `_creationTime` instead")
    if not isinstance(spec.get("optional", False), bool):
        domain.add(line, f"{what}: `optional` must be true or false")
    if "why" in spec:
        _one_line(domain, line, f"{what}: `why`", spec["why"])
    try:
        node = parse_type(str(text))
    except TypeSyntaxError as error:
        domain.add(line, f"{what}: type {text!r} does not parse: {error}")
        return None
    for problem in _type_problems(node, table, names, core):
        domain.add(line, f"{what}: {problem}")
    for problem in _field_habits(name, node, spec):
        domain.add(line, f"{what}: {problem}")
    return node


def _type_problems(
    node: TypeNode, table: dict[str, Any], names: set[str], core: set[str]
) -> Iterator[str]:
    for part in node.walk():
        if part.kind == "id" and part.table not in names:
            yield f"references table {part.table!r}, which this domain lacks"
        elif part.kind == "id" and table["core"] is True and part.table not in core:
            if part.table not in ALWAYS_THERE:
                yield f"a core table references non-core table {part.table!r}"
        if part.kind == "array" and part.element and part.element.kind == "id":
            yield "an array of ids grows without bound; use a join table"
        if part.kind == "literals":
            yield from _literal_problems(part.values)
        for name, _, _ in part.fields:
            if not _identifier(name):
                yield f"nested field {name!r} must be an identifier"
    if node.depth() > MAX_OBJECT_DEPTH:
        yield f"objects nest {node.depth()} deep; keep them to {MAX_OBJECT_DEPTH}"


def _literal_problems(values: tuple[str, ...]) -> Iterator[str]:
    for value in values:
        if not LITERAL.match(value):
            yield f"literal {value!r} must be lowercase snake_case"
    if len(set(values)) != len(values):
        yield "a literal is listed twice"


def _field_habits(name: str, node: TypeNode, spec: dict[str, Any]) -> Iterator[str]:
    """The library's own conventions for money and escape hatches."""
    if name.endswith("Cents"):
        if node.kind != "number":
            yield "money is a `number` of cents"
        if "why" not in spec:
            yield "say in `why` that the amount is in cents"
    elif MONEY.search(name) and node.kind in ("number", "int64"):
        yield f"money is a `number` of cents named `{name}Cents`"
    if any(part.kind == "any" for part in node.walk()) and "why" not in spec:
        yield "`any` needs a `why` saying why no validator fits"


def _check_indexes(
    domain: _Domain, table: dict[str, Any], types: dict[str, TypeNode]
) -> None:
    name = table["name"]
    indexes = table["indexes"]
    if not isinstance(indexes, list):
        domain.add(domain.lines.table(name), f"table {name!r}: `indexes` is a list")
        return
    good = [i for i in indexes if _check_index(domain, name, i, types)]
    _check_duplicate_indexes(domain, name, good)
    indexed = {f for index in good for f in index["fields"]}
    for field_name, node in types.items():
        if node.kind == "id" and node.table != "_storage" and field_name not in indexed:
            domain.add(
                domain.lines.item(name, field_name),
                f"field {name}.{field_name}: a reference with no index; add "
                f"{index_name([field_name], types)!r} so it can be listed",
            )


def _check_index(
    domain: _Domain, table: str, index: Any, types: dict[str, TypeNode]
) -> bool:
    line = domain.lines.table(table)
    if not _keys(domain, line, f"an index of {table!r}", index, INDEX_KEYS):
        return False
    name, fields = index["name"], index["fields"]
    line = domain.lines.item(table, str(name))
    what = f"index {table}.{name}"
    if not isinstance(fields, list) or not fields:
        domain.add(line, f"{what}: `fields` must be a non-empty list")
        return False
    problems = list(_index_field_problems(fields, types))
    for problem in problems:
        domain.add(line, f"{what}: {problem}")
    if not problems and name != index_name(fields, types):
        domain.add(line, f"{what}: name it {index_name(fields, types)!r}")
    if "why" in index:
        _one_line(domain, line, f"{what}: `why`", index["why"])
    return not problems


def _index_field_problems(
    fields: list[Any], types: dict[str, TypeNode]
) -> Iterator[str]:
    if len(fields) > MAX_INDEX_FIELDS:
        yield f"{len(fields)} fields; Convex allows {MAX_INDEX_FIELDS}"
    if len(set(map(str, fields))) != len(fields):
        yield "a field is listed twice"
    for name in fields:
        if name in SYSTEM_FIELDS:
            yield f"{name!r} is a system field; Convex adds it to every index"
        elif name not in types:
            yield f"field {name!r} is not a field of the table"


def _check_duplicate_indexes(
    domain: _Domain, table: str, indexes: list[dict[str, Any]]
) -> None:
    for index in indexes:
        fields = index["fields"]
        line = domain.lines.item(table, index["name"])
        for other in indexes:
            longer = other["fields"]
            if other is index or len(longer) < len(fields):
                continue
            if longer == fields:
                domain.add(line, f"index {index['name']!r} repeats {other['name']!r}")
            elif longer[: len(fields)] == fields and "why" not in index:
                domain.add(
                    line,
                    f"index {index['name']!r} is a prefix of {other['name']!r}; "
                    "drop it or say in `why` why its _creationTime order is needed",
                )


def _check_search(
    domain: _Domain, table: dict[str, Any], types: dict[str, TypeNode]
) -> None:
    for spec in _special_indexes(domain, table, "search", SEARCH_KEYS):
        what = f"search index {table['name']}.{spec['name']}"
        line = domain.lines.item(table["name"], str(spec["name"]))
        node = types.get(spec["field"])
        if node is None or node.kind != "string":
            domain.add(line, f"{what}: the search field must be a string field")
        if spec["name"] != f"search_{spec['field']}":
            domain.add(line, f"{what}: name it 'search_{spec['field']}'")
        _check_filters(domain, line, what, spec, types)


def _check_vector(
    domain: _Domain, table: dict[str, Any], types: dict[str, TypeNode]
) -> None:
    for spec in _special_indexes(domain, table, "vector", VECTOR_KEYS):
        what = f"vector index {table['name']}.{spec['name']}"
        line = domain.lines.item(table["name"], str(spec["name"]))
        node = types.get(spec["field"])
        if node is None or node.kind != "array" or node.element != TypeNode("number"):
            domain.add(line, f"{what}: the vector field must be `array:number`")
        if spec["name"] != f"by_{spec['field']}":
            domain.add(line, f"{what}: name it 'by_{spec['field']}'")
        dimensions = spec["dimensions"]
        if not isinstance(dimensions, int) or not 2 <= dimensions <= 4096:
            domain.add(line, f"{what}: dimensions must be a whole number, 2 to 4096")
        _check_filters(domain, line, what, spec, types)


def _special_indexes(
    domain: _Domain, table: dict[str, Any], key: str, keys: tuple[set[str], set[str]]
) -> list[dict[str, Any]]:
    specs = table.get(key, [])
    line = domain.lines.table(table["name"])
    if not isinstance(specs, list):
        domain.add(line, f"table {table['name']!r}: `{key}` must be a list")
        return []
    if len(specs) > MAX_TEXT_OR_VECTOR:
        domain.add(line, f"{len(specs)} {key} indexes; Convex allows 4 per table")
    what = f"a {key} index of {table['name']!r}"
    return [s for s in specs if _keys(domain, line, what, s, keys)]


def _check_filters(
    domain: _Domain,
    line: int,
    what: str,
    spec: dict[str, Any],
    types: dict[str, TypeNode],
) -> None:
    filters = spec.get("filters", [])
    if not isinstance(filters, list) or len(filters) > MAX_FILTERS:
        domain.add(line, f"{what}: `filters` is a list of at most {MAX_FILTERS}")
        return
    for name in filters:
        if name not in types:
            domain.add(line, f"{what}: filter {name!r} is not a field of the table")


def _check_index_names(domain: _Domain, table: dict[str, Any]) -> None:
    every = [
        spec.get("name") if isinstance(spec, dict) else None
        for key in ("indexes", "search", "vector")
        for spec in (table.get(key) or [])
    ]
    line = domain.lines.table(table["name"])
    if len(every) > MAX_INDEXES:
        domain.add(line, f"{len(every)} indexes; Convex allows {MAX_INDEXES}")
    seen: set[str] = set()
    for name in every:
        if not isinstance(name, str) or not _identifier(name):
            domain.add(line, f"index name {name!r} must be an identifier")
        elif name in RESERVED_INDEXES or name in seen:
            why = "reserved by Convex" if name in RESERVED_INDEXES else "used twice"
            domain.add(domain.lines.item(table["name"], name), f"{name!r} is {why}")
        else:
            seen.add(name)


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else DOMAINS
    problems = check_domains(folder)
    for problem in problems:
        print(problem)
    count = len(list(folder.glob("*.toml")))
    print(f"{count} domains, {len(problems)} problems", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
