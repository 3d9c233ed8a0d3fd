"""Edit commands that add or restructure: an array or a text field moved into
a table of its own, indexes for access patterns, and new fields ("add a slug
to posts", "let users upload a profile picture").
"""

from __future__ import annotations

import logging

from convex_schema.assistant.attributes import attribute
from convex_schema.assistant.draft import (
    DraftField,
    DraftIndex,
    DraftTable,
)
from convex_schema.assistant.edit_base import (
    BACKFILL,
    DROPPED,
    EditorBase,
    _validator,
)
from convex_schema.assistant.lexicon import PLURAL_FIELDS
from convex_schema.assistant.patterns import literals
from convex_schema.assistant.words import (
    camel,
    is_plural,
    plural,
    reference_field,
    singular,
    singular_name,
    table_name,
)
from convex_schema.model import (
    ArrayV,
    Float64V,
    IdV,
    ObjectV,
    StringV,
)

logger = logging.getLogger(__name__)


class AddCommands(EditorBase):
    """Commands that add fields, tables and indexes."""

    def _do_extract_array(self, text: str) -> None:
        patterns = [
            r"\bmove (?:the )?([a-z0-9_ ]+?) out of (?:the )?([a-z0-9_]+)",
            r"\b([a-z0-9_ ]+?) should (?:be|live|go|move|get)(?: in| into)? "
            r"(?:a |its |their |own |separate )+table instead of (?:an array |a list )?"
            r"(?:on|in) (?:the )?([a-z0-9_]+)",
        ]
        for pattern in patterns:
            for found in self._finditer(pattern, text):
                table = self._existing([found.group(2)])
                words = found.group(1).split()
                field = self._field_named(words, table) or self._field_named(
                    words[-1:], table
                )
                if field is None or table is None:
                    continue
                self._to_table(table, field[1], words)

    def _to_table(self, owner: str, field: str, words: list[str]) -> None:
        draft = self.draft.tables[owner]
        item = draft.field(field)
        assert item is not None
        element = (
            item.validator.element
            if isinstance(item.validator, ArrayV)
            else item.validator
        )
        stem = singular_name(owner)
        head = words[-1] if words else field
        name = table_name(tuple(words)) if words else plural(field)
        if not name.startswith(stem):
            name = stem + name[:1].upper() + name[1:]
        table = DraftTable(
            name,
            f"One document per {singular(head)}, instead of an array in {owner}.",
            join=False,
        )
        table.add_field(DraftField(reference_field(owner), IdV(owner)))
        if isinstance(element, ObjectV):
            for part in element.fields:
                table.add_field(DraftField(part.name, part.validator, part.optional))
        elif isinstance(element, IdV):
            table.add_field(DraftField(reference_field(element.table), element))
        for sub in list(table.fields):
            if isinstance(sub.validator, IdV):
                table.add_index(DraftIndex((sub.name,), why=f"list by {sub.name}"))
        self.draft.add(table)
        self.order.append(name)
        draft.drop_field(field)
        self._why(
            "add_table",
            name,
            "",
            f"{owner}.{field} as a table: an array in one document grows "
            "without bound (1 MiB limit)",
            f"copy each {owner}.{field} entry into {name} in a migration "
            "before dropping the field",
        )
        self._why(
            "drop_field", owner, field, f"moved to {name}", DROPPED.format(field=field)
        )
        self._consume(words + [owner])

    def _do_extract_string(self, text: str) -> None:
        for found in self._finditer(
            r"\bturn (?:the )?([a-z0-9_ ]+?) into (?:a |an )?([a-z0-9_]+) table",
            text,
        ):
            words = found.group(1).split()
            field = self._field_named(words)
            if field is None:
                continue
            name = self._identifier(found.group(2))
            table = DraftTable(
                name,
                f"Each {singular(name)} once, referenced by id instead of "
                "repeated as text.",
            )
            table.add_field(DraftField("name", StringV()))
            table.add_index(
                DraftIndex(("name",), why=f"find a {singular(name)} by name")
            )
            self.draft.add(table)
            self.order.append(name)
            owner = self.draft.tables[field[0]]
            owner.drop_field(field[1])
            ref = reference_field(name)
            owner.add_field(DraftField(ref, IdV(name)))
            owner.add_index(
                DraftIndex((ref,), why=f"list the {owner.name} of a {singular(name)}")
            )
            self._why(
                "add_field",
                owner.name,
                ref,
                f"references {name} instead of repeating the text",
                BACKFILL.format(field=ref),
            )
            self._why(
                "drop_field",
                owner.name,
                field[1],
                f"replaced by {ref}",
                DROPPED.format(field=field[1]),
            )
            self._consume(words + [found.group(2)])

    def _do_access_patterns(self, text: str) -> None:
        """ "list messages by channel", "list a project's open tasks", "the
        organizations a user belongs to", "sort a user's conversations by the
        time of their latest message", "look up invites by their token"."""
        for found in self._finditer(
            r"\b(?:list|sort|find|look up|lookup|fetch|load|query|show) "
            r"(?:all )?(?:the )?"
            r"([a-z0-9_]+) by (?:their |its |the )?([a-z0-9_]+)",
            text,
        ):
            table = self._existing([found.group(1)])
            if table is None:
                continue
            self._index_for(table, found.group(2))
        for found in self._finditer(
            r"\b(?:list|show|find|sort) (?:all )?(?:the |a |an )?([a-z0-9_]+) 's "
            r"(open |active |unread |pending |done |completed )?([a-z0-9_]+)"
            r"(?: by (?:the time of )?(?:their |its )?(latest|last|newest|recent) "
            r"([a-z0-9_]+))?",
            text,
        ):
            table = self._existing([found.group(3)])
            parent = self._existing([found.group(1)])
            if table is None or parent is None:
                continue
            fields = [self._reference_to(table, parent)]
            if found.group(2):
                fields.append(self._state_field(table))
            if found.group(5):
                fields.append(self._latest_field(table, found.group(5)))
            self._index(table, [f for f in fields if f])
        for found in self._finditer(
            r"\b(?:list|show|find) (?:all )?(?:the )?([a-z0-9_]+) (?:a|an|the) "
            r"([a-z0-9_]+) "
            r"(?:belongs to|is in|is a member of|has joined)",
            text,
        ):
            groups, member = (
                self._existing([found.group(1)]),
                self._existing([found.group(2)]),
            )
            if groups is None or member is None:
                continue
            for link in self.draft.tables.values():
                if link.references(groups) and link.references(member):
                    self._index(link.name, [link.references(member)[0].name])

    def _index_for(self, table: str, word: str) -> None:
        own = self._field_named([word], table)
        if own is not None:
            self._index(table, [own[1]])
            return
        other = self._existing([word])
        if other is not None:
            self._index(table, [self._reference_to(table, other)])
            return
        field = self._field_named([word], table)
        if field is None:
            found = attribute((word,))
            name = found.name if found else camel([word])
            self.draft.tables[table].add_field(DraftField(name, StringV()))
            self._why(
                "add_field",
                table,
                name,
                f"looked up by {name}",
                BACKFILL.format(field=name),
            )
            field = (table, name)
        self._index(table, [field[1]])

    def _index(self, table: str, fields: list[str]) -> None:
        if not fields or not all(fields):
            return
        draft = self.draft.tables[table]
        draft.add_index(
            DraftIndex(
                tuple(fields),
                why=f"the access pattern you described: {table} by {', '.join(fields)}",
            )
        )

    def _reference_to(self, table: str, target: str) -> str:
        draft = self.draft.tables[table]
        refs = draft.references(target)
        if refs:
            return refs[0].name
        name = reference_field(target)
        draft.add_field(DraftField(name, IdV(target)))
        self._why(
            "add_field",
            table,
            name,
            f"links {table} to {target}",
            BACKFILL.format(field=name),
        )
        return name

    def _state_field(self, table: str) -> str:
        """ "open tasks": the boolean or status that says whether it is open."""
        draft = self.draft.tables[table]
        for name in ("done", "completed", "closed", "archived", "resolved", "status"):
            if draft.field(name) is not None:
                return name
        return ""

    def _latest_field(self, table: str, word: str) -> str:
        draft = self.draft.tables[table]
        name = f"last{singular(word).capitalize()}At"
        for existing in (name, "updatedAt", "lastActivityAt"):
            if draft.field(existing) is not None:
                return existing
        draft.add_field(
            DraftField(
                name,
                Float64V(),
                True,
                "ms since epoch; set on each new " + singular(word),
            )
        )
        self._why(
            "add_field",
            table,
            name,
            f"when the latest {singular(word)} arrived, to sort by it",
        )
        return name

    def _do_add_to(self, text: str) -> None:
        """ "add a slug to posts", "upload a photo for each product", "Add user
        avatars", "customer emails must be unique"."""
        for found in self._finditer(
            r"\b(?:add|upload|attach|store|give|include|track|record|keep|save) "
            r"(?:an? |the |optional |required |unique )*([a-z0-9_\- ]+?) "
            r"(?:used |needed )?"
            r"(?:to|for|on|of|per) (?:each |every |all |the |a |an )*([a-z0-9_]+)",
            text,
        ):
            table = self._existing([found.group(2)])
            words = found.group(1).split()
            if table is None or not words or "index" in words:
                continue
            if is_plural(words[-1]) and (
                words[-1] not in PLURAL_FIELDS or "many_to_many" in text
            ):
                continue  # "add labels to tasks": a table, read by the design rules
            added = self._new_field(table, words, "optional" in found.group(0))
            if added and ("required" in found.group(0) or "unique" in found.group(0)):
                self.required.add((table, added))
                if "unique" in found.group(0):
                    item = self.draft.tables[table].field(added)
                    assert item is not None
                    self._unique(self.draft.tables[table], item)
        for found in self._finditer(r"\badd ([a-z0-9_]+) ([a-z0-9_]+)\b", text):
            table = self._existing([found.group(1)])
            if table is None or table_name((found.group(2),)) in self.draft.tables:
                continue
            if attribute((singular(found.group(2)),)) is not None:
                self._new_field(table, [singular(found.group(2))], True)
        for found in self._finditer(
            r"\b(?:let |allow )?([a-z0-9_]+) (?:can |to )?upload "
            r"(?:an? |their |a new )?([a-z0-9_ ]+?)"
            r"(?: for| to|$|[,.;])",
            text,
        ):
            table = self._existing([found.group(1)])
            if table is not None:
                self._new_field(table, found.group(2).split(), True)

    def _new_field(self, table: str, words: list[str], optional: bool) -> str:
        words = [w for w in words if w not in ("optional", "new", "required", "unique")]
        found = attribute(tuple(words))
        if found is None or self._field_named(words, table) is not None:
            return ""
        draft = self.draft.tables[table]
        validator = _validator(found.type)
        draft.add_field(
            DraftField(
                found.name, validator, optional or found.kind == "file", found.note
            )
        )
        warnings = (
            ()
            if optional or found.kind == "file"
            else (BACKFILL.format(field=found.name),)
        )
        why = f"you asked for {' '.join(words)} on {table}"
        if found.note:
            why += f": {found.note}"
        self._why("add_field", table, found.name, why, *warnings)
        self.last_field = (table, found.name)
        return found.name

    def _do_feedback(self, text: str) -> None:
        found = next(
            self._finditer(
                r"thumbs? ?up (?:or|and|/) (?:a )?thumbs? ?down (?:on|for|to) "
                r"(?:the |an? )?(?:[a-z]+ )?([a-z0-9_]+)",
                text,
            ),
            None,
        )
        if found is None:
            return
        table = self._existing([found.group(1)])
        if table is None:
            return
        draft = self.draft.tables[table]
        if draft.field("feedback") is None:
            draft.add_field(
                DraftField(
                    "feedback", literals(("up", "down")), True, "unset until rated"
                )
            )
            self._why(
                "add_field", table, "feedback", "a thumbs up or down, unset until given"
            )
