"""The naming conventions of an existing schema, and names that follow them.

`detect(schema)` reads how the project names tables (camelCase or
snake_case, plural or singular), fields (camelCase or snake_case),
references (`authorId`, `author_id` or `author`), indexes (`by_a_and_b`,
`by_a_b`, `byAAndB`, another prefix) and times (explicit `createdAt` or
`_creationTime` only; `v.number` or `v.int64`). A style counts only when
the schema is consistent about it; otherwise, and on an empty schema,
Convex's own conventions apply. `apply(draft, conventions)` renames what
the engine added (new tables, fields and references) to match; index names
follow `Conventions.index_name`.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass

from convex_schema.assistant.draft import Draft, DraftField, DraftTable
from convex_schema.assistant.words import is_plural, plural, singular, split_camel
from convex_schema.model import Float64V, IdV, Index, Int64V, Schema

logger = logging.getLogger(__name__)

DEFAULT_FIELDS = frozenset({"body", "name", "title", "storageId", "emoji"})
CREATED = ("createdAt", "created_at", "created", "creationTime")


@dataclass(frozen=True)
class Conventions:
    """How a project names things; the defaults are Convex's."""

    tables: str = "camel"  # or "snake"
    plural: bool = True
    fields: str = "camel"  # or "snake"
    references: str = "Id"  # "Id" (authorId), "_id" (author_id), "" (author)
    index_prefix: str = "by_"
    index_joiner: str = "_and_"  # "_", or "And"/"" with index_camel
    index_camel: bool = False  # byAuthorAndStatus
    created: str = ""  # the creation-time field every table has, if any
    time: str = "number"  # or "int64"

    def table_name(self, name: str) -> str:
        words = split_camel(name) if "_" not in name else name.split("_")
        if words:
            last = singular(words[-1])
            words[-1] = plural(last) if self.plural else last
        return _join(words, self.tables)

    def field_name(self, name: str) -> str:
        return _join(_words(name), self.fields)

    def reference_name(self, name: str) -> str:
        """`authorId` in this project's style."""
        stem = _words(name)[:-1] if name.endswith(("Id", "_id")) else _words(name)
        if self.references == "Id":
            return _join(stem, "camel") + "Id"
        if self.references == "_id":
            return _join(stem, "snake") + "_id"
        return _join(stem, self.fields)

    def index_name(self, fields: tuple[str, ...], references: set[str]) -> str:
        stems = [_index_stem(f, f in references) for f in fields]
        if self.index_camel:
            joined = self.index_joiner.join(_pascal(s) for s in stems)
        else:
            joined = self.index_joiner.join(stems)
        return self.index_prefix + joined


DEFAULT = Conventions()


def detect(schema: Schema) -> Conventions:
    """The conventions `schema` follows consistently (Convex's elsewhere)."""
    tables = [t.name for t in schema.tables]
    fields = [f for t in schema.tables if t.fields is not None for f in t.fields.fields]
    names = [f.name for f in fields if not isinstance(f.validator, IdV)]
    found = Conventions(
        tables=_case(tables),
        plural=_plural(tables),
        fields=_case(names + [f.name for f in fields]),
        references=_references(fields),
        created=_created(schema),
        time=_time(fields),
    )
    prefix, joiner, camel_case = _index_style(schema)
    found = Conventions(
        found.tables,
        found.plural,
        found.fields,
        found.references,
        prefix,
        joiner,
        camel_case,
        found.created,
        found.time,
    )
    if found != DEFAULT:
        logger.info("project conventions: %s", found)
    return found


def apply(draft: Draft, conventions: Conventions) -> None:
    """Rename the tables and fields the engine added to the project's style."""
    if conventions == DEFAULT:
        return
    renames = {
        t.name: conventions.table_name(t.name)
        for t in draft.tables.values()
        if not t.was
    }
    renames = {old: new for old, new in renames.items() if old != new}
    tables: dict[str, DraftTable] = {}
    for table in draft.tables.values():
        if table.was:
            tables[table.name] = table
    for table in draft.tables.values():
        if table.was:
            continue
        table.name = renames.get(table.name, table.name)
        existing = tables.get(table.name)
        if existing is not None:
            _merge(existing, table)  # "blog posts" read as new: it is blog_post
            continue
        tables[table.name] = table
    draft.tables = tables
    for table in draft.tables.values():
        for item in list(table.fields):
            if isinstance(item.validator, IdV) and item.validator.table in renames:
                item.validator = IdV(renames[item.validator.table])
            if not item.was:
                _follow(table, item, conventions)
        if not table.was and not table.join and conventions.created:
            _add_created(table, conventions)


def _merge(existing: DraftTable, new: DraftTable) -> None:
    logger.info("%s is the existing table %s", new.name, existing.name)
    for item in new.fields:
        if item.name in DEFAULT_FIELDS or _named_like(existing, item):
            continue  # what a new table gets by default, not what was asked
        if existing.field(item.name) is None:
            item.optional = True  # existing documents stay valid
            existing.fields.append(item)
    for index in new.indexes:
        existing.add_index(index)


