"""From a description to what it asks for: the entities, how they relate,
and the fields and indexes it states.

`parse(text)` finds the domain, marks the words that name tables (see
`lexicon`), and reads the sentence around them: "each A has many B",
"B belongs to A", "A can have several B" (many-to-many when B is shared),
"A and B are many-to-many", joins named by a verb ("members book classes"),
self-references ("replies", "nested under other pages", "a manager who is
also an employee"), fields listed after "with"/"has", enumerations
("status (pending, paid)", "role is one of admin, editor"), and the words
"optional", "required", "unique", "searchable", "embeddings with N
dimensions", "soft delete", "timestamps", "ordered" and "expires".

The result, an `Intent`, still speaks in words; the engine decides tables,
names and validators.
"""

from __future__ import annotations

import logging
import re
from collections import Counter

from convex_schema.assistant.attributes import attribute
from convex_schema.assistant.lexicon import (
    DETERMINERS,
    PUNCTUATION,
    VERBS_S,
    DomainMatch,
    Lexicon,
    Mention,
    detect_domain,
    find_mentions,
    lexicon,
    merged,
    names_lexicon,
    normalize,
    tokenize,
)
from convex_schema.assistant.patterns import Library, load_library
from convex_schema.assistant.read_fields import (
    FieldRules,
)
from convex_schema.assistant.read_relations import (
    RelationRules,
)
from convex_schema.assistant.reading import (
    CLAUSE_END,
    CONTENT,
    ENUM_CONNECTORS,
    ENUM_WORDS,
    MODALS,
    SELF_WORDS,
    THREADING,
    ZONE_STOPS,
    ZONE_TRIGGERS,
    ZONE_VERBS,
    Entity,
    FieldIntent,
    IndexIntent,
    Intent,
    Relation,
)
from convex_schema.assistant.words import (
    NOT_TABLES,
    PEOPLE,
    is_plural,
    literal_value,
    singular,
    split_camel,
    table_name,
)

__all__ = ["Entity", "FieldIntent", "IndexIntent", "Intent", "Relation", "parse"]

logger = logging.getLogger(__name__)


def parse(
    text: str,
    library: Library | None = None,
    known: tuple[str, ...] = (),
    fields: frozenset[str] = frozenset(),
) -> Intent:
    """Read a description (see the module docstring). `known` are the
    tables of a schema being edited, `fields` its field names: a known table
    is named before any library table, and a field name is never a table."""
    library = library or load_library()
    norm = normalize(text)
    tokens = tokenize(norm)
    match = None if known else detect_domain(norm, library)
    reader = _Reader(tokens, library, match)
    reader.known = names_lexicon(known) if known else None
    reader.known_fields = {f.lower() for f in fields} - {k.lower() for k in known}
    intent = reader.read()
    intent.text = text
    logger.info(
        "read %d entities, %d relations, %d fields",
        len(intent.entities),
        len(intent.relations),
        len(intent.fields),
    )
    return intent


