"""What the edit rules share: the schema being edited as a draft, look-ups of
its tables and fields by the words a request uses, and the record of why
each change is made.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Mapping

from convex_schema.assistant.attributes import attribute
from convex_schema.assistant.conventions import detect
from convex_schema.assistant.draft import (
    DraftField,
    DraftTable,
    unique_index,
)
from convex_schema.assistant.engine import _Designer
from convex_schema.assistant.intent import Intent
from convex_schema.assistant.lexicon import normalize
from convex_schema.assistant.patterns import Library
from convex_schema.assistant.words import (
    PEOPLE,
    camel,
    plural,
    singular,
    split_camel,
    table_name,
)
from convex_schema.model import (
    BooleanV,
    Float64V,
    Int64V,
    LiteralV,
    Schema,
    StringV,
    UnionV,
    Validator,
)

logger = logging.getLogger(__name__)


BACKFILL = (
    "existing documents have no {field}: backfill it in a migration before "
    "deploying, or add it optional first (convex-schema migrate plans both)"
)

NARROWING = (
    "existing documents must match the new validator: convert them in a "
    "migration before deploying (convex-schema migrate)"
)

RENAMED = (
    "to Convex a rename is a new field and a dropped one: copy the values in "
    "a migration (convex-schema migrate)"
)

DROPPED = "documents that still hold {field} fail validation: unset it first"

TYPE_WORDS = {
    "string": StringV(),
    "text": StringV(),
    "number": Float64V(),
    "float": Float64V(),
    "float64": Float64V(),
    "timestamp": Float64V(),
    "int64": Int64V(),
    "bigint": Int64V(),
    "integer": Int64V(),
    "boolean": BooleanV(),
    "bool": BooleanV(),
    "flag": BooleanV(),
}


class EditorBase(_Designer):
    """The design engine, started from an existing schema."""

    def __init__(
        self,
        intent: Intent,
        library: Library,
        base: Schema,
        answers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(intent, library, answers)
        self.base = base
        self.conventions = detect(base)
        self.strong = False
        self.domain = None
        self.reasons: dict[tuple[str, str, str], str] = {}
        self.warned: dict[tuple[str, str, str], list[str]] = {}
        self.consumed: set[int] = set()
        self.required: set[tuple[str, str]] = set()  # new fields asked to be required
        self.spans: list[tuple[int, int]] = []  # text the commands used
        self._match_now: re.Match[str] | None = None
        self.last_field: tuple[str, str] | None = None
        self.handled_enums: set[tuple[str, ...]] = set()
        self.original = {
            m.lower(): m for m in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", intent.text)
        }
        self.text = normalize(intent.text)

    def _existing(self, words: tuple[str, ...] | list[str]) -> str | None:
        """The table a phrase names in this schema: its name, singular or
        plural, or a library synonym of it ("authors" for users)."""
        words = tuple(w for w in words if w not in ("the", "a", "an", "table", "all"))
        if not words:
            return None
        wanted = {table_name(words), table_name(words[-1:]), camel(words)}
        wanted |= {self.original.get(w, w) for w in words[-1:]}
        for name in self.draft.tables:
            if name in wanted or name.lower() in {w.lower() for w in wanted}:
                return name
        if singular(words[-1]) in PEOPLE and "users" in self.draft.tables:
            return "users"
        return None

    def _field_named(
        self, words: list[str] | tuple[str, ...], table: str | None = None
    ) -> tuple[str, str] | None:
        """(table, field) a phrase names: "the body field on posts", "email
        addresses", "dueDate", "message roles"."""
        words = [
            w for w in words if w not in ("the", "a", "an", "field", "column", "its")
        ]
        words = [w for w in words if w not in ("flag", "value", "property", "boolean")]
        if not words:
            return None
        if table is None and len(words) > 1:
            owner = self._existing(words[:1])
            if owner is not None:
                found = self._field_named(words[1:], owner)
                if found is not None:
                    return found
        tables = [table] if table else list(self.draft.tables)
        keys = _field_keys(words, self.original)
        for key in keys:
            for name in tables:
                draft = self.draft.tables.get(name)
                if draft is None:
                    continue
                for item in draft.fields:
                    if key in _field_keys_of(item.name):
                        return name, item.name
        return None

    def _finditer(self, pattern: str, text: str) -> Iterator[re.Match[str]]:
        """Matches of a command; the words of each one acted on are used up."""
        for found in re.finditer(pattern, text):
            self._match_now = found
            yield found
        self._match_now = None

    def _why(self, kind: str, table: str, name: str, why: str, *warnings: str) -> None:
        if self._match_now is not None:
            self.spans.append(self._match_now.span())
        self.reasons[(kind, table, name)] = why
        if warnings:
            self.warned.setdefault((kind, table, name), []).extend(warnings)

    def _consume(self, words: list[str]) -> None:
        """Entities a command used up; the design rules leave them alone."""
        keys = {table_name((w,)) for w in words if w.isidentifier()}
        for index, entity in enumerate(self.intent.entities):
            if entity.key in keys or table_name(entity.words[-1:]) in keys:
                self.consumed.add(index)

    def _owner_in(self, words: list[str]) -> str | None:
        """The table after "on"/"of"/"in" in a field phrase."""
        for key in ("on", "of", "in", "from"):
            if key in words:
                return self._existing(words[words.index(key) + 1 :])
        return None

    def _identifier(self, word: str) -> str:
        """A name as the user wrote it ("organizationId", not "organizationid")."""
        fallback = camel(word.split("_")) if "_" in word else word
        return str(self.original.get(word, fallback))

    def _unique(self, draft: DraftTable, target: DraftField) -> None:
        target.optional = False
        self.required.add((draft.name, target.name))
        unique_index(draft, target)

    def _enum_after(self, position: int) -> tuple[str, ...]:
        """Enumeration values written right after `position` ("...: a, b or c")."""
        rest = self.text[position:]
        found = re.match(
            r"\s*(?::|,|that is|that can be|of|which is|\(|is|are|one of)?\s*"
            r"(?:one of\s+)?"
            r"([a-z0-9_]+(?:\s*(?:,|or|and)\s*(?:or |and )?[a-z0-9_]+)+)",
            rest,
        )
        if found is None:
            return ()
        values = [
            v for v in re.split(r"\s*(?:,|\bor\b|\band\b)\s*", found.group(1)) if v
        ]
        return tuple(values) if len(values) >= 2 else ()


