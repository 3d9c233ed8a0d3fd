"""Mermaid `erDiagram` text, as GitHub renders in Markdown.

Attribute types must be one word (`Id<users>` is written `id_users`); `_id`
is the primary key and a field holding references is a foreign key. The
relationship lines use crow's feet: `users ||--o{ posts : "authorId"` reads
"each post has exactly one user; a user has zero or more posts".
"""

from __future__ import annotations

from convex_schema.diagram.graph import Diagram
from convex_schema.diagram.relations import Cardinality, Relation
from convex_schema.diagram.types import SYSTEM_FIELDS, document_fields, type_word
from convex_schema.model import Field, IdV, Table, walk

_TARGET_END = {
    Cardinality.ONE: "||",
    Cardinality.ZERO_OR_ONE: "|o",
    Cardinality.MANY: "}o",
}


def render_mermaid(diagram: Diagram) -> str:
    """The diagram as Mermaid text, ending with a newline."""
    lines = ["erDiagram"]
    for table in diagram.tables:
        lines += _entity(table.name, table.name, _attributes(table))
    for name in diagram.system:
        lines += _entity(name, name, ["id _id PK"])
    for name in diagram.missing:
        lines += _entity(name, f"{name} (not in the schema)", ["id _id PK"])
    lines += [_relationship(r) for r in diagram.relations]
    return "\n".join(lines) + "\n"


def _entity(name: str, label: str, attributes: list[str]) -> list[str]:
    head = name if label == name else f'{name}["{_quoted(label)}"]'
    return [f"    {head} {{", *(f"        {a}" for a in attributes), "    }"]


def _attributes(table: Table) -> list[str]:
    own = [
        Field("_id", IdV(table.name)),
        *(f for f in SYSTEM_FIELDS if f.name != "_id"),
    ]
    return [_attribute(f, f.name == "_id") for f in [*own, *document_fields(table)]]


def _attribute(item: Field, primary: bool) -> str:
    text = f"{type_word(item.validator)} {_name(item.name)}"
    if primary:
        text += " PK"
    elif any(isinstance(v, IdV) for v in walk(item.validator)):
        text += " FK"
    if item.optional:
        text += ' "optional"'
    return text


def _name(name: str) -> str:
    # Mermaid's attribute names: a letter or `_`, then letters, digits, `_-[]()`.
    cleaned = "".join(c if c.isalnum() or c in "_-" else "_" for c in name)
    return cleaned if cleaned[:1].isalpha() or cleaned[:1] == "_" else f"_{cleaned}"


def _relationship(relation: Relation) -> str:
    end = _TARGET_END[relation.cardinality]
    label = _quoted(relation.path)
    return f'    {relation.target} {end}--o{{ {relation.source} : "{label}"'


def _quoted(text: str) -> str:
    return text.replace('"', "'")
