"""The built-in engine: a description in, a schema and its reasoning out.

`design(text)` reads the description (`intent.parse`), starts from the
domain pattern it names (its core tables, and the others it mentions), maps
every entity to a table — the library's, one borrowed from another domain,
or a new one — then applies the relations, fields and indexes the text
states, fills in what it leaves unsaid (a reference between tables listed
one after the other, with a question), and returns the operations that
build the schema, each with why, the practice it follows and warnings.
Deterministic, offline, and no code: only operations.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from convex_schema.assistant import variants
from convex_schema.assistant.attributes import FILE_HEADS
from convex_schema.assistant.design_base import (
    BODY_NOUNS,
    EVENT_NOUNS,
    NAME_FIELDS,
    TEXT_FIELDS,
    TITLED,
    Design,
)
from convex_schema.assistant.design_fields import (
    FieldSteps,
)
from convex_schema.assistant.design_relations import (
    RelationSteps,
)
from convex_schema.assistant.draft import (
    DraftField,
    DraftTable,
)
from convex_schema.assistant.intent import (
    Entity,
    parse,
)
from convex_schema.assistant.lexicon import TableRef, lexicon
from convex_schema.assistant.patterns import (
    Library,
    TablePattern,
    load_library,
)
from convex_schema.assistant.words import (
    PEOPLE,
    is_plural,
    singular,
    singular_name,
    split_camel,
    table_name,
)
from convex_schema.model import (
    IdV,
    StringV,
)

__all__ = ["Design", "design"]

logger = logging.getLogger(__name__)


def design(
    text: str,
    library: Library | None = None,
    answers: Mapping[str, str] | None = None,
) -> Design:
    """A new schema for a plain-English description; `answers` are the
    choices already made for the engine's questions, by key."""
    library = library or load_library()
    text, kinds = variants.extract(text)
    intent = parse(text, library)
    designer = _Designer(intent, library, answers)
    designer.kinds = kinds
    return designer.run()


