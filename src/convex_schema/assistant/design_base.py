"""What the engine's rules share: the design being built (a `Draft`), the
entity → table map, and the helpers that add tables, joins and users.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from convex_schema.assistant.draft import (
    PRACTICE_JOIN,
    Draft,
    DraftField,
    DraftIndex,
    DraftTable,
    Step,
)
from convex_schema.assistant.intent import (
    Entity,
    Intent,
)
from convex_schema.assistant.lexicon import DomainMatch
from convex_schema.assistant.patterns import (
    DomainPattern,
    Library,
    TablePattern,
    parse_type,
    to_validator,
)
from convex_schema.assistant.questions import Question, users_question
from convex_schema.assistant.words import (
    JOIN_VERBS,
    SHARED,
    plural,
    reference_field,
    singular,
    singular_name,
    split_camel,
)
from convex_schema.model import (
    IdV,
    Schema,
    StringV,
)

if TYPE_CHECKING:
    from convex_schema.assistant.variants import VariantSpec

logger = logging.getLogger(__name__)


OPTIONAL_ROLES = frozenset(
    """
    assignee manager approver reviewer winner driver courier parent agent
    editor moderator mentor coach tutor reporter
    """.split()
)

TEXT_FIELDS = ("body", "content", "text", "description", "title", "name")

NAME_FIELDS = frozenset(
    {"name", "title", "label", "subject", "headline", "username", "displayName"}
    | {"firstName", "code", "slug", "handle"}
)

BODY_NOUNS = frozenset(
    "comment reply message note review post answer response feedback entry".split()
)

TITLED = frozenset(
    """
    book post article movie film song episode video page document task issue
    story course lesson album track podcast show event recipe question poll
    survey form job listing campaign thread card ticket project request
    proposal submission note
    """.split()
)

CONTAINER_NOUNS = frozenset(
    """
    category folder board channel thread level rack project album playlist
    repository course workspace organization team group list section server
    space forum subreddit community topic collection catalog menu shelf cellar
    garage building floor room venue trip tournament league season chapter
    series store shop restaurant warehouse site account calendar notebook
    """.split()
)

RESPONSE_NOUNS = frozenset(
    """
    comment reply message answer review reaction vote upvote downvote like
    rating note annotation response feedback
    """.split()
)

EVENT_NOUNS = frozenset(
    """
    log entry record reading measurement movement visit session click
    open view play vote like rating review payment transaction booking order
    reservation match game attempt submission application request response
    answer subscription enrollment membership follow share favorite bookmark
    star check checkin loan rental purchase sale bid pledge donation delivery
    shipment transfer assignment grade score result change version revision
    walk ride trip appointment stay viewing shift gig checkout
    """.split()
)

# People who own the things listed beside them: "walkers, dogs and owners"
# is dogs.ownerId, not walkers.ownerId.
OWNER_NOUNS = frozenset(
    "owner parent customer client guardian landlord household family".split()
)

STRONG = ("named", "fuzzy")

_EQUIVALENT = (
    frozenset({"body", "content", "text", "comment"}),
    frozenset({"start", "starts", "startTime", "begin", "begins"}),
    frozenset({"end", "ends", "endTime", "finish"}),
    frozenset({"rating", "stars", "score"}),
    frozenset({"image", "photo", "picture", "pic"}),
    frozenset({"avatar", "profilePicture", "profilePhoto", "profileImage"}),
    frozenset({"phone", "phoneNumber", "mobile"}),
    frozenset({"due", "dueDate", "deadline"}),
    frozenset({"kind", "type"}),
    frozenset({"position", "order", "rank", "sortOrder"}),
    frozenset({"username", "handle"}),
    frozenset({"checkIn", "checkInDate"}),
    frozenset({"checkOut", "checkOutDate"}),
    frozenset({"birth", "birthDate", "dateOfBirth"}),
)


@dataclass(frozen=True)
class Design:
    """A designed schema: the model, the steps that build it and the
    questions a conversation should ask (defaults already applied)."""

    schema: Schema
    steps: tuple[Step, ...]
    questions: tuple[str, ...]
    domain: str | None
    summary: str
    asked: tuple[Question, ...] = ()  # the questions that take an answer

    def to_json(self) -> dict[str, Any]:
        from convex_schema.operations import to_json

        return {
            "schema": self.schema.to_json(),
            "operations": [to_json(s.operation) for s in self.steps],
            "explanation": [s.to_json() for s in self.steps],
            "questions": list(self.questions),
            "asked": [q.to_json() for q in self.asked],
            "domain": self.domain,
            "summary": self.summary,
        }


class DesignerBase:
    """The state of one design and the table-level helpers every rule uses."""

    def __init__(
        self,
        intent: Intent,
        library: Library,
        answers: Mapping[str, str] | None = None,
    ) -> None:
        self.intent = intent
        self.answers: Mapping[str, str] = answers or {}
        self.asked: list[Question] = []
        self.separated: dict[str, str] = {}  # role field → its own people table
        self.library = library
        self.match: DomainMatch | None = intent.domain
        self.domain: DomainPattern | None = (
            intent.domain.domain if intent.domain else None
        )
        self.strong = self.match is not None and self.match.how in STRONG
        self.draft = Draft()
        self.tables: dict[int, str] = {}  # entity → table name
        self.renamed: dict[str, str] = {}  # library name → the name used here
        self.claimed: list[DraftTable] = []  # tables an entity resolved to
        self.questions: list[str] = []
        self.order: list[str] = []
        self.kinds: list[VariantSpec] = []  # tables of several kinds (variants)

    def _ask(self, question: Question) -> str:
        """The choice made for `question`: the user's answer, or the default
        (and the question is asked)."""
        answer = self.answers.get(question.key)
        if answer in question.choices:
            logger.info("answer %s = %s applied", question.key, answer)
            return answer
        if question.text not in self.questions:
            self.questions.append(question.text)
            self.asked.append(question)
        return question.default

    def _from_pattern(
        self, pattern: TablePattern, name: str, keep_references: bool = True
    ) -> DraftTable:
        existing = self._table_from(pattern)
        if existing is not None:
            return existing
        name = self._renamed_name(name)
        why = pattern.why
        if self.domain is None or pattern.domain != self.domain.name:
            domain = self.library.domain(pattern.domain)
            title = domain.title if domain else pattern.domain
            why = (
                f"One document per {singular_name(name)}, as the {title} "
                f"pattern models {pattern.name}."
            )
        table = DraftTable(name, why, origin=f"{pattern.domain}.{pattern.name}")
        moved: dict[str, str] = {}
        for item in pattern.fields:
            node = item.type
            if node.kind == "id" and node.table != "_storage" and not keep_references:
                if not self._keep_reference(node.table):
                    continue
            if (
                not keep_references
                and node.kind == "literals"
                and item.name != "status"
            ):
                continue
            field_name, validator = item.name, to_validator(node)
            if node.kind == "id" and node.table in self.renamed:
                new = self.renamed[node.table]
                validator = IdV(new)
                if field_name == reference_field(node.table):
                    field_name = reference_field(new)
            moved[item.name] = field_name
            table.fields.append(
                DraftField(field_name, validator, item.optional, item.why)
            )
        for index in pattern.indexes:
            fields = tuple(moved.get(f, f) for f in index.fields)
            filters = tuple(moved.get(f, f) for f in index.filters)
            if all(table.field(f) for f in (*fields, *filters)):
                table.indexes.append(
                    DraftIndex(
                        fields,
                        index.kind,
                        index.dimensions,
                        filters,
                        why=index.why,
                        keep=True,
                    )
                )
        if (
            any(
                isinstance(f.validator, IdV) and f.validator.table != "_storage"
                for f in table.fields
            )
            is False
            and not table.fields
        ):
            table.fields.append(DraftField("name", StringV()))
        self.draft.add(table)
        self.order.append(table.name)
        logger.info(
            "table %s from the pattern %s.%s", name, pattern.domain, pattern.name
        )
        return table

    def _keep_reference(self, target: str) -> bool:
        """Keep a borrowed table's reference to `target`? Not when designing:
        the text says how its tables relate."""
        return False

    def _table_from(self, pattern: TablePattern) -> DraftTable | None:
        origin = f"{pattern.domain}.{pattern.name}"
        for table in self.draft.tables.values():
            if table.origin == origin:
                return table
        return None

    def _renamed_name(self, name: str) -> str:
        """`taskLabels` once tasks are called issues: `issueLabels`."""
        for old, new in self.renamed.items():
            stem = singular_name(old)
            if name.startswith(stem) and name[len(stem) : len(stem) + 1].isupper():
                candidate = singular_name(new) + name[len(stem) :]
                if candidate not in self.draft.tables:
                    return candidate
        return name

    def _users(self, entity: Entity | None = None) -> str:
        if self.draft.table("users") is None:
            pattern = self.domain.table("users") if self.domain else None
            if pattern is not None:
                self._from_pattern(pattern, "users")
            else:
                table = DraftTable(
                    "users",
                    "The people who sign in; everything they own references them.",
                )
                table.fields = [
                    DraftField("name", StringV()),
                    DraftField(
                        "email",
                        StringV(),
                        note="looked up by index; store it lowercased",
                    ),
                ]
                table.indexes = [
                    DraftIndex(("email",), why="find the account at sign-in")
                ]
                self.draft.add(table)
                self.order.insert(0, "users")
        if entity is not None and entity.key != "users" and entity.listed:
            self._ask(users_question(entity.words[-1]))
        return "users"

    def _separate_people(self, entity: Entity) -> bool:
        """Did the user answer that these people get a table of their own?"""
        if entity.key == "users" or not entity.listed:
            return False
        question = users_question(entity.words[-1])
        return self.answers.get(question.key) == "separate"

    def _current(self, pattern_table: str) -> str:
        """The draft name of a table that came from the domain pattern."""
        if self.domain is None:
            return pattern_table
        origin = f"{self.domain.name}.{pattern_table}"
        for table in self.draft.tables.values():
            if table.origin == origin:
                return table.name
        return pattern_table

    def _linking(self, a: str, b: str, verb: str) -> DraftTable | None:
        """A table already joining `a` and `b`: from the draft or the
        domain, named after the verb when there is one ("favorite" →
        favorites)."""
        wanted = JOIN_VERBS[verb][0] if verb in JOIN_VERBS else ""
        for table in self.draft.tables.values():
            if table.name in (a, b) or not (
                table.references(a) and table.references(b)
            ):
                continue
            if (
                not wanted
                or wanted in table.name.lower()
                or table.name.startswith(wanted[:-1])
            ):
                return table
        if self.domain is None:
            return None
        for pattern in self.domain.tables:
            targets = {f.type.table for f in pattern.fields if f.type.kind == "id"}
            names = {self._current(t) for t in targets}
            if not {a, b} <= names or pattern.name in (a, b):
                continue
            if (
                not wanted
                or wanted[:-1] in pattern.name.lower()
                or pattern.name == wanted
            ):
                return self._from_pattern(pattern, pattern.name)
        return None

    def _join(self, a: str, b: str, verb: str, name: str = "") -> DraftTable:
        if not name and _shared(a) and not _shared(b):
            a, b = b, a  # tasks and their labels: taskLabels
        if not name:
            if b == "users":
                name = f"{singular_name(a)}Members"
            elif a == "users":
                name = f"{singular_name(b)}Members"
            else:
                name = singular_name(a) + b[:1].upper() + b[1:]
        taken = self.draft.table(name)
        if taken is not None and not (taken.references(a) and taken.references(b)):
            name = singular_name(a) + name[:1].upper() + name[1:]
        table = self.draft.table(name)
        if table is None:
            what = f"{plural(singular_name(a))} and {b}"
            table = DraftTable(
                name,
                f"One row per link between {what}, so neither holds an array of ids.",
                practice=PRACTICE_JOIN,
                join=True,
            )
            self.draft.add(table)
            self.order.append(name)
        field_a, field_b = reference_field(a), reference_field(b)
        if field_a == field_b:
            field_b = "other" + field_b[:1].upper() + field_b[1:]
        table.add_field(DraftField(field_a, IdV(a)))
        table.add_field(DraftField(field_b, IdV(b)))
        for extra_name, extra_type in JOIN_VERBS.get(verb, ("", ()))[1]:
            optional = extra_name.endswith("?")
            extra = extra_name.rstrip("?")
            table.add_field(
                DraftField(extra, to_validator(parse_type(extra_type)), optional)
            )
        table.add_index(
            DraftIndex(
                (field_a, field_b),
                why=f"a {singular_name(a)}'s {b}, and whether a pair is linked",
            )
        )
        table.add_index(DraftIndex((field_b,), why=f"a {singular_name(b)}'s {a}"))
        logger.info("join table %s between %s and %s", name, a, b)
        return table

    def _join_like(self, table: DraftTable) -> bool:
        """Likes, memberships: rows that only link other rows."""
        refs = [
            f
            for f in table.fields
            if isinstance(f.validator, IdV) and f.validator.table != "_storage"
        ]
        others = [f for f in table.fields if f not in refs]
        if any(isinstance(f.validator, StringV) for f in others):
            return table.join
        return table.join or (len(refs) >= 2 and len(others) <= 1)

    def _has_parent(self, table: DraftTable) -> bool:
        return any(
            isinstance(f.validator, IdV)
            and f.validator.table not in ("users", "_storage", table.name)
            for f in table.fields
        )

    def _domain_origin(self, table: DraftTable) -> bool:
        return self.domain is not None and table.origin.startswith(
            self.domain.name + "."
        )


def _shared(table: str) -> bool:
    """Tables that tag others: labels, tags, categories, skills."""
    return plural(singular(split_camel(table)[-1])) in SHARED
