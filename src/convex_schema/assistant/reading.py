"""What the reader of a description shares: the words it finds (entities,
relations, fields, indexes) and the helpers its rules use.

`intent.parse` runs the rules; `read_relations` and `read_fields` hold them.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from convex_schema.assistant.attributes import Attribute
from convex_schema.assistant.lexicon import (
    DETERMINERS,
    PUNCTUATION,
    DomainMatch,
    Lexicon,
    Mention,
    TableRef,
    lexicon,
)
from convex_schema.assistant.patterns import Library
from convex_schema.assistant.words import (
    SHARED,
    is_plural,
    singular,
)

logger = logging.getLogger(__name__)


CLAUSE_END = frozenset(";.:!?")
CONTENT = frozenset(
    "comment message post answer review note tweet reply thread".split()
)
PRONOUNS = frozenset({"it", "they", "one", "each", "every"})
OBJECT_PREPOSITIONS = frozenset("to by of in on for from under inside".split())
PRONOUN_VERBS = frozenset("belongs belong has have can may must should is are".split())

ZONE_TRIGGERS = frozenset(
    """
    with having has have had include includes including contain contains
    containing store stores keep keeps worth
    """.split()
)

ZONE_STOPS = frozenset(
    "that which who whose where when while so but because if whether".split()
)

ZONE_VERBS = frozenset(
    "is are was were be belongs belong belonging owned assigned get gets".split()
)

MODALS = frozenset("can could may might should must will would to also always".split())

ENUM_WORDS = frozenset(
    """
    status statuses state states stage stages role roles priority priorities type
    types kind kinds category categories plan plans level levels visibility tier
    tiers interval frequency gender size species mode severity condition
    difficulty rsvp response action direction permission permissions access
    channel source method format sex outcome result
    """.split()
)

ENUM_CONNECTORS = frozenset(
    """
    is are of can be should must either one as being like e.g such : ( = only
    allow allows accept accepts also
    """.split()
)

CONTAINERS = frozenset(
    "inside within in into under at on of per for during from to".split()
)

SELF_VERBS = frozenset(
    {"friend", "befriend", "block", "message", "know", "trust", "mute"}
)

THREADING = frozenset(
    "form forming create creating make making build start into as".split()
)

SELF_WORDS = frozenset({"replies", "reply", "responses", "response", "threads"})


@dataclass
class Entity:
    """Something the text names as a table (or as a person with a role)."""

    key: str
    words: tuple[str, ...]
    refs: tuple[TableRef, ...]
    first: int
    listed: bool = False
    person: bool = False
    owner: str = ""
    role_of: int | None = None
    phrases: list[tuple[str, ...]] = field(default_factory=list)
    positions: list[int] = field(default_factory=list)
    owns: tuple[str, ...] = ()  # "pet owners": the entity these people own


@dataclass(frozen=True)
class Relation:
    """How two entities relate.

    `belongs`: `child` holds a reference to `parent` (named after `role`
    when given). `many`: a join table between `child` and `parent` (named
    after `verb` when given). `self`: `child` references its own table
    (`role` names the field, "parent" by default). `self_many`: a join
    table from a table to itself ("users follow each other")."""

    kind: str
    child: int
    parent: int
    role: str = ""
    verb: str = ""
    ordered: bool = False
    inferred: bool = False


@dataclass
class FieldIntent:
    """A field the text asks for on an entity (None: on every table)."""

    entity: int | None
    attribute: Attribute | None
    words: tuple[str, ...] = ()
    values: tuple[str, ...] = ()
    optional: bool | None = None
    unique: bool = False
    searchable: bool = False
    indexed: bool = False
    filters: tuple[tuple[str, ...], ...] = ()
    dimensions: int = 0
    scope: int | None = None  # "a role in each team": on the join with it
    everywhere: bool = False  # "timestamps on all tables"
    at: int = -1  # the token it was read at


@dataclass(frozen=True)
class IndexIntent:
    """An access pattern: list `entity` by these fields (phrases)."""

    entity: int
    fields: tuple[tuple[str, ...], ...]
    unique: bool = False
    why: str = ""


@dataclass
class Intent:
    text: str
    tokens: list[str]
    domain: DomainMatch | None
    entities: list[Entity] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    fields: list[FieldIntent] = field(default_factory=list)
    indexes: list[IndexIntent] = field(default_factory=list)
    lists: list[list[int]] = field(default_factory=list)
    evidence: dict[str, int] = field(default_factory=dict)  # domain → mentions
    ordered: set[int] = field(default_factory=set)
    questions: list[str] = field(default_factory=list)

    def entity_named(self, key: str) -> int | None:
        for index, entity in enumerate(self.entities):
            if entity.key == key:
                return index
        return None


class ReaderBase:
    """The tokens, the mentions found in them, and what has been read so far."""

    def __init__(
        self, tokens: list[str], library: Library, match: DomainMatch | None
    ) -> None:
        self.tokens = tokens
        self.library = library
        self.match = match
        self.known: Lexicon | None = None
        self.join_zones: dict[int, tuple[int, int]] = {}  # "review X with ..."
        self.known_fields: set[str] = set()
        self._values_start = 0
        self._fields_seen = False
        self._zone_closed = False
        self.enums: dict[int, tuple[int, tuple[str, ...]]] = {}
        self.enum_starts: dict[int, int] = {}  # enum → where its values start
        self.zones: dict[int, int] = {}  # token → zone start
        self.mentions: list[Mention] = []
        self.at: dict[int, Mention] = {}  # token → mention covering it
        self.intent = Intent("", tokens, match)

    def _fields_follow(self, colon: int) -> bool:
        """Does a colon start a list of fields ("a users table: email ...",
        "products: name, sku")? Only after a short header naming a table."""
        header = [t for t in self.tokens[:colon] if t not in DETERMINERS]
        if not header or len(header) > 3 or any(t in CLAUSE_END for t in header):
            return False
        if header[-1] in ("table", "tables"):
            return True
        return len(header) == 1 and is_plural(header[0])

    def clause_start(self, i: int) -> int:
        while i > 0 and self.tokens[i - 1] not in CLAUSE_END:
            i -= 1
        return i

    def clause_end(self, i: int) -> int:
        while i < len(self.tokens) and self.tokens[i] not in CLAUSE_END:
            i += 1
        return i

    def mention_before(self, i: int, same_clause: bool = True) -> Mention | None:
        start = self.clause_start(i) if same_clause else 0
        if (
            start > 0
            and self.tokens[start - 1] == ":"
            and self._fields_follow(start - 1)
        ):
            start = self.clause_start(start - 1)  # "a users table: email, ..."
        for mention in reversed(self.mentions):
            if mention.end <= i and mention.start >= start:
                return mention
        return None

    def zone_owner(self, start: int) -> Mention | None:
        """Whose fields a "with ..." list gives: in "service records per truck
        with the cost", the records, not the truck."""
        end = start - 1
        if end > 0 and self.tokens[end - 1] == ")":
            # "plants (each one belongs to a greenhouse) with ...": skip the aside
            depth = 0
            for k in range(end - 1, -1, -1):
                depth += {")": 1, "(": -1}.get(self.tokens[k], 0)
                if depth == 0:
                    end = k
                    break
        owner = self.mention_before(end)
        while owner is not None and owner.start >= 2:
            k = owner.start - 1
            while k > 0 and self.tokens[k] in DETERMINERS:
                k -= 1
            if self.tokens[k] not in CONTAINERS | {"between", "among"}:
                break
            if k - 1 not in self.at:
                break
            owner = self.at[k - 1]
        return owner

    def subject(self, i: int) -> Mention | None:
        """The first mention of the clause `i` is in (before `i`)."""
        start = self.clause_start(i)
        for mention in self.mentions:
            if start <= mention.start < i:
                return mention
        if i > 0 and self.tokens[start - 1 : start] == [":"]:
            return None
        return None

    def mention_after(self, i: int, limit: int = 4) -> Mention | None:
        j = i
        while j < len(self.tokens) and j - i <= limit:
            if j in self.at:
                return self.at[j]
            word = self.tokens[j]
            if word in PUNCTUATION:
                return None
            j += 1
        return None

    def entity(self, mention: Mention) -> int:
        entity = self.intent.entities[mention.entity]
        return entity.role_of if entity.role_of is not None else mention.entity

    def add(self, relation: Relation) -> None:
        if relation not in self.intent.relations:
            logger.debug("relation %s", relation)
            self.intent.relations.append(relation)

    def skeleton(self) -> tuple[str, list[int]]:
        """The tokens with each mention written `@<entity>`, and where each
        skeleton word starts in tokens."""
        words: list[str] = []
        starts: list[int] = []
        last = -1
        seen: list[int] = []
        i = 0
        while i < len(self.tokens):
            if i in self.at and self.at[i].start == i:
                mention = self.at[i]
                words.append(f"@{mention.entity}")
                last = mention.entity
                seen.append(last)
                starts.append(i)
                i = mention.end
                continue
            after = self.tokens[i + 1] if i + 1 < len(self.tokens) else ""
            before = self.tokens[i - 1] if i else ""
            if self.tokens[i] in ("them", "it") and before in OBJECT_PREPOSITIONS:
                earlier = [e for e in seen if e != last]
                if earlier:
                    words.append(f"@{earlier[-1]}")  # "drivers assigned to them"
                    starts.append(i)
                    i += 1
                    continue
            if self.tokens[i] in PRONOUNS and after in PRONOUN_VERBS and last >= 0:
                words.append(f"@{last}")  # "(each one belongs to a greenhouse)"
                starts.append(i)
                i += 1
                continue
            words.append(self.tokens[i])
            starts.append(i)
            i += 1
        return " ".join(words), starts

    def _base(self, index: int) -> int:
        role = self.intent.entities[index].role_of
        return role if role is not None else index

    def _sub_word(self, word: str) -> bool:
        """ "subtasks", "subfolders" (not "submissions")."""
        if not (word.startswith("sub") and is_plural(word) and len(word) > 6):
            return False
        rest = word[3:]
        return bool(lexicon(self.library).lookup((rest,))) or rest in self.tokens

    def _is_users(self, index: int) -> bool:
        entity = self.intent.entities[index]
        if any(r.table == "users" for r in entity.refs) or entity.key == "users":
            return True
        return entity.person and not entity.listed

    def _m2m(self, a: int, b: int, verb: str = "") -> None:
        a, b = self._base(a), self._base(b)
        if a == b:
            self.add(Relation("self_many", a, a, verb=verb))
            return
        for relation in list(self.intent.relations):
            if relation.kind == "belongs" and {relation.child, relation.parent} == {
                a,
                b,
            }:
                self.intent.relations.remove(relation)
            if relation.kind == "many" and {relation.child, relation.parent} == {a, b}:
                return
        self.add(Relation("many", a, b, verb=verb))

    def _join(self, a: int, b: int, verb: str) -> None:
        for relation in self.intent.relations:
            if relation.kind == "many" and {relation.child, relation.parent} == {a, b}:
                return
        self.add(Relation("many", b, a, verb=verb))

    def _has(self, owner: int, item: int, phrase: str) -> None:
        entities = self.intent.entities
        if entities[item].role_of is not None:
            return
        stated = any(
            r.kind == "belongs" and {r.child, r.parent} == {owner, item}
            for r in self.intent.relations
        )
        if stated:
            return  # "trucks with drivers assigned to them": said already
        if entities[item].person and is_plural(entities[item].words[-1]):
            if not entities[owner].person and not entities[item].listed:
                self._m2m(owner, item, verb="join")  # "projects have members"
                return
        if entities[item].person and not is_plural(entities[item].words[-1]):
            role = singular(entities[item].words[-1])
            self._belong(owner, item, role)
            return
        many = re.search(r"\b(?:many|multiple|several|lots|number|more)\b", phrase)
        if many and entities[item].key in SHARED:
            self._m2m(owner, item)
            return
        self._belong(item, owner)
        if " ordered " in f" {phrase} ":
            self.intent.ordered.add(self._base(item))

    def _belong(self, child: int, parent: int, role: str = "") -> None:
        child, parent = self._base(child), self._base(parent)
        if child == parent:
            if role:
                self.add(Relation("self", child, child, role))
            return
        for relation in self.intent.relations:
            if relation.kind == "many" and {relation.child, relation.parent} == {
                child,
                parent,
            }:
                return
        self.add(Relation("belongs", child, parent, role=role))

    def _entity_word(self, word: str) -> int | None:
        """The entity a bare singular noun names ("order" in "order status")."""
        for index, entity in enumerate(self.intent.entities):
            if singular(entity.words[-1]) == singular(word) and word not in DETERMINERS:
                return self._base(index)
        return None
