"""The engine's field rules: fields matched against the ones a table already
has, enumerations, unique, search and vector indexes, access patterns and
ordering.
"""

from __future__ import annotations

import logging

from convex_schema.assistant.attributes import Attribute
from convex_schema.assistant.design_base import (
    _EQUIVALENT,
    TEXT_FIELDS,
    DesignerBase,
)
from convex_schema.assistant.draft import (
    PRACTICE_SEARCH,
    PRACTICE_UNIQUE,
    PRACTICE_VECTOR,
    DraftField,
    DraftIndex,
    DraftTable,
    unique_index,
)
from convex_schema.assistant.intent import (
    FieldIntent,
)
from convex_schema.assistant.patterns import (
    literals,
    parse_type,
    to_validator,
)
from convex_schema.assistant.words import (
    camel,
    singular,
    singular_name,
    split_camel,
)
from convex_schema.model import (
    ArrayV,
    Float64V,
    IdV,
    LiteralV,
    StringV,
    UnionV,
    Validator,
)

logger = logging.getLogger(__name__)


class FieldSteps(DesignerBase):
    """Fields and indexes from the intent, on the right tables."""

    def _fields(self) -> None:
        for item in self.intent.fields:
            targets = self._targets(item)
            for table in targets:
                self._field(table, item)

    def _targets(self, item: FieldIntent) -> list[DraftTable]:
        if item.entity is None:
            if not item.everywhere:
                return []
            return [t for t in self.draft.tables.values() if not t.join]
        name = self.tables.get(item.entity)
        if name is None:
            return []
        if item.scope is not None and item.scope in self.tables:
            other = self.tables[item.scope]
            link = self._linking(name, other, "") if other != name else None
            if link is None and other != name:
                link = self._join(other, name, "")
            if link is not None:
                return [link]
        table = self.draft.table(name)
        return [table] if table is not None else []

    def _field(self, table: DraftTable, item: FieldIntent) -> None:
        found = item.attribute
        if item.dimensions:
            self._vector(table, item)
            return
        if found is None and item.values:
            target = self._enum_field(table, item.values)
        elif found is None and item.searchable:
            self._search(table, None, item)
            return
        elif found is None:
            return
        else:
            target = self._match(table, found)
        validator = self._validator(found, item)
        if target is None:
            assert found is not None or item.values
            name = found.name if found is not None else "kind"
            head = split_camel(name)[-1] if found is not None and item.values else ""
            if head in ENUM_HEADS and name != head and table.field(head) is None:
                name = head  # "a moderation status of ...": the table's status
            optional = bool(item.optional) or (
                found is not None
                and item.optional is None
                and (found.kind == "soft_delete" or found.optional)
            )
            note = found.note if found is not None else ""
            target = table.add_field(DraftField(name, validator, optional, note))
            logger.info("field %s.%s", table.name, name)
        elif item.values:
            target.validator = validator
        if item.optional is not None:
            target.optional = item.optional
        self._field_extras(table, target, item, found)

    def _field_extras(
        self,
        table: DraftTable,
        target: DraftField,
        item: FieldIntent,
        found: Attribute | None,
    ) -> None:
        if item.unique:
            target.optional = False if item.optional is None else target.optional
            note = (
                f"unique by convention: check {table.name}.{target.name} before insert"
            )
            target.note = target.note or note
            unique_index(table, target)
            if item.optional is not None:
                target.optional = item.optional
        if item.searchable:
            self._search(table, target, item)
        if item.indexed or (found is not None and found.kind == "soft_delete"):
            table.add_index(
                DraftIndex((target.name,), why=self._index_reason(table, target))
            )
        if (
            found is not None
            and found.kind == "money"
            and not target.name.endswith("Cents")
        ):
            table.warnings.append(
                f"{target.name} holds money; cents avoid rounding errors"
            )

    def _index_reason(self, table: DraftTable, item: DraftField) -> str:
        if item.name == "deletedAt":
            return "list the documents not deleted (deletedAt unset) without a scan"
        return f"find {table.name} by {item.name}"

    def _validator(self, found: Attribute | None, item: FieldIntent) -> Validator:
        if item.values:
            return literals(item.values)
        assert found is not None
        return to_validator(parse_type(found.type))

    def _match(self, table: DraftTable, found: Attribute) -> DraftField | None:
        """The existing field a phrase names: same name, or the same thing
        written another way (`price` is `priceCents`, `due date` is `dueAt`)."""
        name = found.name
        if table.field(name) is not None:
            return table.field(name)
        stem = _stem(name)
        candidates = [f for f in table.fields if _stem(f.name) == stem]
        if candidates:
            return candidates[0]
        for group in _EQUIVALENT:
            if stem in group:
                for item in table.fields:
                    if _stem(item.name) in group:
                        return item
        if found.kind == "money" and stem in ("amount", "value", "total"):
            money = [f for f in table.fields if f.name.endswith("Cents")]
            if len(money) == 1:
                return money[0]
        return None

    def _enum_field(
        self, table: DraftTable, values: tuple[str, ...]
    ) -> DraftField | None:
        best: tuple[int, DraftField] | None = None
        for item in table.fields:
            existing = _literal_values(item.validator)
            if existing is None:
                continue
            overlap = len(existing & set(values))
            if overlap and (best is None or overlap > best[0]):
                best = (overlap, item)
        if best is not None:
            return best[1]
        for name in ("kind", "type"):
            if table.field(name) is not None:
                return table.field(name)
        return None

    def _search(
        self, table: DraftTable, target: DraftField | None, item: FieldIntent
    ) -> None:
        if target is None or not isinstance(target.validator, StringV):
            target = next(
                (table.field(n) for n in TEXT_FIELDS if table.field(n) is not None),
                None,
            )
            if target is None:
                target = table.add_field(DraftField("body", StringV()))
        filters = tuple(self._filter_field(table, words) for words in item.filters)
        filters = tuple(f for f in filters if f)
        for index in table.indexes:
            if index.kind == "search" and index.fields == (target.name,):
                index.filters = tuple(dict.fromkeys(index.filters + filters))
                return
        table.add_index(
            DraftIndex(
                (target.name,),
                "search",
                filters=filters,
                why=f"full-text search over {table.name}.{target.name}",
                practice=PRACTICE_SEARCH,
            )
        )

    def _filter_field(self, table: DraftTable, words: tuple[str, ...]) -> str:
        """The field a filter names: "by channel" is `channelId`."""
        word = singular(words[-1])
        for item in table.fields:
            if isinstance(item.validator, IdV):
                target = item.validator.table
                if singular_name(target).lower() == word or item.name == f"{word}Id":
                    return item.name
        if word in ("user", "owner", "person"):
            refs = table.references("users")
            if refs:
                return refs[0].name
            self._users()
            table.add_field(DraftField("userId", IdV("users")))
            table.add_index(DraftIndex(("userId",)))
            return "userId"
        if table.field(camel(words)) is not None:
            return camel(words)
        return ""

    def _vector(self, table: DraftTable, item: FieldIntent) -> None:
        existing = next(
            (f for f in table.fields if f.validator == ArrayV(Float64V())), None
        )
        if existing is None:
            existing = table.add_field(
                DraftField(
                    "embedding", ArrayV(Float64V()), note="the vector of this document"
                )
            )
        filters = tuple(self._filter_field(table, words) for words in item.filters)
        filters = tuple(f for f in filters if f)
        for index in table.indexes:
            if index.kind == "vector" and index.fields == (existing.name,):
                index.dimensions = item.dimensions
                index.filters = tuple(dict.fromkeys(index.filters + filters))
                return
        table.add_index(
            DraftIndex(
                (existing.name,),
                "vector",
                item.dimensions,
                filters,
                why=f"nearest {table.name} to a query vector "
                f"({item.dimensions} dimensions)",
                practice=PRACTICE_VECTOR,
            )
        )

    def _index_intents(self) -> None:
        for index in self.intent.indexes:
            name = self.tables.get(index.entity)
            table = self.draft.table(name) if name else None
            if table is None:
                continue
            fields = []
            for words in index.fields:
                other = self.intent.entity_named(words[0])
                if other is not None and other in self.tables:
                    refs = table.references(self.tables[other])
                    if refs:
                        fields.append(refs[0].name)
                        continue
                if table.field(camel(words)):
                    fields.append(camel(words))
            if fields:
                table.add_index(
                    DraftIndex(
                        tuple(fields),
                        why=f"at most one {singular_name(table.name)} per pair: check "
                        "this index before insert"
                        if index.unique
                        else index.why,
                        practice=PRACTICE_UNIQUE if index.unique else "",
                    )
                )

    def _ordered(self) -> None:
        for entity in sorted(self.intent.ordered):
            name = self.tables.get(entity)
            if name is None:
                continue
            table = self.draft.table(name)
            assert table is not None
            joins = [
                t
                for t in self.draft.tables.values()
                if t.join and t.references(name) and not table.join
            ]
            target = joins[0] if joins and not self._has_parent(table) else table
            self._position(target, name if target is not table else "")

    def _position(self, table: DraftTable, container: str) -> None:
        position = next(
            (
                table.field(n)
                for n in ("position", "order", "rank", "sortOrder", "trackNumber")
                if table.field(n)
            ),
            None,
        )
        if position is None:
            position = table.add_field(
                DraftField(
                    "position",
                    Float64V(),
                    note="a sort key; a fraction fits between two rows",
                )
            )
        parents = [
            f.name
            for f in table.fields
            if isinstance(f.validator, IdV)
            and f.validator.table not in ("users", "_storage", table.name)
            and (not container or f.validator.table == container)
        ]
        if parents:
            table.add_index(
                DraftIndex(
                    (parents[0], position.name),
                    why=f"list a {singular_name(self._target(table, parents[0]))}'s "
                    f"{table.name} in order",
                )
            )

    def _target(self, table: DraftTable, field_name: str) -> str:
        item = table.field(field_name)
        assert item is not None
        assert isinstance(item.validator, IdV)
        return item.validator.table


ENUM_HEADS = frozenset(
    "status state stage role kind type priority visibility level category".split()
)


def _stem(name: str) -> str:
    """`priceCents` → `price`, `dueAt` → `due`, `startDate` → `start`."""
    for suffix in ("Cents", "At", "Date", "Time", "Ms", "Seconds", "Minutes", "Id"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def _literal_values(validator: Validator) -> set[str] | None:
    members = validator.members if isinstance(validator, UnionV) else (validator,)
    values = {
        m.value for m in members if isinstance(m, LiteralV) and isinstance(m.value, str)
    }
    return values if values and len(values) == len(members) else None
