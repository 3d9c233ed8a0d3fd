"""The engine's relation rules: references with their indexes, join tables,
self-references, pairs, and the relations a list of tables leaves unsaid.
"""

from __future__ import annotations

import logging

from convex_schema.assistant.design_base import (
    CONTAINER_NOUNS,
    EVENT_NOUNS,
    OPTIONAL_ROLES,
    OWNER_NOUNS,
    RESPONSE_NOUNS,
    DesignerBase,
)
from convex_schema.assistant.draft import (
    PRACTICE_JOIN,
    DraftField,
    DraftIndex,
    DraftTable,
)
from convex_schema.assistant.intent import (
    Relation,
)
from convex_schema.assistant.questions import link_question
from convex_schema.assistant.words import (
    CREATE_VERBS,
    JOIN_VERBS,
    camel,
    reference_field,
    singular,
    singular_name,
    table_name,
)
from convex_schema.model import (
    IdV,
)

logger = logging.getLogger(__name__)

STRICT_OWNERS = frozenset({"owner", "parent", "guardian", "landlord"})


class RelationSteps(DesignerBase):
    """Relations from the intent, made references, joins and indexes."""

    def _relations(self) -> None:
        self._owners()
        for relation in self.intent.relations:
            if relation.child not in self.tables or relation.parent not in self.tables:
                continue
            child, parent = self.tables[relation.child], self.tables[relation.parent]
            if relation.kind == "belongs":
                self._belongs(relation, child, parent)
            elif relation.kind == "many":
                self._many(relation, child, parent)
            elif relation.kind == "self":
                self._self(child, relation.role or "parent")
            elif relation.kind == "self_many":
                self._self_many(child, relation.verb)
            elif relation.kind == "pair":
                self._pair(child, parent)

    def _owners(self) -> None:
        """ "user playlists", "employee leave requests": rows owned by a person."""
        for index, entity in enumerate(self.intent.entities):
            name = self.tables.get(index)
            table = self.draft.table(name) if name else None
            if not entity.owner or table is None or table.references("users"):
                continue
            owner = self.intent.entity_named(table_name((entity.owner,)))
            target = self.tables.get(owner) if owner is not None else None
            if target is None:
                target = self._users()
            role = "" if target != "users" or entity.owner == "user" else entity.owner
            self._belongs(
                Relation("belongs", index, owner or index, role), name or "", target
            )

    def _belongs(self, relation: Relation, child: str, parent: str) -> None:
        table = self.draft.table(child)
        if table is None or child == parent:
            if child == parent and relation.role:
                self._self(child, relation.role)
            return
        role = relation.role
        if role and parent != "users" and role == singular_name(parent):
            role = ""
        name = camel(role) + "Id" if role else reference_field(parent)
        existing = table.references(parent)
        generic = (
            not role
            or relation.verb in ("", "belong", "own")
            or relation.verb in CREATE_VERBS
            or role in ("person", "user", "people", "member")
        )
        if table.field(name) is not None or (
            existing and (generic or parent != "users")
        ):
            return
        if existing and role and any(role.lower() in f.name.lower() for f in existing):
            return
        optional = singular(role) in OPTIONAL_ROLES if role else False
        note = f"the {role or singular_name(parent)} this belongs to"
        table.add_field(DraftField(name, IdV(parent), optional, note))
        table.add_index(
            DraftIndex((name,), why=f"list a {singular_name(parent)}'s {child}")
        )
        logger.info("reference %s.%s to %s", child, name, parent)

    def _many(self, relation: Relation, a: str, b: str) -> None:
        if a == b:
            self._self_many(a, relation.verb)
            return
        existing = self._linking(a, b, relation.verb)
        if existing is not None:
            return
        name = ""
        if relation.verb in JOIN_VERBS:
            name = JOIN_VERBS[relation.verb][0]
            if name == "members":
                name = f"{singular_name(a if b == 'users' else b)}Members"
            elif name == "shares":
                name = f"{singular_name(a if b == 'users' else b)}Shares"
        self._join(a, b, relation.verb, name)

    def _self(self, name: str, role: str) -> None:
        table = self.draft.table(name)
        if table is None:
            return
        if role == "parent" and table.references(name):
            return
        field_name = camel(role) + "Id"
        if table.field(field_name) is not None:
            return
        note = (
            f"the {role}; unset at the top level"
            if role == "parent"
            else f"the {role}, also in {name}; unset when there is none"
        )
        table.add_field(DraftField(field_name, IdV(name), True, note))
        table.add_index(
            DraftIndex(
                (field_name,),
                why=f"list the {name} under one {singular_name(name)}"
                if role == "parent"
                else f"list the {name} a {role} has",
            )
        )

    def _pair(self, name: str, other: str) -> None:
        """ "matches between two teams": two references to the same table."""
        table = self.draft.table(name)
        if table is None or len(table.references(other)) >= 2:
            return
        stem = singular_name(other)
        for suffix in ("A", "B"):
            field_name = f"{stem}{suffix}Id"
            table.add_field(
                DraftField(field_name, IdV(other), note=f"one of the two {other}")
            )
            table.add_index(DraftIndex((field_name,), why=f"a {stem}'s {name}"))

    def _self_many(self, name: str, verb: str) -> None:
        if not verb:
            return
        special = {
            "follow": ("follows", "followerId", "followeeId"),
            "friend": ("friendships", "userId", "friendId"),
            "block": ("blocks", "blockerId", "blockedId"),
        }
        stem = singular_name(name)
        table_name_, first, second = special.get(
            verb,
            (
                JOIN_VERBS.get(verb, (verb + "s",))[0],
                f"{stem}Id",
                f"other{stem[:1].upper()}{stem[1:]}Id",
            ),
        )
        for table in self.draft.tables.values():
            if len(table.references(name)) >= 2 and table.name != name:
                return
        table = self.draft.table(table_name_) or self.draft.add(
            DraftTable(
                table_name_,
                f"One row per pair of {name}, so neither holds an array of ids.",
                practice=PRACTICE_JOIN,
                join=True,
            )
        )
        if table_name_ not in self.order:
            self.order.append(table_name_)
        table.add_field(DraftField(first, IdV(name)))
        table.add_field(DraftField(second, IdV(name)))
        table.add_index(
            DraftIndex(
                (first, second), why="who a row links to, and whether a pair is linked"
            )
        )
        table.add_index(DraftIndex((second,), why="the reverse direction"))

    def _infer_lists(self) -> None:
        """Tables listed one after another with nothing said between them:
        the later one belongs to the earlier one (asked as a question)."""
        entities = self.intent.entities
        stated = {r.child for r in self.intent.relations} | {
            r.parent for r in self.intent.relations if r.kind == "many"
        }
        for items in self.intent.lists:
            things = [i for i in items if not entities[i].person]
            if not things:
                continue
            events = [i for i in things if self._is_event(i)]
            owned = [i for i in things if i not in events]
            root = (owned or things)[0]
            for position, current in enumerate(items):
                if current in events:
                    continue
                if self._is_owner(current, strict=True) and position < items.index(
                    root
                ):
                    self._infer(root, current, stated)  # "owners and their dogs"
                    continue
                if current == root or position < items.index(root):
                    continue
                if entities[current].person and events and not self._is_owner(current):
                    continue  # the event joins this actor to the things
                before = [i for i in items[:position] if i not in events]
                self._infer(self._parent_for(before, root), current, stated)
            owners = {
                i
                for i in items
                if self._is_owner(i)
                and i in self.tables
                and any(
                    self.draft.tables[self.tables[t]].references(self.tables[i])
                    for t in owned
                    if t in self.tables
                )
            }
            for position, current in enumerate(items):
                if current in events:
                    self._infer_event(current, items[:position], owners, stated)

    def _is_event(self, index: int) -> bool:
        head = singular(self.intent.entities[index].words[-1])
        return head in EVENT_NOUNS and head not in RESPONSE_NOUNS

    def _is_owner(self, index: int, strict: bool = False) -> bool:
        """Owner-like people own the things listed beside them; `strict`:
        only those whose word says so (owners, parents), not customers."""
        entity = self.intent.entities[index]
        head = singular(entity.words[-1])
        if strict:
            return entity.person and head in STRICT_OWNERS
        return entity.person and head in OWNER_NOUNS

    def _infer_event(
        self, current: int, before: list[int], owners: set[int], stated: set[int]
    ) -> None:
        """A walk, a booking, an order listed after the actors and things it
        involves: it references each of them (walks.dogId and walks.walkerId),
        but not the owner of a thing it already references (dogs.ownerId)."""
        entities = self.intent.entities
        others = [i for i in before if not self._is_event(i) and i not in owners]
        if not others:
            others = [i for i in before if not self._is_event(i)][-1:]
        for index in others:
            if entities[index].person:
                self._infer(current, index, stated)
            else:
                self._infer(index, current, stated)

    def _parent_for(self, before: list[int], root: int) -> int:
        """Which earlier item a listed table belongs to: a reply to the last
        thing that is not a reply, anything to the last container named,
        else to the first item."""
        entities = self.intent.entities
        for index in reversed(before):
            head = singular(entities[index].words[-1])
            if entities[index].person:
                continue
            if head in CONTAINER_NOUNS:
                return index
            break
        return root

    def _infer(self, previous: int, current: int, stated: set[int]) -> None:
        """`current`, listed after `previous` with no relation said, belongs
        to it; a person listed after a thing is referenced by it."""
        entities = self.intent.entities
        if singular(entities[current].words[-1]) in RESPONSE_NOUNS:
            previous = self._last_thing(previous, current)
        a, b = self.tables.get(previous), self.tables.get(current)
        if a is None or b is None or a == b or "users" in (a, b):
            return
        if entities[current].person and not entities[current].listed:
            return
        table_a, table_b = self.draft.tables[a], self.draft.tables[b]
        if self._linked(a, b) or self._join_like(table_a) or self._join_like(table_b):
            return
        if self._domain_origin(table_a) and self._domain_origin(table_b):
            return
        if current in stated and self._domain_origin(table_b):
            return
        if self._same_library_domain(table_a, table_b):
            return
        if entities[current].person:
            text = (
                f"Does each {singular_name(a)} have one {singular_name(b)}? "
                f"(assumed: {a}.{reference_field(b)})"
            )
            if self._ask(link_question(a, b, text)) == "yes":
                relation = Relation("belongs", previous, current, inferred=True)
                self._belongs(relation, a, b)
        else:
            text = (
                f"Does each {singular_name(b)} belong to a {singular_name(a)}? "
                f"(assumed: {b}.{reference_field(a)})"
            )
            if self._ask(link_question(b, a, text)) == "yes":
                relation = Relation("belongs", current, previous, inferred=True)
                self._belongs(relation, b, a)

    def _last_thing(self, fallback: int, current: int) -> int:
        """For a reply-like table, the last listed table that is not one."""
        for items in self.intent.lists:
            if current not in items:
                continue
            for index in reversed(items[: items.index(current)]):
                entity = self.intent.entities[index]
                if (
                    not entity.person
                    and singular(entity.words[-1]) not in RESPONSE_NOUNS
                ):
                    return index
        return fallback

    def _same_library_domain(self, a: DraftTable, b: DraftTable) -> bool:
        """Two tables borrowed from one library domain: link them the way
        that domain does (a join table of its own), or not at all."""
        domain_a, domain_b = a.origin.split(".")[0], b.origin.split(".")[0]
        if not domain_a or domain_a != domain_b:
            return False
        domain = self.library.domain(domain_a)
        assert domain is not None
        names = {a.origin.split(".")[1]: a.name, b.origin.split(".")[1]: b.name}
        for pattern in domain.tables:
            targets = {f.type.table for f in pattern.fields if f.type.kind == "id"}
            if set(names) <= targets and pattern.name not in names:
                join = self._from_pattern(pattern, pattern.name, keep_references=False)
                for current in names.values():
                    self._join_reference(join, current)
                break
        return True

    def _join_reference(self, join: DraftTable, current: str) -> None:
        name = reference_field(current)
        if join.references(current) or join.field(name):
            return
        join.add_field(DraftField(name, IdV(current)))
        join.add_index(DraftIndex((name,)))

    def _linked(self, a: str, b: str) -> bool:
        tables = self.draft.tables
        if tables[a].references(b) or tables[b].references(a):
            return True
        return any(t.references(a) and t.references(b) for t in tables.values())
