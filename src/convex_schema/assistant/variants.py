"""Documents of several kinds in one table: discriminated unions.

"notifications can be a comment, a like or a follow; comments have a
commentId", "payments are either card (last4, brand) or bank transfer
(iban)", "events of three kinds: posted (postId), liked (postId, userId) and
followed (followerId)": one table whose document is a union of objects, each
with a `kind: v.literal(...)` discriminant, the fields of its variant and the
fields common to all of them (REFERENCE §8.3). `extract` takes the variant
clauses out of the text before the usual reading (which still sees the table
and what the text says of it as a whole); `attach` gives the drafted table
its variants. A list of kinds none of which has a field of its own stays an
enumeration ("orders have a status (pending, paid, shipped)").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from convex_schema.assistant.attributes import guess
from convex_schema.assistant.conventions import DEFAULT, Conventions
from convex_schema.assistant.design_base import DesignerBase
from convex_schema.assistant.draft import (
    PRACTICE_UNION,
    Draft,
    DraftField,
    DraftTable,
    DraftVariant,
)
from convex_schema.assistant.patterns import parse_type, to_validator
from convex_schema.assistant.words import (
    PEOPLE,
    camel,
    is_plural,
    plural,
    singular,
    split_camel,
    table_name,
)
from convex_schema.model import IdV, LiteralV

DISCRIMINANT = "kind"

_TRIGGER = re.compile(
    r"^(?P<subject>.*?)\b(?:can be(?: either| one of)?"
    r"|(?:are|is) (?:either|one of)"
    r"|come in (?:\w+ )?(?:kinds|types|variants|flavou?rs)"
    r"|(?:of|in) (?:\w+ )?(?:kinds|types|variants))\b\s*:?\s*(?P<list>.+)$",
    re.IGNORECASE | re.DOTALL,
)
_HAS = re.compile(
    r"^(?:the |a |an )?(?P<label>[a-z][a-z ]*?)\s+"
    r"(?:have|has|carry|carries|store|stores|include|includes|hold|holds)\s+"
    r"(?P<rest>.+)$",
    re.IGNORECASE | re.DOTALL,
)
_ARTICLES = ("a ", "an ", "the ", "either ", "one ")
_NOT_NOUNS = frozenset("a an the of for with and or each every".split())


@dataclass
class VariantSpec:
    """A table of several kinds, as the text describes it."""

    noun: str  # the plural word naming the table ("notifications")
    variants: list[tuple[str, list[str]]]  # label words, field phrases


def extract(text: str) -> tuple[str, list[VariantSpec]]:
    """The text without its variant clauses (the table's own phrase kept),
    and the tables of several kinds it describes."""
    parts = re.split(r"([.;\n])", text)
    specs: list[tuple[VariantSpec, int, str]] = []
    out: list[str] = []
    current: VariantSpec | None = None
    for index in range(0, len(parts), 2):
        clause = parts[index]
        separator = parts[index + 1] if index + 1 < len(parts) else ""
        found = _trigger(clause)
        if found is not None:
            spec, subject, rest = found
            if not rest or _details(spec, rest):
                specs.append((spec, len(out), clause + separator))
                current = spec
                out.append(subject + separator)
                continue
        if current is not None and clause.strip() and _details(current, clause):
            out.append(separator)
            continue
        out.append(clause + separator)
    kept: list[VariantSpec] = []
    for spec, position, original in specs:
        if _has_fields(spec):
            kept.append(spec)
        else:
            out[position] = original  # an enumeration, read as usual
    return "".join(out), kept


def _has_fields(spec: VariantSpec) -> bool:
    return len(spec.variants) >= 2 and any(fields for _, fields in spec.variants)


def _trigger(clause: str) -> tuple[VariantSpec, str, str] | None:
    match = _TRIGGER.match(clause)
    if match is None:
        return None
    subject = match.group("subject")
    words = re.findall(r"[A-Za-z][A-Za-z0-9]*", subject)
    start = next(
        (
            i
            for i, w in enumerate(words)
            if w.lower() not in _NOT_NOUNS and is_plural(w.lower())
        ),
        None,
    )
    if start is None:
        return None
    items, rest = _items(match.group("list"))
    variants: list[tuple[str, list[str]]] = []
    for item in items:
        label, fields = _item(item)
        if not label or len(label.split()) > 3:
            return None
        variants.append((label, fields))
    if len(variants) < 2:
        return None
    spec = VariantSpec(words[start].lower(), variants)
    kept = subject[subject.find(words[start]) :].strip()
    return spec, " " + kept if subject[:1] == " " else kept, rest


def _items(text: str) -> tuple[list[str], str]:
    """The items of a list ("a, b (x, y) or c"), split outside parentheses;
    and the rest after an item that says what a kind has."""
    items: list[str] = []
    depth = 0
    buffer = ""
    pieces = re.split(r"(\(|\)|,|\bor\b|\band\b)", text)
    for piece in pieces:
        if piece == "(":
            depth += 1
        elif piece == ")":
            depth -= 1
        if depth == 0 and piece in (",", "or", "and"):
            items.append(buffer)
            buffer = ""
            continue
        buffer += piece
    items.append(buffer)
    items = [i.strip() for i in items if i.strip()]
    for position, item in enumerate(items):
        if _HAS.match(item):
            return items[:position], ", ".join(items[position:])
    return items, ""


def _item(item: str) -> tuple[str, list[str]]:
    label, _, inside = item.partition("(")
    label = label.strip().lower()
    for article in _ARTICLES:
        if label.startswith(article):
            label = label[len(article) :]
    if not re.fullmatch(r"[a-z][a-z0-9 ]*", label):
        return "", []
    fields = [f.strip() for f in re.split(r",|\band\b", inside.rstrip(") ")) if f]
    return label, [f for f in fields if f]


def _details(spec: VariantSpec, clause: str) -> bool:
    """Read "comments have a commentId, follows have a followerId" into the
    kinds of `spec`; False (and nothing read) unless all of it is that."""
    labels = {singular(label.split()[-1]): label for label, _ in spec.variants}
    parts = [p.strip() for p in re.split(r",|;|\band\b", clause) if p.strip()]
    found: dict[str, list[str]] = {}
    current = ""
    for part in parts:
        match = _HAS.match(part)
        if match is not None:
            words = match.group("label").lower().split()
            words = [w for w in words if singular(w) != singular(spec.noun)]
            key = singular(words[-1]) if words else ""
            if key not in labels:
                return False
            current = labels[key]
            found.setdefault(current, []).append(match.group("rest"))
        elif current:
            found[current].append(part)
        else:
            return False
    if not found:
        return False
    for label, fields in spec.variants:
        fields.extend(found.get(label, []))
    return True


def literal(label: str, snake: bool = False) -> str:
    """The discriminant value of a kind: `bank transfer` → `bankTransfer`
    (`bank_transfer` in a snake_case project)."""
    words = label.split()
    return "_".join(words) if snake else camel(words)


def attach(
    designer: DesignerBase, specs: list[VariantSpec], new_only: bool = False
) -> None:
    """Give the tables the text describes their kinds (after the entities
    are resolved, before the defaults fill empty tables); with `new_only`
    (an edit) only tables the request adds."""
    for spec in specs:
        table = _table_for(designer, spec)
        if new_only and table.was:
            continue
        for name in (DISCRIMINANT, "type"):
            item = table.field(name)
            if item is not None and isinstance(item.validator, LiteralV) is False:
                table.drop_field(name)  # the discriminant replaces it
        table.variants = []
        for label, phrases in spec.variants:
            variant = DraftVariant(literal(label))
            for phrase in phrases:
                item = _field(designer, phrase)
                if item is not None and all(
                    f.name != item.name for f in variant.fields
                ):
                    variant.fields.append(item)
            table.variants.append(variant)
        kinds = ", ".join(v.name for v in table.variants)
        table.why = (
            f"One table for every kind of {singular(table.name)} ({kinds}), told "
            f"apart by {DISCRIMINANT}: a discriminated union keeps them in one "
            "table, read by one query, and the TypeScript type narrows on "
            f"{DISCRIMINANT}; each kind has its own fields and the common ones."
        )
        table.practice = PRACTICE_UNION


def follow(draft: Draft, conventions: Conventions) -> None:
    """Name the kinds and their fields in the project's style (an edit)."""
    if conventions == DEFAULT:
        return
    snake = conventions.fields == "snake"
    for table in draft.tables.values():
        if table.was:
            continue
        for variant in table.variants:
            variant.name = literal(" ".join(split_camel(variant.name)), snake)
            for item in variant.fields:
                if isinstance(item.validator, IdV):
                    item.name = conventions.reference_name(item.name)
                else:
                    item.name = conventions.field_name(item.name)


def _table_for(designer: DesignerBase, spec: VariantSpec) -> DraftTable:
    for index, entity in enumerate(designer.intent.entities):
        if singular(entity.words[-1]) == singular(spec.noun):
            name = designer.tables.get(index)
            found = designer.draft.table(name) if name else None
            if found is not None:
                return found
    name = table_name((spec.noun,))
    existing = designer.draft.table(name)
    if existing is not None:
        return existing
    table = DraftTable(name, "")
    designer.draft.add(table)
    designer.order.append(name)
    return table


def _field(designer: DesignerBase, phrase: str) -> DraftField | None:
    words = [
        w for w in re.findall(r"[A-Za-z][A-Za-z0-9]*", phrase) if w not in ("a", "an")
    ]
    if not words:
        return None
    if len(words) == 1 and re.fullmatch(r"[a-z]+Id", words[0]):
        stem = words[0][:-2]
        target = "users" if stem in PEOPLE else plural(stem)
        if designer.draft.table(target) is None:
            if target == "users":
                designer._users()
            else:
                designer.draft.add(
                    DraftTable(
                        target,
                        f"The {target} a kind of document refers to by {words[0]}.",
                    )
                )
                designer.order.append(target)
        note = f"the {singular(target)} this kind refers to"
        return DraftField(words[0], IdV(target), note=note)
    found = guess([w.lower() if not re.search(r"[A-Z]", w) else w for w in words])
    validator = to_validator(parse_type(found.type))
    return DraftField(found.name, validator, found.optional, found.note)