class _Designer(RelationSteps, FieldSteps):
    """Runs the rules on one intent and builds the design."""

    def run(self) -> Design:
        self._domain_tables()
        self._resolve_entities()
        variants.attach(self, self.kinds)
        self._relations()
        self._fields()
        self._index_intents()
        self._ordered()
        self._infer_lists()
        self._complete()
        self._repoint()
        schema, steps = self.draft.finish(self.order)
        summary = self._summary()
        questions = tuple(dict.fromkeys(self.questions + self.intent.questions))
        return Design(
            schema,
            tuple(steps),
            questions,
            self.domain.name if self.domain else None,
            summary,
            tuple(self.asked),
        )

    def _summary(self) -> str:
        if self.domain is not None and self.strong:
            return f"{self.domain.title}: {self.domain.summary}"
        names = ", ".join(self.draft.tables)
        return f"A schema with {names}."

    def _domain_tables(self) -> None:
        if self.domain is None or not self.strong:
            return
        if not self._domain_fits():
            logger.info(
                "domain %s guessed, but no table named fits it: only the tables named",
                self.domain.name,
            )
            self.strong = False
            return
        for pattern in self.domain.tables:
            if pattern.core:
                self._from_pattern(pattern, pattern.name)

    def _domain_fits(self) -> bool:
        """Entities the user names win over a domain guess: when the text
        names things (not people) and none of them is a table of the domain
        ("a gym app where trainers run classes": no workouts), the domain's
        tables are left out."""
        assert self.domain is not None
        things = [
            e
            for e in self.intent.entities
            if not e.person and e.role_of is None and e.key != "users"
        ]
        if not things:
            return True
        return any(self._lookup(e.words, in_library=False) for e in things)

    def _resolve_entities(self) -> None:
        entities = self.intent.entities
        for index, entity in enumerate(entities):
            if entity.role_of is not None:
                continue
            self.tables[index] = self._resolve(entity)
        for index, entity in enumerate(entities):
            if entity.role_of is not None:
                self.tables[index] = self.tables[entity.role_of]

    def _resolve(self, entity: Entity) -> str:
        words = entity.words
        if words[-1] in ("members", "memberships", "participants") and len(words) > 1:
            membership = self._membership(entity)
            if membership:
                return membership
        if self._separate_people(entity):
            return self._separate(entity)
        found = self._lookup(words, in_library=False)
        if found is None and entity.person and not self._holds_reference(entity):
            if not entity.listed or self._user_role(entity):
                return self._users(entity)
        if entity.key in ("users", "accounts", "people", "persons"):
            return self._users(entity)
        found = found or self._lookup(words, in_library=True)
        if found is not None:
            pattern, phrase = found
            if pattern.name == "users":
                return self._users(entity)
            claimed = self._table_from(pattern) is not None and (
                self._table_from(pattern) in self.claimed
            )
            table = self._from_pattern(
                pattern, pattern.name, self._same_domain(pattern)
            )
            if not claimed:
                self._maybe_rename(table, pattern, phrase)
            self.claimed.append(table)
            return table.name
        return self._generic(entity).name

    def _separate(self, entity: Entity) -> str:
        """People the user keeps apart from users (the answer "separate"):
        a table of their own, and the library's `authorId` points at it."""
        name = self._generic(entity).name
        self.separated[singular(entity.words[-1]) + "Id"] = name
        return name

    def _repoint(self) -> None:
        for table in self.draft.tables.values():
            for item in table.fields:
                target = self.separated.get(item.name)
                if target and item.validator == IdV("users"):
                    item.validator = IdV(target)
                    logger.info("%s.%s references %s", table.name, item.name, target)

    def _holds_reference(self, entity: Entity) -> bool:
        """ "drivers assigned to trucks": people with a reference of their
        own are a table, not just users."""
        index = self.intent.entities.index(entity)
        return any(
            r.kind == "belongs" and r.child == index and not r.inferred
            for r in self.intent.relations
        )

    def _user_role(self, entity: Entity) -> bool:
        """Does the domain already point at users in this role (`teacherId`)?"""
        if self.domain is None:
            return False
        role = singular(entity.words[-1]) + "Id"
        return any(
            f.name == role and f.type.kind == "id" and f.type.table == "users"
            for t in self.domain.tables
            for f in t.fields
        )

    def _same_domain(self, pattern: TablePattern) -> bool:
        return self.domain is not None and pattern.domain == self.domain.name

    def _lookup(
        self, words: tuple[str, ...], in_library: bool
    ) -> tuple[TablePattern, tuple[str, ...]] | None:
        """The library table a phrase names: in the domain (dropping leading
        modifiers), or with `in_library` in the whole library by its exact
        phrase, preferring the domains the text mentions most."""
        if not in_library:
            if self.domain is None:
                return None
            domain_lex = lexicon(self.library, self.domain.name)
            for start in range(len(words)):
                phrase = words[start:]
                refs = domain_lex.lookup(phrase)
                if refs:
                    return self._pattern(refs[0]), phrase
            return None
        refs = lexicon(self.library).lookup(words)
        if singular(words[-1]) in FILE_HEADS:
            return None  # files are a storage id and a parent; see _default_fields
        if len(words) > 1 and singular(words[-1]) not in PEOPLE:
            trusted = list(refs)  # a phrase as specific as "leave requests"
        else:
            trusted = [r for r in refs if self.intent.evidence.get(r.domain, 0) >= 2]
        trusted.sort(key=lambda r: (self._evidence(r), not r.exact))
        return (self._pattern(trusted[0]), words) if trusted else None

    def _evidence(self, ref: TableRef) -> int:
        return -self.intent.evidence.get(ref.domain, 0)

    def _pattern(self, ref: TableRef) -> TablePattern:
        domain = self.library.domain(ref.domain)
        assert domain is not None
        pattern = domain.table(ref.table)
        assert pattern is not None
        return pattern

    def _maybe_rename(
        self,
        table: DraftTable,
        pattern: TablePattern,
        phrase: tuple[str, ...],
    ) -> None:
        """Name the table as the user does: "threads" rather than questions."""
        wanted = table_name(phrase)
        if table.name != pattern.name or wanted == pattern.name:
            return
        if len(phrase) > 1 or not is_plural(phrase[-1]) or wanted in self.draft.tables:
            return
        if phrase in (("items",), ("entries",), ("records",)):
            return
        logger.info("table %s named %s, as the description says", pattern.name, wanted)
        self._rename(table.name, wanted)

    def _rename(self, old: str, new: str) -> None:
        self.renamed[old] = new
        objects = list(self.draft.tables.values())
        before = [t.name for t in objects]
        self.draft.rename_table(old, new)
        mapping = {name: t.name for name, t in zip(before, objects, strict=True)}
        self.order = [mapping.get(n, n) for n in self.order]
        self.tables = {k: mapping.get(v, v) for k, v in self.tables.items()}

    def _generic(self, entity: Entity) -> DraftTable:
        name = table_name(entity.words)
        if entity.person and entity.listed and name in ("persons",):
            name = "people"
        existing = self.draft.table(name)
        if existing is not None:
            return existing
        table = DraftTable(
            name, f"The {' '.join(entity.words)} you described, one document each."
        )
        self.draft.add(table)
        self.order.append(name)
        logger.info("table %s from the description", name)
        return table

    def _membership(self, entity: Entity) -> str | None:
        """ "server members": who belongs to which server, with a role."""
        base = self._lookup(entity.words[:-1], False) or self._lookup(
            entity.words[:-1], True
        )
        target = None
        if base is not None:
            target = self._from_pattern(
                base[0], base[0].name, self._same_domain(base[0])
            )
            self._maybe_rename(target, base[0], base[1])
        else:
            key = table_name(entity.words[:-1])
            target = self.draft.table(key)
        if target is None:
            return None
        if self.domain is not None:
            for pattern in self.domain.tables:
                targets = {f.type.table for f in pattern.fields if f.type.kind == "id"}
                origin = target.origin.split(".")[-1]
                if origin in targets and "users" in targets and pattern.name != origin:
                    if (
                        "member" in pattern.name.lower()
                        or "membership" in pattern.synonyms
                    ):
                        table = self._from_pattern(pattern, pattern.name)
                        return table.name
        return self._join(
            target.name, self._users(), "", f"{singular_name(target.name)}Members"
        ).name

    def _complete(self) -> None:
        """Every reference resolves; every table has a field; users exist."""
        for table in list(self.draft.tables.values()):
            for item in list(table.fields):
                if not isinstance(item.validator, IdV):
                    continue
                target = item.validator.table
                if target == "_storage" or target in self.draft.tables:
                    continue
                if target == "users":
                    self._users()
                    continue
                pulled = self._pull(table, target)
                if pulled is None:
                    if item.optional or not self.strong:
                        table.drop_field(item.name)
                    else:
                        table.drop_field(item.name)
        for table in self.draft.tables.values():
            self._default_fields(table)
        if "users" in self.draft.referenced() and self.draft.table("users") is None:
            self._users()

    def _default_fields(self, table: DraftTable) -> None:
        """A new table gets the field its kind of rows always has: a name or
        title for things, a body for comments and messages."""
        if table.origin or table.join or table.variants:
            return
        head = singular(split_camel(table.name)[-1])
        if head in FILE_HEADS and not any(
            f.validator == IdV("_storage") for f in table.fields
        ):
            note = "the file in Convex storage; read it with ctx.storage.getUrl"
            table.fields.insert(0, DraftField("storageId", IdV("_storage"), note=note))
        elif head in BODY_NOUNS and not any(
            f.name in TEXT_FIELDS for f in table.fields
        ):
            table.fields.insert(0, DraftField("body", StringV()))
        elif head == "reaction" and table.field("emoji") is None:
            table.fields.insert(0, DraftField("emoji", StringV()))
        elif self._needs_name(table):
            label = "title" if head in TITLED else "name"
            table.fields.insert(0, DraftField(label, StringV()))

    def _needs_name(self, table: DraftTable) -> bool:
        """A new table of things (not events or links) is named by people."""
        if table.origin or table.join:
            return False
        if not table.fields:
            return True
        if any(f.name in NAME_FIELDS for f in table.fields):
            return False
        head = singular(split_camel(table.name)[-1])
        return head not in EVENT_NOUNS and not self._join_like(table)

    def _pull(self, table: DraftTable, target: str) -> DraftTable | None:
        """A table a required reference needs, from the same domain."""
        domain_name = table.origin.split(".")[0]
        domain = self.library.domain(domain_name) if domain_name else None
        if (
            domain is None
            or not self.strong
            or self.domain is None
            or domain.name != self.domain.name
        ):
            return None
        pattern = domain.table(target)
        if pattern is None:
            return None
        item = next(
            (
                f
                for f in table.fields
                if isinstance(f.validator, IdV) and f.validator.table == target
            ),
            None,
        )
        if item is not None and item.optional:
            return None
        return self._from_pattern(pattern, target)