class _Reader(RelationRules, FieldRules):
    """Runs every rule over one description."""

    def read(self) -> Intent:
        self._find_enums()
        self._find_zones()
        self._find_mentions()
        self._roles()
        self._possessions()
        self._self_references()
        self._many_to_many()
        self._verbs()
        self._belongs()
        self._nominal_verbs()
        self._zone_items()
        self._enumerations()
        self._modifiers()
        self._vectors()
        self._lookups()
        self._lists()
        return self.intent

    def _find_enums(self) -> None:
        tokens = self.tokens
        for i, word in enumerate(tokens):
            after = tokens[i + 1] if i + 1 < len(tokens) else ""
            if word in ENUM_WORDS and (after == "," or is_plural(word)):
                if after not in ENUM_CONNECTORS:
                    continue
            if word == "(" and after in ENUM_WORDS:
                continue  # "(status free, occupied)": the enum is the status
            if word in ENUM_WORDS or (word == "(" and i > 0):
                found = self._enum_values(i + 1, parens=word == "(")
                if found:
                    self.enums[i] = found
                    self.enum_starts[i] = self._values_start
        # "X is one of a, b or c" / "X are either a or b"
        text = " ".join(tokens)
        for hit in re.finditer(r"\b(?:is|are) (?:one of|either) ", text):
            start = len(text[: hit.end()].split())
            values = self._enum_values(start, parens=False, explicit=True)
            if values:
                self.enums[start - 1] = values
                self.enum_starts[start - 1] = self._values_start

    def _enum_values(
        self, j: int, parens: bool, explicit: bool = False
    ) -> tuple[int, tuple[str, ...]] | None:
        tokens = self.tokens
        inside = parens
        if tokens[j : j + 1] and tokens[j] in ("in", "per", "for", "on"):
            # "a role in each team: owner, admin or member"
            colon = next(
                (k for k in range(j, min(j + 5, len(tokens))) if tokens[k] == ":"), -1
            )
            if colon > 0:
                j = colon + 1
        skipped = 0
        while j < len(tokens) and tokens[j] in ENUM_CONNECTORS and skipped < 4:
            inside = inside or tokens[j] == "("
            j += 1
            skipped += 1
        explicit = explicit or skipped > 0 or tokens[j - 1 : j] == [":"]
        self._values_start = j
        values: list[str] = []
        current: list[str] = []
        limit = 3 if inside else 1
        while j < len(tokens):
            word = tokens[j]
            if word in (",", "or", "and", "/"):
                if current:
                    values.append(" ".join(current))
                    current = []
                j += 1
                continue
            if len(current) >= limit and word not in PUNCTUATION:
                if word not in NOT_TABLES:
                    current = []  # "..., and knowledge base documents": prose again
                break
            if word in PUNCTUATION or (word in DETERMINERS and word != "other"):
                break
            if word in NOT_TABLES and word not in ("free", "other", "open", "done"):
                if not (inside or explicit):
                    break
            current.append(word)
            j += 1
        if current:
            values.append(" ".join(current))
        if tokens[j - 1 : j] in ([","], ["and"], ["or"]):
            j -= 1
        values = [v for v in values if v not in ("and", "or")]
        if any(
            "many_to_many" in v or "one_to_many" in v or v == "with" for v in values
        ):
            return None
        if len(values) < 2 or (not inside and tokens[j : j + 1] == ["of"]):
            return None
        if any(len(v) > 24 for v in values):
            return None
        return j, tuple(literal_value(v) for v in values)

    def _find_zones(self) -> None:
        tokens = self.tokens
        for i, word in enumerate(tokens):
            after = tokens[i + 1] if i + 1 < len(tokens) else ""
            if word in ("need", "needs", "get", "gets") and after in DETERMINERS:
                pass  # "posts need a cover image"
            elif word == ":" and self._fields_follow(i):
                pass  # "products: name, sku, price"
            elif word not in ZONE_TRIGGERS:
                continue
            if word == "with" and i > 0 and tokens[i - 1].endswith("ed"):
                continue  # "shared with", "filled with": not a list of fields
            j = i + 1
            depth = 0
            verb = False
            while j < len(tokens):
                word_j = tokens[j]
                if word_j == "(":
                    depth += 1
                elif word_j == ")":
                    depth = max(0, depth - 1)
                elif depth == 0 and (word_j in CLAUSE_END or word_j in ZONE_STOPS):
                    break
                elif (
                    depth == 0
                    and j > i + 1
                    and (
                        word_j in MODALS
                        or word_j in ZONE_VERBS
                        or word_j in ZONE_TRIGGERS
                        or (
                            word_j in VERBS_S
                            and tokens[j + 1 : j + 2] in (["a"], ["an"], ["the"])
                        )
                    )
                ):
                    verb = True
                    break
                j += 1
            if verb:
                # "..., and a plant belongs to": the last item is a new subject.
                cut = max(
                    (k for k in range(i + 1, j) if tokens[k] in (",", "and")),
                    default=j,
                )
                j = cut
            for k in range(i + 1, j):
                self.zones.setdefault(k, i + 1)

    def _find_mentions(self) -> None:
        domain_lex = merged(self.known, self._domain_lexicon())
        blocked = self._self_words()
        blocked |= {
            i
            for i, t in enumerate(self.tokens)
            if t in self.known_fields or singular(t) in self.known_fields
        }
        if self.match is not None:
            blocked |= set(self.match.span(self.tokens))
        global_lex = lexicon(self.library)
        mentions = find_mentions(
            self.tokens, domain_lex, global_lex, set(self.zones), blocked
        )
        evidence = _evidence(mentions)
        if self.known is not None:
            for phrase, refs in self.known.phrases.items():
                if len(phrase) == 1 and refs[0].table.lower() == phrase[0]:
                    for ref in global_lex.lookup(tuple(split_camel(refs[0].table))):
                        evidence[ref.domain] += 1 if ref.table != "users" else 0
        self.intent.evidence = dict(evidence)
        if self.match is None:
            guessed = _evidence_domain(mentions, self.library)
            if guessed is not None:
                self.match = guessed
                self.intent.domain = guessed
                mentions = find_mentions(
                    self.tokens,
                    merged(self.known, self._domain_lexicon()),
                    global_lex,
                    set(self.zones),
                    blocked,
                )
        enum_spans = {
            k
            for i, (end, _) in self.enums.items()
            for k in range(self.enum_starts.get(i, i + 1), end)
        }
        header = self._header_end()
        if not any(m.start >= header for m in mentions):
            header = 0  # "products: name, sku, price" names its one table first
        self.mentions = [
            m
            for m in mentions
            if m.start not in enum_spans
            and m.start >= header
            and not (self.known is not None and self._field_phrase(m))
        ]
        for mention in self.mentions:
            for k in range(mention.start, mention.end):
                self.at[k] = mention
        self._entities()

    def _field_phrase(self, mention: Mention) -> bool:
        """Editing, "email addresses" or "user avatars" name fields."""
        if mention.refs or singular(mention.head) in PEOPLE:
            return False
        before = self.tokens[mention.start - 1] if mention.start else ""
        if before in ("many", "multiple", "several"):
            return False
        found = attribute((singular(mention.head),))
        if found is None:
            return False
        if len(mention.words) > 1 or mention.owner:
            return True  # "email addresses", "user avatars"
        return found.kind not in ("text", "")

    def _header_end(self) -> int:
        """Where a short "what the app is" header ends ("conference call for
        papers:"); its words name the app, not its tables."""
        if ":" not in self.tokens:
            return 0
        colon = self.tokens.index(":")
        if colon > 6 or any(t in CLAUSE_END for t in self.tokens[:colon]):
            return 0
        if "table" in self.tokens[:colon] or "tables" in self.tokens[:colon]:
            return 0  # "a users table: ..."
        return colon + 1

    def _domain_lexicon(self) -> Lexicon | None:
        if self.match is None:
            return None
        return lexicon(self.library, self.match.domain.name)

    def _self_words(self) -> set[int]:
        """Positions of "replies" that mean a self-reference, not a table."""
        blocked = set()
        replies = any(t in ("reply", "replies", "replying") for t in self.tokens)
        for i, word in enumerate(self.tokens):
            before = self.tokens[i - 1] if i else ""
            if replies and word in ("thread", "threads") and before in THREADING:
                blocked.add(i)  # "reply to other messages to form threads"
            after = self.tokens[i + 1] if i + 1 < len(self.tokens) else ""
            two_before = self.tokens[i - 2] if i > 1 else ""
            has = ("with", "have", "has", "support", "supports", "allow", "allows")
            if word in SELF_WORDS and (
                before in ("threaded", "nested")
                or after == "to"
                or (before in has and singular(two_before) in CONTENT)
            ):
                blocked.add(i)
            if self._sub_word(word):
                blocked.add(i)
        return blocked

    def _entities(self) -> None:
        keys: dict[str, int] = {}
        entities = self.intent.entities
        for mention in self.mentions:
            key = table_name(mention.words)
            if key not in keys:
                keys[key] = len(entities)
                entities.append(Entity(key, mention.words, mention.refs, mention.start))
            entity = entities[keys[key]]
            entity.phrases.append(mention.words)
            entity.owns = entity.owns or mention.possessor
            entity.positions.append(mention.start)
            entity.person = entity.person or mention.person
            entity.owner = entity.owner or mention.owner
            if len(mention.words) > len(entity.words) or (
                mention.plural and not is_plural(entity.words[-1])
            ):
                entity.words = mention.words
                entity.refs = mention.refs or entity.refs
            mention.entity = keys[key]
        self._merge_heads(keys)
        for mention in self.mentions:
            if not self._role_position(mention):
                entities[mention.entity].listed = True

    def _merge_heads(self, keys: dict[str, int]) -> None:
        """ "a visit" is the "vet visits" named earlier."""
        entities = self.intent.entities
        by_head: dict[str, list[int]] = {}
        for index, entity in enumerate(entities):
            if len(entity.words) > 1:
                by_head.setdefault(table_name(entity.words[-1:]), []).append(index)
        for mention in self.mentions:
            entity = entities[mention.entity]
            owners = by_head.get(entity.key, [])
            if len(entity.words) == 1 and len(owners) == 1:
                mention.entity = owners[0]

    def _role_position(self, mention: Mention) -> bool:
        """A person named only as a role ("owned by a sales rep", "has an
        assignee") is a reference to users, not a table of its own."""
        if not mention.person:
            return False
        before = self.tokens[mention.start - 1] if mention.start else ""
        if before in ("by", "to", "per", "for", "from"):
            return True
        if (
            before == "with"
            and self.tokens[mention.start - 2 : mention.start - 1] != []
        ):
            if self.tokens[mention.start - 2].endswith("ed"):
                return True  # "shared with family members"
        if mention.start in self.zones and not mention.plural:
            return True  # "has an assignee"
        if not mention.plural:
            return True
        return not self._pure_item(mention)

    def _pure_item(self, mention: Mention) -> bool:
        """Is the mention an item of an enumeration ("patients, doctors")?"""
        tokens = self.tokens
        start = mention.start - len(mention.possessor)  # "pet owners"
        before = tokens[start - 1] if start > 0 else ":"
        after = tokens[mention.end] if mention.end < len(tokens) else "."
        separators = PUNCTUATION | {"and", "or", "with"}
        return before in separators | {"of"} and (after in separators or after == "'s")


def _evidence(mentions: list[Mention]) -> Counter[str]:
    """How strongly the mentions point at each domain."""
    counts: Counter[str] = Counter()
    seen: set[tuple[str, str]] = set()
    for mention in mentions:
        if mention.partial or (mention.person and len(mention.words) == 1):
            continue
        for ref in mention.refs:
            if (ref.domain, ref.table) not in seen and ref.table != "users":
                seen.add((ref.domain, ref.table))
                counts[ref.domain] += 2 if len(mention.words) > 1 else 1
    return counts


def _evidence_domain(mentions: list[Mention], library: Library) -> DomainMatch | None:
    """The domain whose tables the text names most (at least three points)."""
    counts = _evidence(mentions)
    if not counts:
        return None
    (best, score), *rest = counts.most_common() + [("", 0)]
    if score < 3 or (rest and rest[0][1] == score):
        return None
    domain = library.domain(best)
    assert domain is not None
    logger.info("domain %s, from the tables it names", best)
    return DomainMatch(domain, best, "tables")
