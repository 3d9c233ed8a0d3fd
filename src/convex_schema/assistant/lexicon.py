"""Finding the domain and the tables a sentence names.

`normalize` and `tokenize` turn text into lowercase words and punctuation.
`detect_domain` finds the domain a description names ("an online store",
"like eventbrite", a typo such as "resturant"), or the one whose tables it
mentions most. `find_mentions` marks the spans of words that name a table:
phrases from the pattern library (in the chosen domain first), and plural
nouns the library does not know, with the nouns that modify them ("watering
logs").
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from convex_schema.assistant.attributes import (
    ARRAY_HEADS,
    MONEY_HEADS,
    NUMBER_HEADS,
    RECORD_HEADS,
    TEXT_HEADS,
    TIME_HEADS,
    attribute,
)
from convex_schema.assistant.patterns import DomainPattern, Library
from convex_schema.assistant.words import (
    CREATE_VERBS,
    JOIN_VERBS,
    NOT_TABLES,
    PEOPLE,
    is_plural,
    plural,
    remember_typed_names,
    singular,
    split_camel,
    verb_lemma,
)

logger = logging.getLogger(__name__)

PUNCTUATION = frozenset(",;:.()!?")
DETERMINERS = frozenset(
    """
    a an the each every one its their his her our my your this that these those
    any some no another other single specific particular given same many
    multiple several various numerous all both two three four five six seven
    eight nine ten
    """.split()
)
# Nouns that are also verbs or filler words; a table when they start a list
# item ("lists shared with family", "orders, reviews").
AMBIGUOUS_NOUNS = frozenset(
    """
    lists listings orders records logs tracks posts reviews votes likes shows
    books notes events messages items entries tables links stores shops
    """.split()
)
# Words that end a noun phrase's modifiers: "threaded replies" is not a table
# called threadedReplies.
ADJECTIVES = frozenset(
    """
    threaded nested internal external new old big small main other own simple
    basic mini little private public shared recurring optional required unique
    searchable ordered sorted manual multiple different various real live
    mutual related separate single specific individual daily weekly monthly
    yearly annual current previous next last first final recent upcoming open
    accepted approved rejected pending active archived deleted draft published
    emoji star text arbitrary custom personal global local digital physical
    total full short long quick rich plain raw free paid premium early only
    likely friendly lovely costly elderly lonely lively ugly silly holy curly
    """.split()
)
# Third-person verbs that look like plural nouns.
VERBS_S = frozenset(
    """
    takes gets makes needs wants sends uses runs goes comes says gives keeps
    shows lets puts helps works looks seems means stays belongs contains
    includes holds owns requires allows supports applies accepts declines
    expires publishes writes creates submits uploads receives manages hosts
    teaches joins enrolls enrols books rates reviews favorites likes follows
    votes tracks records logs lists orders posts stores saves shares sees
    knows tells asks answers replies responds chooses picks sells buys pays
    earns spends costs starts ends opens closes reads edits deletes removes
    changes updates moves assigns invites visits attends borrows returns
    duplicates repeats mirrors copies replaces
    """.split()
)
# Plural words that are fields, not tables, inside "with ..." lists.
PLURAL_FIELDS = frozenset(
    {plural(w) for w in TIME_HEADS | MONEY_HEADS | NUMBER_HEADS}
    | ARRAY_HEADS
    | RECORD_HEADS
    | {"captions", "notes", "instructions", "details", "reps", "stars", "points"}
    | {"prices", "amounts", "costs", "coordinates", "embeddings", "vectors"}
)
# Brands that are also plain words; "medium priority" is not Medium.
_COMMON_BRANDS = frozenset(
    {"threads", "medium", "indeed", "linear", "box", "mint", "drive", "notion"}
    | {"hinge", "bumble", "forms", "slack", "ats", "sis"}
)
_WORD = re.compile(r"[a-z0-9][a-z0-9_'\-]*[a-z0-9]|[a-z0-9]|[,;:.()!?]")


def normalize(text: str) -> str:
    """Lowercase text with spelling variants folded: `w/` → `with`,
    `many-to-many` → `many_to_many`, `1536-dimensional` → `1536 dimensional`."""
    remember_typed_names(text)
    text = text.lower().replace("\u2019", "'")
    replacements = [
        (r"\bw/\s*", "with "),
        (r"\bq\s*&\s*a\b", "q_and_a"),
        (r"&", " and "),
        (r"\bmany[\s\-]+to[\s\-]+many\b|\bm2m\b|\bn:m\b|\bm:n\b", "many_to_many"),
        (r"\bone[\s\-]+to[\s\-]+many\b|\b1:n\b", "one_to_many"),
        (r"\be-mails?\b", "email"),
        (r"(\d)-([a-z])", r"\1 \2"),
        (r"\b\d+\s*(?:-|to)\s*\d+\b", " "),
        (r"'s\b", " 's"),
        (r"[\"`]", " "),
        (r"\bsub-(\w)", r"sub\1"),
        (r"\b([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)\b", r"\2 on \1"),
    ]
    for pattern, repl in replacements:
        text = re.sub(pattern, repl, text)
    return re.sub(r"\s+", " ", text).strip()


def tokenize(text: str) -> list[str]:
    """Words and punctuation of normalized text."""
    return [t for t in _WORD.findall(text) if t != "'"]


# -- the phrase lexicon ----------------------------------------------------------


@dataclass(frozen=True)
class TableRef:
    """A table of the library that a phrase names."""

    domain: str
    table: str
    exact: bool  # the phrase is the table's own name, not a synonym


@dataclass(frozen=True)
class Lexicon:
    phrases: dict[tuple[str, ...], tuple[TableRef, ...]]
    longest: int

    def lookup(self, words: tuple[str, ...]) -> tuple[TableRef, ...]:
        return self.phrases.get(words, ())


def _forms(words: tuple[str, ...]) -> Iterable[tuple[tuple[str, ...], bool]]:
    """A phrase as written, with its last word singular and plural; True for
    the plural form."""
    *head, last = words
    yield (*head, singular(last)), False
    yield (*head, plural(singular(last))), True


@lru_cache(maxsize=64)
def _lexicon(library: Library, domain: str | None) -> Lexicon:
    phrases: dict[tuple[str, ...], list[TableRef]] = {}
    for pattern in library.domains:
        if domain is not None and pattern.name != domain:
            continue
        for table in pattern.tables:
            names = [(tuple(split_camel(table.name)), True)]
            names += [(tuple(s.split()), False) for s in table.synonyms]
            for words, exact in names:
                for form, _ in _forms(words):
                    refs = phrases.setdefault(form, [])
                    ref = TableRef(pattern.name, table.name, exact)
                    if ref not in refs:
                        refs.append(ref)
    for refs in phrases.values():
        refs.sort(key=lambda r: not r.exact)
    longest = max((len(p) for p in phrases), default=1)
    return Lexicon({k: tuple(v) for k, v in phrases.items()}, longest)


@lru_cache(maxsize=64)
def names_lexicon(names: tuple[str, ...]) -> Lexicon:
    """The tables of a schema being edited, by name, singular and plural."""
    phrases: dict[tuple[str, ...], tuple[TableRef, ...]] = {}
    for name in names:
        for form, _ in _forms(tuple(split_camel(name)) or (name.lower(),)):
            phrases.setdefault(form, (TableRef("", name, True),))
        phrases.setdefault((name.lower(),), (TableRef("", name, True),))
    longest = max((len(p) for p in phrases), default=1)
    return Lexicon(phrases, longest)


def merged(first: Lexicon | None, second: Lexicon | None) -> Lexicon | None:
    """One lexicon that answers from `first`, then from `second`."""
    if first is None or second is None:
        return first or second
    phrases = dict(second.phrases)
    phrases.update(first.phrases)
    return Lexicon(phrases, max(first.longest, second.longest))


def lexicon(library: Library, domain: str | None = None) -> Lexicon:
    """Every table name and synonym (singular and plural) of one domain, or
    of the whole library, to the tables it names."""
    return _lexicon(library, domain)


# -- domains ---------------------------------------------------------------------


@dataclass(frozen=True)
class DomainMatch:
    """The domain a description is about, and how it was found: `named`
    (a synonym or a brand), `fuzzy` (a close spelling) or `tables` (the
    tables it mentions)."""

    domain: DomainPattern
    phrase: str
    how: str
    written: str = ""  # the words of the text that matched

    def span(self, tokens: list[str]) -> range:
        """The token positions the match covers (empty when it names a
        table, like "recipes", that the text also lists)."""
        words = (self.written or self.phrase).split()
        if len(words) == 1 and is_plural(words[0]):
            return range(0)
        flat = [t.replace("-", " ") for t in tokens]
        for start in range(len(tokens)):
            for size in range(1, 5):
                if " ".join(flat[start : start + size]) == " ".join(words):
                    return range(start, start + size)
        return range(0)


@lru_cache(maxsize=8)
def _domain_phrases(library: Library) -> tuple[tuple[str, str], ...]:
    """(phrase, domain) for every synonym and brand ("reddit clone" →
    "reddit"), spaces for hyphens."""
    pairs: list[tuple[str, str]] = []
    for pattern in library.domains:
        for synonym in pattern.synonyms:
            phrase = normalize(synonym).replace("-", " ")
            pairs.append((phrase, pattern.name))
            brand = phrase.removesuffix(" clone")
            if brand != phrase and len(brand) >= 4 and brand not in _COMMON_BRANDS:
                pairs.append((brand, pattern.name))
    return tuple(dict.fromkeys(pairs))


def detect_domain(text: str, library: Library) -> DomainMatch | None:
    """The domain `text` (normalized) names, preferring the words before the
    first colon, the longest phrase, then a close spelling."""
    flat = " " + re.sub(r"[^a-z0-9_&]+", " ", text.replace("-", " ")) + " "
    head = " " + re.sub(r"[^a-z0-9_&]+", " ", _header(text).replace("-", " ")) + " "
    # "a blogging app": the activity names the domain ("blog")
    head = re.sub(
        r" ([a-z]{3,})ing (?=(?:app|site|platform|system|tool|service) )",
        lambda m: f" {_stem(m.group(1))} {m.group(0).strip()} ",
        head,
    )
    for part in (head, flat):
        found = [
            (len(phrase), phrase, name)
            for phrase, name in _domain_phrases(library)
            if f" {phrase} " in part and (part is head or " " in phrase)
        ]
        if found:
            _, phrase, name = max(found)
            domain = library.domain(name)
            assert domain is not None
            logger.info("domain %s, named by %r", name, phrase)
            return DomainMatch(domain, phrase, "named")
    return _fuzzy_domain(head.split(), library)


def _stem(word: str) -> str:
    """`blogg` (from blogging) → `blog`."""
    return word[:-1] if len(word) > 3 and word[-1] == word[-2] else word


def _header(text: str) -> str:
    """The words that say what the app is: before the first colon, or the
    first clause."""
    before, colon, _ = text.partition(":")
    if colon and len(before.split()) <= 10:
        return before
    return re.split(r"[;,.(]| with | where | for | that ", text, maxsplit=1)[0]


def _fuzzy_domain(words: list[str], library: Library) -> DomainMatch | None:
    phrases = _domain_phrases(library)
    best: tuple[float, str, str, str] | None = None
    for size in (3, 2, 1):
        candidates = [p for p, _ in phrases if len(p.split()) == size and len(p) >= 5]
        for start in range(len(words) - size + 1):
            gram = " ".join(words[start : start + size])
            if len(gram) < 5:
                continue
            hit = process.extractOne(gram, candidates, scorer=fuzz.ratio)
            if hit and hit[1] >= 86 and (best is None or hit[1] > best[0]):
                pairs = zip(gram.split(), str(hit[0]).split(), strict=True)
                if any(fuzz.ratio(a, b) < 75 for a, b in pairs):
                    continue  # "fitness studio" is not "fitness tracker"
                name = next(n for p, n in phrases if p == hit[0])
                best = (hit[1], hit[0], name, gram)
    if best is None:
        return None
    domain = library.domain(best[2])
    assert domain is not None
    logger.info("domain %s, by the close spelling of %r", best[2], best[1])
    return DomainMatch(domain, best[1], "fuzzy", best[3])


# -- mentions ----------------------------------------------------------------------


@dataclass
class Mention:
    """Words that name a table: tokens [start, end), `words` as written.

    `refs` are the library tables the words (or their last words) name,
    best first; `owner` is a person word written just before ("user
    playlists"), which says who owns the rows.
    """

    start: int
    end: int
    words: tuple[str, ...]
    refs: tuple[TableRef, ...] = ()
    owner: str = ""
    entity: int = -1
    zone: bool = False
    partial: bool = False  # `refs` name only the last words, not all of them
    possessor: tuple[str, ...] = ()  # "pet owners": what the people own

    @property
    def head(self) -> str:
        return self.words[-1]

    @property
    def plural(self) -> bool:
        return is_plural(self.head)

    @property
    def person(self) -> bool:
        return singular(self.head) in PEOPLE


def find_mentions(
    tokens: list[str],
    domain_lexicon: Lexicon | None,
    global_lexicon: Lexicon,
    zones: set[int],
    blocked: set[int],
) -> list[Mention]:
    """The spans of `tokens` that name tables, left to right.

    `zones` are token positions inside "with ..."-style lists, where a plural
    field word ("captions", "prices") is a field, not a table; `blocked`
    positions never start a mention ("replies" in "threaded replies")."""
    mentions: list[Mention] = []
    i = 0
    while i < len(tokens):
        found = (
            None
            if i in blocked
            else _mention_at(tokens, i, domain_lexicon, global_lexicon, i in zones)
        )
        if found is None:
            i += 1
            continue
        found.zone = i in zones
        mentions.append(found)
        i = found.end
    return _merge_modifiers(tokens, mentions)


def _mention_at(
    tokens: list[str],
    i: int,
    domain_lexicon: Lexicon | None,
    global_lexicon: Lexicon,
    in_zone: bool,
) -> Mention | None:
    word = tokens[i]
    if word in PUNCTUATION or not re.match(r"[a-z]", word):
        return None
    if word in ("embedding", "embeddings", "vector", "vectors"):
        return None  # a field with a vector index, not a table
    person = _person_compound(tokens, i)
    if person is not None:
        return person
    for lex in (domain_lexicon, global_lexicon):
        if lex is None:
            continue
        for size in range(min(lex.longest, len(tokens) - i), 0, -1):
            words = tuple(tokens[i : i + size])
            refs = lex.lookup(words)
            if refs and _accept(tokens, i, words, in_zone, lex is domain_lexicon):
                return Mention(i, i + size, words, refs)
    if _generic_noun(tokens, i, in_zone) or _generic_singular(tokens, i, in_zone):
        return Mention(i, i + 1, (word,))
    after = tokens[i + 1] if i + 1 < len(tokens) else ""
    if word in PEOPLE and i > 0 and tokens[i - 1] in DETERMINERS:
        return None if _noun_follows(after) else Mention(i, i + 1, (word,))
    return None


RELATION_WORDS = frozenset(
    "has have belongs belong can is are with who that which 's".split()
)


def _generic_singular(tokens: list[str], i: int, in_zone: bool) -> bool:
    """ "a plant belongs to a greenhouse": a singular noun the library does
    not know, after an article and before a verb or the end of a clause."""
    word = tokens[i]
    if (
        in_zone
        or i == 0
        or tokens[i - 1] not in DETERMINERS - {"many", "all"} | {"per"}
    ):
        return False
    if ":" in tokens[i:] and ":" not in tokens[:i]:
        return False  # the header says what the app is ("a schema for a gym:")
    if not re.fullmatch(r"[a-z][a-z\-]*[a-z]", word) or len(word) < 3:
        return False
    if word in NOT_TABLES or word in ADJECTIVES or is_plural(word):
        return False
    if attribute((word,)) is not None or word.endswith(("ed", "ly", "ing")):
        return False
    after = tokens[i + 1] if i + 1 < len(tokens) else "."
    return after in PUNCTUATION or after in RELATION_WORDS


def _person_compound(tokens: list[str], i: int) -> Mention | None:
    """ "a sales rep", "a support agent": a person named with a modifier."""
    if i + 1 >= len(tokens) or singular(tokens[i + 1]) not in PEOPLE:
        return None
    if i == 0 or tokens[i - 1] not in DETERMINERS or tokens[i] in DETERMINERS:
        return None
    if tokens[i] in PUNCTUATION or tokens[i] in NOT_TABLES - {"sales"}:
        return None
    return Mention(i, i + 2, (tokens[i], tokens[i + 1]))


def _accept(
    tokens: list[str], i: int, words: tuple[str, ...], in_zone: bool, domain: bool
) -> bool:
    """Is this library phrase a table here, not a field or a verb?"""
    last = words[-1]
    multi = len(words) > 1
    before = tokens[i - 1] if i > 0 else ""
    after = tokens[i + len(words)] if i + len(words) < len(tokens) else ""
    if not multi and (last in NOT_TABLES or singular(last) in NOT_TABLES):
        starts = DETERMINERS | PUNCTUATION | {"and", "or", "with", ""}
        if not (domain and is_plural(last) and before in starts):
            return False
    if in_zone and not multi and _field_word(last, before):
        return False
    if in_zone and domain and not multi and not is_plural(last):
        return before not in ("a", "an", "one")  # "with version history"
    if not domain and not multi and singular(last) in TEXT_HEADS:
        return False
    if is_plural(last) and last in VERBS_S and _verb_position(tokens, i):
        return False
    if is_plural(last) or multi:
        return True
    # A singular word is a table after an article ("each deal"), before
    # "has"/"'s", or as a list item; otherwise it is likely a verb or an
    # adjective ("sellers list items"). Before another noun it modifies that
    # noun ("a dentist office").
    if before in DETERMINERS or after in ("'s", "has", "belongs", "is", "can"):
        return not _noun_follows(after)
    return singular(last) in PEOPLE and before in ("by", "to", "per", "for")


APP_NOUNS = frozenset({"system", "app", "application", "platform", "site", "tool"})


def _noun_follows(word: str) -> bool:
    """Is `word` a noun that the word before it modifies?"""
    if not word or word in PUNCTUATION or word in NOT_TABLES or word in VERBS_S:
        return False
    if word in ("'s", "who", "that", "which", "can", "may", "will", "must"):
        return False
    return not word.endswith(("s", "ed")) or word in APP_NOUNS


def _field_word(word: str, before: str) -> bool:
    """Inside "with ...", is `word` a field ("a caption", "prices", "a file")?"""
    if word in PLURAL_FIELDS and before not in ("many", "multiple", "several"):
        return True
    return not is_plural(word) and attribute((word,)) is not None


def _verb_position(tokens: list[str], i: int) -> bool:
    """`follows` in "each user follows other users" is a verb."""
    before = tokens[i - 1] if i > 0 else ""
    after = tokens[i + 1] if i + 1 < len(tokens) else ""
    if before in ("who", "that", "which", "it", "everyone", "someone", "also"):
        return True
    noun_before = bool(before) and before not in PUNCTUATION | DETERMINERS | {"and"}
    if after in ("a", "an", "the", "their", "its", "his", "her", "every"):
        return True  # "and logs a check-in"
    return noun_before and (after in DETERMINERS or after in ("to", "on", "in"))


def _generic_noun(tokens: list[str], i: int, in_zone: bool) -> bool:
    """A plural noun the library does not know names a table ("gigs")."""
    word = tokens[i]
    if not re.fullmatch(r"[a-z][a-z\-]*[a-z]", word) or len(word) < 4:
        return False
    before = tokens[i - 1] if i else ":"
    starts = PUNCTUATION | DETERMINERS | {"and", "or", "with"}
    if in_zone and _field_word(word, before):
        return False
    if word in AMBIGUOUS_NOUNS and before in starts and not _verb_position(tokens, i):
        return True
    if not is_plural(word) or word in NOT_TABLES or singular(word) in NOT_TABLES:
        return False
    if word in VERBS_S and _verb_position(tokens, i):
        return False
    if word.endswith(("ness", "less", "ous", "ics")):
        return False
    return not (in_zone and _field_word(word, tokens[i - 1] if i else ""))


def _modifier(tokens: list[str], i: int) -> bool:
    """Can the word at `i` modify a noun ("watering logs", "service
    records")? Not a verb after its subject ("members book classes")."""
    word = tokens[i]
    if word in PUNCTUATION or word in DETERMINERS or word in NOT_TABLES:
        return False
    before = tokens[i - 1] if i else ""
    if before == "to":
        return False  # "to form threads": a verb
    lemma = verb_lemma(word)
    if (lemma in JOIN_VERBS or lemma in CREATE_VERBS) and (
        is_plural(before) or before in ("can", "to", "and", "who", "may", "will")
    ):
        return False
    if word in ADJECTIVES or word in PEOPLE or not re.fullmatch(r"[a-z][a-z\-]+", word):
        return False
    if word.endswith(("ed", "al", "ive", "ous", "ful", "able", "ible")):
        return False
    return not is_plural(word) and word not in ("and", "or", "with")


def _merge_modifiers(tokens: list[str], mentions: list[Mention]) -> list[Mention]:
    """Join a singular mention to the mention right after it ("invoice" +
    "line items"), take modifier words in ("watering" + "logs"), and note a
    person word before a mention as its owner ("user playlists")."""
    merged: list[Mention] = []
    for mention in mentions:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and previous.end == mention.start
            and not previous.plural
            and not previous.person
            and mention.person
            and len(mention.words) == 1
        ):
            merged.pop()  # "pet owners": owners, who own pets
            mention.possessor = previous.words
        elif (
            previous is not None
            and previous.end == mention.start
            and not previous.plural
            and not previous.person
        ):
            merged[-1] = Mention(
                previous.start,
                mention.end,
                previous.words + mention.words,
                mention.refs,
                zone=previous.zone,
                partial=True,
            )
            continue
        if previous is not None and previous.end == mention.start and previous.person:
            if not previous.plural and tokens[previous.start - 1 : previous.start] != [
                "a"
            ]:
                merged.pop()
                mention.owner = previous.head
        start = mention.start
        if mention.person and len(mention.words) == 1 and start > 0:
            if _modifier(tokens, start - 1) and not any(m.end == start for m in merged):
                mention.possessor = mention.possessor or (tokens[start - 1],)
            merged.append(mention)
            continue
        while start > 0 and _modifier(tokens, start - 1) and len(mention.words) < 4:
            if any(m.end == start for m in merged):
                break
            start -= 1
        if start != mention.start:
            mention = Mention(
                start,
                mention.end,
                tuple(tokens[start : mention.start]) + mention.words,
                mention.refs,
                owner=mention.owner,
                zone=mention.zone,
                partial=True,
            )
        if start > 0 and tokens[start - 1] in PEOPLE and not mention.owner:
            mention.owner = tokens[start - 1]
        merged.append(mention)
    return merged
