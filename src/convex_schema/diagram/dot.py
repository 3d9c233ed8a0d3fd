"""Graphviz DOT: a record-shaped node per table listing its fields, an edge
per reference from the field that holds it, crow's feet at both ends. System
tables are grey and dashed; tables missing from the schema are red and dashed.
"""

from __future__ import annotations

from convex_schema.diagram.graph import Diagram
from convex_schema.diagram.relations import Cardinality, Relation
from convex_schema.diagram.types import document_fields, type_text, word
from convex_schema.model import Table

# Graphviz draws arrow shapes from the node outward: `teeodot` is a bar at
# the table, then a circle: zero or one.
_HEAD = {
    Cardinality.ONE: "teetee",
    Cardinality.ZERO_OR_ONE: "teeodot",
    Cardinality.MANY: "crowodot",
}
_TYPE_WIDTH = 40
_SYSTEM_STYLE = 'style="dashed,filled", fillcolor="#eeeeee", color="#777777"'
_MISSING_STYLE = 'style=dashed, color="#cc0000", fontcolor="#cc0000"'


def render_dot(diagram: Diagram) -> str:
    """The diagram as DOT text, ending with a newline."""
    lines = [
        "digraph schema {",
        '  graph [rankdir=LR, fontname="Helvetica", fontsize=10];',
        '  node [shape=record, fontname="Helvetica", fontsize=10];',
        '  edge [fontname="Helvetica", fontsize=9, dir=both, arrowtail=crowodot];',
    ]
    for table in diagram.tables:
        lines.append(f"  {_id(table.name)} [label={_table_label(table)}];")
    for name in diagram.system:
        label = _record(_escape(name), ["<id> _id"])
        lines.append(f"  {_id(name)} [label={label}, {_SYSTEM_STYLE}];")
    for name in diagram.missing:
        label = _record(_escape(f"{name} (not in the schema)"), ["<id> _id"])
        lines.append(f"  {_id(name)} [label={label}, {_MISSING_STYLE}];")
    lines += [_edge(r) for r in diagram.relations]
    lines.append("}")
    return "\n".join(lines) + "\n"


def _table_label(table: Table) -> str:
    rows = [
        f"<id> _id: {_escape(f'Id<{table.name}>')}",
        "_creationTime: number",
    ]
    for item in document_fields(table):
        mark = "?" if item.optional else ""
        kind = _short(type_text(item.validator))
        rows.append(f"<{_port(item.name)}> {_escape(f'{item.name}{mark}: {kind}')}")
    return _record(_escape(table.name), rows)


def _record(title: str, rows: list[str]) -> str:
    """A record label: the title, then one left-aligned row per field (a
    left-to-right graph stacks a record's fields top to bottom)."""
    body = "|".join(f"{row}\\l" for row in rows)
    return f'"{title}|{body}"'


def _edge(relation: Relation) -> str:
    source = f"{_id(relation.source)}:{_port(relation.field)}"
    target = f"{_id(relation.target)}:id"
    label = _quoted(relation.path)
    head = _HEAD[relation.cardinality]
    return f'  {source} -> {target} [label="{label}", arrowhead={head}];'


def _short(text: str) -> str:
    return text if len(text) <= _TYPE_WIDTH else text[: _TYPE_WIDTH - 1] + "…"


def _port(field: str) -> str:
    return "f_" + word(field)


def _id(name: str) -> str:
    return f'"{_quoted(name)}"'


def _quoted(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _escape(text: str) -> str:
    """Text inside a record label: its structure characters escaped."""
    out = text.replace("\\", "\\\\")
    for char in '{}|<>"':
        out = out.replace(char, "\\" + char)
    return out
