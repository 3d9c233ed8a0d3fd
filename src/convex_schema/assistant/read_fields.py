"""Reading fields and indexes: "with a title and a due date", enumerations
("status (pending, paid)"), "optional", "required", "unique", "searchable",
"embeddings with N dimensions", "soft delete", "timestamps", "ordered",
access patterns ("pages by URL") and lists of tables.
"""

from __future__ import annotations

import logging
import re

from convex_schema.assistant.attributes import Attribute, attribute, guess
from convex_schema.assistant.lexicon import (
    ADJECTIVES,
    DETERMINERS,
    PUNCTUATION,
)
from convex_schema.assistant.reading import (
    SELF_WORDS,
    FieldIntent,
    IndexIntent,
    ReaderBase,
)
from convex_schema.assistant.words import (
    NOT_TABLES,
    SHARED,
    is_plural,
    singular,
)

logger = logging.getLogger(__name__)


class FieldRules(ReaderBase):
    """The rules that find fields, enumerations and indexes."""

    def _zone_items(self) -> None:
        """Each item of a "with ..." list: a field, or a child table."""
        starts = sorted(set(self.zones.values()))
        for start in starts:
            owner = self.zone_owner(start)
            if owner is None:
                continue
            owner_index = self.entity(owner)
            scope = self._join_scope(start, owner_index)
            if start in self.join_zones:
                owner_index, scope = self.join_zones[start]
            elif self.intent.entities[owner_index].person:
                for relation in self.intent.relations:
                    if relation.kind == "many" and owner_index in (
                        relation.child,
                        relation.parent,
                    ):
                        other = (
                            relation.child
                            if relation.parent == owner_index
                            else relation.parent
                        )
                        scope = other
            self._fields_seen = self._zone_closed = False
            for item, quantified in self._items(start):
                self._zone_item(owner_index, item, quantified, scope)

    def _join_scope(self, start: int, owner: int) -> int | None:
        """ "(many to many, with a quantity)": the fields go on the join."""
        opening = max(
            (
                k
                for k in range(self.clause_start(start), start)
                if self.tokens[k] == "("
            ),
            default=-1,
        )
        if opening < 0:
            opening = self.clause_start(start)
        if "many_to_many" not in self.tokens[opening:start]:
            return None
        for relation in self.intent.relations:
            if relation.kind == "many" and owner in (relation.child, relation.parent):
                return relation.parent if relation.child == owner else relation.child
        return None

    def _items(self, start: int) -> list[tuple[list[int], bool]]:
        """Token positions of each item of the zone starting at `start`."""
        items: list[tuple[list[int], bool]] = []
        current: list[int] = []
        j = start
        depth = 0
        while j < len(self.tokens) and self.zones.get(j) == start:
            word = self.tokens[j]
            if word == "(":
                depth += 1
            elif word == ")":
                depth -= 1
            elif depth == 0 and word in (",", "and", "or", "plus"):
                if current:
                    items.append((current, False))
                current = []
                j += 1
                continue
            if depth == 0 and word not in PUNCTUATION:
                current.append(j)
            if j in self.enums:
                current.append(j)
                end, _ = self.enums[j]
                if end < len(self.tokens) and self.tokens[end] == ")":
                    end += int("(" in self.tokens[j:end])
                j = max(end, j + 1)
                continue
            j += 1
        if current:
            items.append((current, False))
        self._share_heads([item for item, _ in items])
        return [(item, self._quantified(item)) for item, _ in items]

    def _share_heads(self, items: list[list[int]]) -> None:
        """ "entry and exit time": the first item takes the shared noun."""
        for first, second in zip(items, items[1:], strict=False):
            words = [self.tokens[k] for k in first if self.tokens[k] not in DETERMINERS]
            if len(words) != 1 or attribute(words) is not None or first[0] in self.at:
                continue
            if is_plural(words[0]) or words[0] in SELF_WORDS:
                continue  # "with replies, and a status": not "repliesStatus"
            head = second[-1]
            content = [k for k in second if self.tokens[k] not in DETERMINERS]
            if head in self.at or len(content) < 2:
                continue  # "a species, a location": two fields, no shared noun
            if attribute([self.tokens[second[-2]], self.tokens[head]]) is not None:
                first.append(head)

    def _each_has(self, owner: int) -> bool:
        """ "each plant has a species, a location and watering events": what
        follows "each A has" is A's, tables included (plants have many
        watering events), not a new list of tables."""
        entity = self.intent.entities[owner]
        return any(
            self.tokens[k - 1 : k] in (["each"], ["every"])
            and self.tokens[k + len(entity.words) : k + len(entity.words) + 1]
            in (["has"], ["have"])
            for k in entity.positions or [entity.first]
        )

    def _quantified(self, item: list[int]) -> bool:
        words = {self.tokens[k] for k in item}
        return bool(words & {"many", "multiple", "several", "lots", "various"})

    def _zone_item(
        self, owner: int, item: list[int], quantified: bool, join: int | None
    ) -> None:
        mentions = [self.at[k] for k in item if k in self.at]
        if self._zone_closed:
            return
        if mentions and self._fields_seen and mentions[0].start == item[0]:
            if mentions[0].plural and not quantified and not self._each_has(owner):
                self._zone_closed = True  # "with sizes, orders, and ...": a new list
                return
        if not mentions:
            self._fields_seen = True
        if mentions:
            target = mentions[0]
            if self.entity(target) == owner:
                return
            entity = self.intent.entities[self.entity(target)]
            if entity.person and not target.plural:
                self._belong(owner, self.entity(target), singular(target.head))
            elif quantified and entity.key in SHARED:
                self._m2m(owner, self.entity(target))
            elif target.start == item[0] or self.tokens[item[0]] in DETERMINERS | {
                "many",
                "multiple",
                "several",
                "ordered",
            }:
                self._has(
                    owner, self.entity(target), " ".join(self.tokens[k] for k in item)
                )
            return
        words = list(
            dict.fromkeys(
                self.tokens[k]
                for k in item
                if not (k in self.enums and self.tokens[k] == "(")
            )
        )
        optional = None
        flags = set(words)
        if "optional" in flags or "optionally" in flags:
            optional = True
        if "required" in flags or "mandatory" in flags:
            optional = False
        core = [
            w
            for w in words
            if w not in DETERMINERS
            and w not in ("optional", "required", "unique", "searchable", "mandatory")
            and not w.isdigit()
            and w not in ("to", "in", "cents", "dollars", "each", "own")
        ]
        if not core or core[0] in NOT_TABLES and len(core) == 1:
            if not (core and attribute(core)):
                return
        if any(
            w in ("soft", "delete", "deletion", "timestamps", "index") for w in core
        ):
            return
        found = attribute(core) or (
            guess(core) if self._looks_like_field(item) else None
        )
        if found is None:
            return
        enum_at = next((k for k in item if k in self.enums), None)
        enum = self.enums[enum_at] if enum_at is not None else None
        scope = self._scope(enum_at, enum[0]) if enum_at is not None and enum else None
        self.intent.fields.append(
            FieldIntent(
                owner,
                found,
                tuple(core),
                values=enum[1] if enum else (),
                optional=optional,
                unique="unique" in flags,
                searchable="searchable" in flags,
                scope=scope if scope is not None else join,
                at=item[0],
            )
        )

    def _looks_like_field(self, item: list[int]) -> bool:
        """ "a join code", "a vintage year": a singular noun after an article."""
        words = [self.tokens[k] for k in item]
        nouns = [w for w in words if w not in DETERMINERS and w not in PUNCTUATION]
        if not nouns or len(nouns) > 3:
            return False
        if any(w in NOT_TABLES and w not in ("name",) for w in nouns[-1:]):
            return False
        return (
            words[0] in ("a", "an", "optional", "unique") or not is_plural(nouns[-1])
        ) and all(re.fullmatch(r"[a-z][a-z\-]*", w) for w in nouns)

    def _enumerations(self) -> None:
        """Enumerations outside "with" lists: "order status (a, b)",
        "status is a, b or c", "whose role is one of ...", "pets (dog, cat)"."""
        in_fields = {(f.entity, f.values) for f in self.intent.fields if f.values}
        for i, (end, values) in sorted(self.enums.items()):
            word = self.tokens[i]
            owner = self._enum_owner(i)
            if owner is None and word in ("(", "of", "either"):
                continue
            if word == "(" or word in ("of", "either"):
                name: tuple[str, ...] = ()
            else:
                name = (singular(word),)
            if (owner, values) in in_fields:
                continue
            scope = self._scope(i, end)
            found = attribute(name) if name else None
            if name and found is None:
                found = guess(name)
            self.intent.fields.append(
                FieldIntent(owner, found, name, values=values, scope=scope, at=i)
            )

    def _enum_owner(self, i: int) -> int | None:
        if i - 1 in self.at:
            return self.entity(self.at[i - 1])
        named = self._entity_word(self.tokens[i - 1]) if i else None
        if named is not None:
            return named
        before = self.mention_before(i)
        if self.tokens[i] == "(":
            return (
                self.entity(before) if before is not None and before.end == i else None
            )
        if before is None:
            after = self.mention_after(i + 1, limit=2)
            return self.entity(after) if after is not None else None
        return self.entity(before)

    def _scope(self, i: int, end: int) -> int | None:
        """ "a role in each team": the field is on the join with teams."""
        window = self.tokens[i + 1 : min(end, i + 5)]
        if window[:1] and window[0] in ("in", "per", "for", "on", "of"):
            target = self.mention_after(i + 1, limit=3)
            if target is not None:
                return self.entity(target)
        return None

    def _modifiers(self) -> None:
        """ "unique", "searchable", "optional", "soft delete", "timestamps",
        "ordered", "expire"."""
        tokens = self.tokens
        for i, word in enumerate(tokens):
            nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
            if word == "unique":
                self._unique(i)
            elif word in ("searchable", "search") or (word == "full" and nxt == "text"):
                if tokens[i - 1 : i] not in (["vector"], ["semantic"], ["similarity"]):
                    self._searchable(i)
            elif word == "soft" and nxt.startswith("delet") or word == "trash":
                self._feature(i, Attribute("deletedAt", "number", "", "soft_delete"))
            elif word in ("timestamps", "timestamp") and tokens[i - 1 : i] != ["a"]:
                note = "_creationTime already records creation; this is the last change"
                self._feature(i, Attribute("updatedAt", "number", note, "time"))
            elif word in ("ordered", "order", "sorted", "rank", "ranked", "position"):
                self._ordered(i)
            elif word in ("expire", "expires", "expiring", "expiry", "expiration"):
                self._feature(
                    i, Attribute("expiresAt", "number", "ms since epoch", "time")
                )
            elif word == "when":
                self._when(i)
            elif word in ("optional", "required") and tokens[i - 1 : i] in (
                ["is"],
                ["are"],
                ["("],
                ["be"],
            ):
                self._optional_after(i, word == "optional")

    def _when(self, i: int) -> None:
        """ "track when they were edited": an optional `editedAt` time."""
        found = re.match(
            r"when (?:it|they|the \w+|a \w+|\w+) (?:was|were|is|are|got|get|gets) "
            r"(?:last )?([a-z]+ed)\b",
            " ".join(self.tokens[i : i + 6]),
        )
        if found is None:
            return
        name = found.group(1) + "At"
        note = "ms since epoch; unset until it happens"
        self._feature(i, Attribute(name, "number", note, "time"))
        self.intent.fields[-1].optional = True

    def _feature(self, i: int, found: Attribute) -> None:
        owner = self.mention_before(i) or self.mention_after(i + 1, limit=3)
        if owner is None:
            owner = self.subject(i)
        entity = self.entity(owner) if owner is not None else None
        everywhere = owner is None and any(
            w in self.tokens for w in ("all", "every", "everything", "everywhere")
        )
        optional = found.kind == "soft_delete"
        self.intent.fields.append(
            FieldIntent(
                entity,
                found,
                (found.name,),
                optional=optional if found.kind == "soft_delete" else None,
                indexed=found.kind == "soft_delete",
                everywhere=everywhere,
            )
        )

    def _field_word_before(self, i: int) -> tuple[tuple[str, ...], int | None]:
        """The field phrase written before position `i` and its owner."""
        tokens = self.tokens
        j = i - 1
        while j >= 0 and tokens[j] in (
            "that",
            "which",
            "is",
            "are",
            "must",
            "should",
            "be",
            "to",
            "needs",
            "need",
            "has",
            "have",
        ):
            j -= 1
        if j < 0 or j in self.at or tokens[j] in PUNCTUATION:
            return (), None
        words = [tokens[j]]
        modifiers = DETERMINERS | PUNCTUATION | ADJECTIVES
        if j > 0 and tokens[j - 1] not in modifiers and j - 1 not in self.at:
            if (
                attribute([tokens[j - 1], tokens[j]])
                and tokens[j - 1] not in NOT_TABLES
            ):
                words.insert(0, tokens[j - 1])
        owner = self.mention_before(j)
        return tuple(words), self.entity(owner) if owner is not None else None

    def _unique(self, i: int) -> None:
        tokens = self.tokens
        after = [w for w in tokens[i + 1 : i + 3] if w not in PUNCTUATION]
        if after and (after[0] in DETERMINERS or after[0] in ("and", "or")):
            after = []
        if after and i + 1 not in self.at:
            words = tuple(after[:2]) if attribute(after[:2]) else tuple(after[:1])
            owner = self.mention_before(i) or self.subject(i)
            entity = self.entity(owner) if owner is not None else None
            self._mark(entity, at=i, words=words, unique=True)
            return
        words, entity = self._field_word_before(i)
        if not words and tokens[i - 1 : i] == ["("]:
            words, entity = self._field_word_before(i - 1)  # "sku (unique)"
        if words:
            self._mark(entity, at=i, words=words, unique=True)
            return
        j = i - 1
        while j >= 0 and tokens[j] in ("are", "is", "must", "should", "be", "all"):
            j -= 1
        mention = self.at.get(j)
        if mention is not None and attribute((singular(mention.head),)) is not None:
            # "slugs are unique": a field named in the plural
            owner = self.mention_before(mention.start)
            entity = self.entity(owner) if owner is not None else None
            self._mark(entity, at=i, words=(singular(mention.head),), unique=True)

    def _mark(
        self,
        entity: int | None,
        words: tuple[str, ...],
        at: int = -1,
        **changes: object,
    ) -> None:
        """Set `changes` on the field `words` names (adding it when new)."""
        found = attribute(words) or guess(words)
        target = next(
            (
                item
                for item in self.intent.fields
                if item.entity == entity
                and item.attribute
                and item.attribute.name == found.name
            ),
            None,
        )
        if target is None:
            target = FieldIntent(entity, found, words, at=at)
            self.intent.fields.append(target)
        for key, value in changes.items():
            setattr(target, key, value)

    def _searchable(self, i: int) -> None:
        tokens = self.tokens
        filters = self._filters(i)
        words, entity = self._field_word_before(i)
        after = tokens[i + 1 : i + 3]
        if tokens[i] == "searchable" and after[:1] in (["by"], ["on"], ["over"]):
            if len(after) > 1 and attribute(after[1:2]) is not None:
                owner = self.mention_before(i)
                if owner is not None:
                    self._mark(
                        self.entity(owner),
                        at=i,
                        words=tuple(after[1:2]),
                        searchable=True,
                        filters=filters,
                    )
                    return
        if tokens[i] == "search" or tokens[i] == "full":
            j = i + 1
            while j < len(tokens) and tokens[j] in (
                "text",
                "search",
                "over",
                "on",
                "of",
                "the",
                "across",
                "in",
                "for",
                "by",
            ):
                j += 1
            target = self.mention_after(j, limit=0)
            if target is None and j < len(tokens) and attribute([tokens[j]]):
                words = (tokens[j],)
                owner = self.mention_after(j + 1, limit=3) or self.mention_before(j)
                entity = self.entity(owner) if owner is not None else None
            elif target is not None:
                words, entity = (), self.entity(target)
            else:
                owner = self.mention_before(i)
                if owner is None:
                    return
                words, entity = (), self.entity(owner)
        elif not words:
            owner = self.mention_before(i)
            if owner is None:
                return
            entity = self.entity(owner)
        if entity is None and not words:
            return
        if words and attribute(words) is None:
            words = ()
        if words:
            self._mark(entity, at=i, words=words, searchable=True, filters=filters)
        elif entity is not None:
            self.intent.fields.append(
                FieldIntent(entity, None, (), searchable=True, filters=filters, at=i)
            )

    def _filters(self, i: int) -> tuple[tuple[str, ...], ...]:
        tokens = self.tokens[i : self.clause_end(i)]
        for k, word in enumerate(tokens):
            if word in ("filtered", "filterable", "filter", "scoped") and k + 2 < len(
                tokens
            ):
                rest = [
                    w
                    for w in tokens[k + 1 :]
                    if w not in ("by", "per", "on", "the", "a")
                ]
                names = [w for w in rest[:3] if w not in PUNCTUATION and w != "and"]
                return tuple((w,) for w in names[:2])
        return ()

    def _ordered(self, i: int) -> None:
        tokens = self.tokens
        word = tokens[i]
        if word == "order" and tokens[i - 1 : i] not in (["in"], ["specific"], ["an"]):
            if not (
                tokens[i - 2 : i] == ["a", "specific"] or tokens[i - 1 : i] == ["time"]
            ):
                return
        if word == "order" and tokens[i - 1 : i] == ["time"]:
            return
        target = self.mention_after(i + 1, limit=1) if word == "ordered" else None
        if target is None:
            target = self.mention_before(i)
        if target is not None:
            self.intent.ordered.add(self.entity(target))

    def _optional_after(self, i: int, optional: bool) -> None:
        words, entity = self._field_word_before(
            i - 1 if self.tokens[i - 1] == "(" else i
        )
        if words and entity is not None:
            self._mark(entity, at=i, words=words, optional=optional)

    def _vectors(self) -> None:
        tokens = self.tokens
        for i, word in enumerate(tokens):
            if word not in ("embedding", "embeddings", "vector", "vectors"):
                continue
            dims = self._dimensions(i)
            owner = self.mention_before(i) or self.mention_after(i + 1, limit=3)
            if owner is None or self.entity(owner) is None:
                continue
            entity = self.entity(owner)
            filters = self._filters(i)
            self._mark(
                entity,
                at=i,
                words=("embedding",),
                dimensions=dims or 1536,
                filters=filters,
            )

    def _dimensions(self, i: int) -> int:
        window = self.tokens[max(0, i - 4) : i + 9]
        for k, word in enumerate(window):
            if (
                word.isdigit()
                and k + 1 < len(window)
                and window[k + 1].startswith("dim")
            ):
                return int(word)
            if word.isdigit() and 2 <= int(word) <= 4096 and k + 1 < len(window):
                if window[k + 1] in ("embedding", "embeddings", "d", "dims"):
                    return int(word)
        return 0

    def _lookups(self) -> None:
        """ "pages by URL", "look up invites by their token", "one vote per
        user per poll"."""
        text, _ = self.skeleton()
        for found in re.finditer(
            r"(?:^|[,:;(] |list |find |look up |lookup |get |fetch |open |load "
            r"|query )(?:all |the |a |an )?@(\d+) (?:\w+ ){0,2}?by (?:their |its |the "
            r"|a |an )?([a-z][a-z_\-]*)",
            text,
        ):
            entity = int(found.group(1))
            word = found.group(2)
            if attribute([word]) is None:
                continue
            self._mark(self._base(entity), words=(word,), indexed=True)
        for found in re.finditer(r"one @(\d+) per @(\d+) (?:and )?per @(\d+)", text):
            x, a, b = (int(found.group(k)) for k in (1, 2, 3))
            self._belong(x, a)
            self._belong(x, b)
            key_b = self.intent.entities[b].key
            key_a = self.intent.entities[a].key
            self.intent.indexes.append(
                IndexIntent(x, ((key_b,), (key_a,)), unique=True, why="one per pair")
            )

    def _lists(self) -> None:
        """Enumerations of tables, in order, for relations left unsaid."""
        text, _ = self.skeleton()
        for clause in re.split(r"[;.!?]", text):
            body = clause.split(":")[-1]
            head, with_, rest = body.partition(" with ")
            if with_ and "@" not in head:
                body = rest
            segments = re.split(r" ?, ?(?:and |or )?| and ", body)
            items: list[int] = []
            for segment in segments:
                found = re.match(r"\s*(?:and |the |a |an |some )?@(\d+)", segment)
                if found:
                    items.append(int(found.group(1)))
            if len(items) >= 2:
                self.intent.lists.append(items)