def _named_like(table: DraftTable, item: DraftField) -> bool:
    """`name` when the table has `display_name`: the same field."""
    return item.name in ("name", "title") and any(
        f.name.endswith(("_" + item.name, item.name.title())) for f in table.fields
    )


def _follow(table: DraftTable, item: DraftField, conventions: Conventions) -> None:
    if isinstance(item.validator, IdV) and item.validator.table != "_storage":
        new = conventions.reference_name(item.name)
    else:
        new = conventions.field_name(item.name)
    if conventions.time == "int64" and _is_time(item.name):
        if isinstance(item.validator, Float64V):
            item.validator = Int64V()
    if new != item.name and table.field(new) is None:
        table.rename_field(item.name, new)


def _add_created(table: DraftTable, conventions: Conventions) -> None:
    if table.field(conventions.created) is not None:
        return
    validator = Int64V() if conventions.time == "int64" else Float64V()
    note = "set on insert, as every table of this project has"
    table.fields.append(DraftField(conventions.created, validator, note=note))


def _words(name: str) -> list[str]:
    return (
        [w.lower() for w in name.split("_") if w] if "_" in name else split_camel(name)
    )


def _join(words: list[str], case: str) -> str:
    if case == "snake":
        return "_".join(words)
    return words[0] + "".join(_pascal(w) for w in words[1:]) if words else ""


def _pascal(word: str) -> str:
    parts = word.split("_") if "_" in word else [word]
    return "".join(p[:1].upper() + p[1:] for p in parts)


def _index_stem(name: str, reference: bool) -> str:
    if reference and name.endswith("Id") and len(name) > 2:
        return name[:-2]
    if reference and name.endswith("_id") and len(name) > 3:
        return name[:-3]
    return name


def _case(names: list[str]) -> str:
    snake = sum(1 for n in names if "_" in n.strip("_"))
    camel = sum(1 for n in names if re.search(r"[a-z][A-Z]", n))
    return "snake" if snake and not camel else "camel"


def _plural(names: list[str]) -> bool:
    heads = [_words(n)[-1] for n in names if _words(n)]
    plural_count = sum(1 for h in heads if is_plural(h))
    singular_count = sum(1 for h in heads if plural(h) != h and not is_plural(h))
    return not (singular_count >= 2 and plural_count == 0)


def _references(fields: list) -> str:  # type: ignore[type-arg]
    styles: Counter[str] = Counter()
    for item in fields:
        if not isinstance(item.validator, IdV) or item.validator.table == "_storage":
            continue
        if item.name.endswith("Id"):
            styles["Id"] += 1
        elif item.name.endswith("_id"):
            styles["_id"] += 1
        else:
            styles[""] += 1
    return styles.most_common(1)[0][0] if len(styles) == 1 else "Id"


def _created(schema: Schema) -> str:
    tables = [t for t in schema.tables if t.fields is not None]
    if len(tables) < 2:
        return ""
    for name in CREATED:
        if all(t.fields is not None and t.fields.field(name) for t in tables):
            return name
    return ""


def _is_time(name: str) -> bool:
    return name.endswith(("At", "_at")) or name in ("created", "updated")


def _time(fields: list) -> str:  # type: ignore[type-arg]
    kinds = {type(f.validator) for f in fields if _is_time(f.name)}
    return "int64" if kinds == {Int64V} else "number"


def _index_style(schema: Schema) -> tuple[str, str, bool]:
    """The prefix and joiner the schema's index names use consistently."""
    votes: Counter[tuple[str, str, bool]] = Counter()
    total = 0
    for table in schema.tables:
        references = {
            f.name
            for f in (table.fields.fields if table.fields else ())
            if isinstance(f.validator, IdV)
        }
        for index in table.indexes:
            if not isinstance(index, Index) or not index.fields:
                continue
            total += 1
            for style in _styles(index, references):
                votes[style] += 1
    if not votes:
        return DEFAULT.index_prefix, DEFAULT.index_joiner, False
    style, count = votes.most_common(1)[0]
    if count < total:
        return DEFAULT.index_prefix, DEFAULT.index_joiner, False
    return style


def _styles(index: Index, references: set[str]) -> set[tuple[str, str, bool]]:
    """Every (prefix, joiner, camel) that names this index after its fields."""
    found: set[tuple[str, str, bool]] = set()
    stems = [_index_stem(f, f in references) for f in index.fields]
    joiners = ("_and_", "_") if len(stems) > 1 else ("_and_", "_")
    for joiner in joiners:
        _suffix(found, index.name, joiner.join(stems), joiner, False)
    for joiner in ("And", ""):
        _suffix(found, index.name, joiner.join(_pascal(s) for s in stems), joiner, True)
    return found


def _suffix(
    found: set[tuple[str, str, bool]], name: str, tail: str, joiner: str, camel: bool
) -> None:
    if name.endswith(tail) and len(name) > len(tail):
        prefix = name[: -len(tail)]
        if len(prefix) <= 8:
            if camel and not prefix[-1:].islower():
                return
            found.add((prefix, joiner, camel))