def _before_owner(words: list[str]) -> list[str]:
    for key in ("on", "of", "in", "from", "for"):
        if key in words:
            return words[: words.index(key)]
    return words


def _field_keys(words: list[str], original: dict[str, str]) -> list[str]:
    """Lowercase keys a phrase can match a field by, most specific first."""
    words = [w for w in words if w not in ("field", "the", "a", "an")]
    keys = ["".join(words), "".join(singular(w) for w in words)]
    found = attribute(tuple(words))
    if found is not None:
        keys.append(found.name.lower())
    if words:
        last = singular(words[-1])
        keys += [last, words[-1]]
        found = attribute((last,))
        if found is not None:
            keys.append(found.name.lower())
    return list(dict.fromkeys(k for k in keys if k))


def _field_keys_of(name: str) -> set[str]:
    """The lowercase keys a field answers to: `memberIds` → memberids,
    memberid, member, members; `dueDate` → duedate, due."""
    lower = name.lower()
    parts = split_camel(name)
    keys = {lower, "".join(parts)}
    for suffix in ("ids", "id", "at", "cents", "date", "url", "flag"):
        if lower.endswith(suffix) and len(lower) > len(suffix):
            stem = lower[: -len(suffix)]
            keys |= {stem, plural(stem)}
    if parts:
        keys.add(parts[0])
    return keys


def _literals_of(validator: Validator) -> tuple[str, ...]:
    members = validator.members if isinstance(validator, UnionV) else (validator,)
    return tuple(
        m.value for m in members if isinstance(m, LiteralV) and isinstance(m.value, str)
    )


def _validator(text: str) -> Validator:
    from convex_schema.assistant.patterns import parse_type, to_validator

    return to_validator(parse_type(text))
