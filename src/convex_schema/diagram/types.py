"""Field lists and short type names for pictures and documentation."""

from __future__ import annotations

import re

from convex_schema.model import (
    ArrayV,
    Field,
    Float64V,
    FunctionV,
    IdV,
    LiteralV,
    NullV,
    ObjectV,
    RecordV,
    StringV,
    Table,
    UnionV,
    Validator,
    document_objects,
)
from convex_schema.model.values import js_number

SYSTEM_FIELDS = (
    Field("_id", IdV("")),
    Field("_creationTime", Float64V()),
)


def document_fields(table: Table) -> list[Field]:
    """The fields a table's documents can have, in declaration order.

    A table defined by a union of objects lists the fields of every variant;
    a field missing from some variant is optional.
    """
    shapes = document_objects(table.document)
    merged: dict[str, Field] = {}
    for shape in shapes:
        for item in shape.fields:
            if item.name not in merged:
                merged[item.name] = item
    out = []
    for name, item in merged.items():
        everywhere = all(shape.field(name) is not None for shape in shapes)
        optional = item.optional or not everywhere or _optional_somewhere(name, shapes)
        out.append(Field(name, item.validator, optional, item.span))
    return out


def _optional_somewhere(name: str, shapes: list[ObjectV]) -> bool:
    return any((f := s.field(name)) is not None and f.optional for s in shapes)


def type_text(validator: Validator) -> str:
    """A TypeScript-like type: `Id<users>`, `string[]`, `"a" | "b"`."""
    if isinstance(validator, IdV):
        return f"Id<{validator.table}>"
    if isinstance(validator, ArrayV):
        inner = type_text(validator.element)
        return f"({inner})[]" if isinstance(validator.element, UnionV) else f"{inner}[]"
    if isinstance(validator, ObjectV):
        inner = ", ".join(
            f"{f.name}{'?' if f.optional else ''}: {type_text(f.validator)}"
            for f in validator.fields
        )
        return f"{{ {inner} }}" if inner else "{}"
    if isinstance(validator, RecordV):
        return f"Record<{type_text(validator.keys)}, {type_text(validator.values)}>"
    if isinstance(validator, UnionV):
        return " | ".join(type_text(m) for m in validator.members)
    if isinstance(validator, LiteralV):
        return _literal(validator.value)
    if isinstance(validator, Float64V):
        return "number"
    if isinstance(validator, FunctionV):
        return "function"
    return validator.kind


def _literal(value: str | bool | int | float) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, int):
        return f"{value}n"
    return js_number(value)


def type_word(validator: Validator) -> str:
    """One word for a type, as Mermaid's attribute types must be:
    `id_users`, `string_array`, `enum`, `string_or_null`."""
    if isinstance(validator, IdV):
        return "id_" + word(validator.table) if validator.table else "id"
    if isinstance(validator, ArrayV):
        return type_word(validator.element) + "_array"
    if isinstance(validator, UnionV):
        return _union_word(validator)
    if isinstance(validator, Float64V):
        return "number"
    return word(validator.kind)


def _union_word(validator: UnionV) -> str:
    members = [m for m in validator.members if not isinstance(m, NullV)]
    suffix = "_or_null" if len(members) < len(validator.members) else ""
    if len(members) == 1:
        return type_word(members[0]) + suffix
    if members and all(isinstance(m, LiteralV) for m in members):
        return "enum" + suffix
    if members and all(isinstance(m, StringV | LiteralV) for m in members):
        return "string" + suffix
    if members and all(isinstance(m, IdV) for m in members):
        return "id" + suffix
    return "union" + suffix


def word(text: str) -> str:
    """`text` with every character outside `[A-Za-z0-9_]` made `_`."""
    cleaned = re.sub(r"[^A-Za-z0-9_]", "_", text)
    return cleaned if cleaned and not cleaned[0].isdigit() else f"_{cleaned}"
