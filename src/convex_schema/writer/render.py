"""Rendering the model as idiomatic `schema.ts`: two-space indent, double
quotes, trailing commas, chained indexes one per line, as Convex's docs and
prettier write it."""

from __future__ import annotations

import json

from convex_schema.model import (
    AnyIndex,
    ArrayV,
    Field,
    FunctionV,
    IdV,
    Index,
    LiteralV,
    ObjectV,
    RecordV,
    Schema,
    SearchIndex,
    Table,
    UnionV,
    Validator,
    limits,
)
from convex_schema.model.values import js_number

WIDTH = 80
INDENT = "  "

HEADER = (
    'import { defineSchema, defineTable } from "convex/server";\n'
    'import { v } from "convex/values";\n'
)


def render_schema(schema: Schema) -> str:
    """A whole `schema.ts` for `schema`."""
    lines = [HEADER, "export default defineSchema("]
    body = ["{"]
    for table in schema.tables:
        body.append(f"{INDENT}{render_key(table.name)}: {render_table(table, 1)},")
    body.append("}")
    options = _options(schema)
    if options:
        lines.append(INDENT + "\n".join(body).replace("\n", "\n" + INDENT) + ",")
        lines.append(f"{INDENT}{options},")
        lines.append(");")
    else:
        lines[-1] = "export default defineSchema(" + "\n".join(body) + ");"
    return "\n".join(lines) + "\n"


def _options(schema: Schema) -> str:
    parts = []
    if not schema.schema_validation:
        parts.append("schemaValidation: false")
    if not schema.strict_table_name_types:
        parts.append("strictTableNameTypes: false")
    return "{ " + ", ".join(parts) + " }" if parts else ""


def render_key(name: str) -> str:
    """An object key: bare when it is an identifier, quoted otherwise."""
    if limits.IDENTIFIER.match(name):
        return name
    return json.dumps(name, ensure_ascii=False)


def render_table(table: Table, level: int) -> str:
    """`defineTable(...)` with its chained index calls, at nesting `level`."""
    pad = INDENT * level
    document = table.document
    if isinstance(document, ObjectV):
        head = "defineTable(" + _fields_block(document.fields, level) + ")"
    else:
        inner = render_validator(document, level + 1)
        if "\n" in inner or len(pad) + len(inner) + 12 > WIDTH:
            head = f"defineTable(\n{pad}{INDENT}{inner},\n{pad})"
        else:
            head = f"defineTable({inner})"
    calls = [render_index(i) for i in table.indexes]
    if table.staged_document is not None:
        calls.append(f".staged({render_validator(table.staged_document, level + 1)})")
    if not calls:
        return head
    if len(calls) == 1 and "\n" not in calls[0]:
        last_line = head.rsplit("\n", 1)[-1]
        if len(pad) + len(last_line) + len(calls[0]) + 1 <= WIDTH:
            return head + calls[0]
    chain = "".join(f"\n{pad}{INDENT}{call}" for call in calls)
    return head + chain.replace("\n" + pad + INDENT + INDENT, "\n" + pad + INDENT * 2)


def render_index(index: AnyIndex) -> str:
    """One chained call: `.index(...)`, `.searchIndex(...)` or `.vectorIndex(...)`."""
    name = json.dumps(index.name, ensure_ascii=False)
    if isinstance(index, Index):
        fields = _string_list(index.fields)
        if index.staged:
            return f".index({name}, {{ fields: {fields}, staged: true }})"
        return f".index({name}, {fields})"
    parts: list[str]
    if isinstance(index, SearchIndex):
        parts = [f"searchField: {json.dumps(index.search_field)}"]
        method = "searchIndex"
    else:
        parts = [
            f"vectorField: {json.dumps(index.vector_field)}",
            f"dimensions: {_dimension(index.dimensions)}",
        ]
        method = "vectorIndex"
    if index.filter_fields:
        parts.append(f"filterFields: {_string_list(index.filter_fields)}")
    if index.staged:
        parts.append("staged: true")
    inline = f".{method}({name}, {{ {', '.join(parts)} }})"
    if len(inline) + 6 <= WIDTH:
        return inline
    body = "".join(f"\n{INDENT * 3}{p}," for p in parts)
    return f".{method}({name}, {{{body}\n{INDENT * 2}}})"


def _dimension(value: int | float) -> str:
    return js_number(float(value))


def _string_list(items: tuple[str, ...]) -> str:
    return "[" + ", ".join(json.dumps(i, ensure_ascii=False) for i in items) + "]"


def _fields_block(fields: tuple[Field, ...], level: int) -> str:
    if not fields:
        return "{}"
    pad = INDENT * (level + 1)
    lines = [f"{pad}{render_field(f, level + 1)}," for f in fields]
    return "{\n" + "\n".join(lines) + "\n" + INDENT * level + "}"


def render_field(item: Field, level: int) -> str:
    """`name: v.string()` or `name: v.optional(...)`, at nesting `level`."""
    value = render_validator(item.validator, level)
    if item.optional:
        if "\n" in value:
            inner = render_validator(item.validator, level + 1)
            pad = INDENT * level
            value = f"v.optional(\n{pad}{INDENT}{inner},\n{pad})"
        else:
            value = f"v.optional({value})"
    return f"{render_key(item.name)}: {value}"


def render_validator(validator: Validator, level: int = 0) -> str:
    """A `v.*` expression, broken over lines when it does not fit."""
    inline = _inline(validator)
    if "\n" not in inline and len(INDENT * level) + len(inline) <= WIDTH:
        return inline
    pad, inner = INDENT * level, INDENT * (level + 1)
    if isinstance(validator, ObjectV):
        return f"v.object({_fields_block(validator.fields, level)})"
    if isinstance(validator, UnionV):
        members = "".join(
            f"\n{inner}{render_validator(m, level + 1)}," for m in validator.members
        )
        return f"v.union({members}\n{pad})"
    if isinstance(validator, ArrayV):
        return f"v.array({render_validator(validator.element, level)})"
    if isinstance(validator, RecordV):
        keys = render_validator(validator.keys, level + 1)
        values = render_validator(validator.values, level + 1)
        return f"v.record(\n{inner}{keys},\n{inner}{values},\n{pad})"
    return inline


def _inline(validator: Validator) -> str:
    if isinstance(validator, ObjectV):
        if not validator.fields:
            return "v.object({})"
        body = ", ".join(render_field(f, 0) for f in validator.fields)
        return f"v.object({{ {body} }})"
    if isinstance(validator, UnionV):
        return f"v.union({', '.join(_inline(m) for m in validator.members)})"
    if isinstance(validator, ArrayV):
        return f"v.array({_inline(validator.element)})"
    if isinstance(validator, RecordV):
        return f"v.record({_inline(validator.keys)}, {_inline(validator.values)})"
    if isinstance(validator, IdV):
        return f"v.id({json.dumps(validator.table, ensure_ascii=False)})"
    if isinstance(validator, LiteralV):
        return f"v.literal({_literal(validator.value)})"
    if isinstance(validator, FunctionV):
        return _function(validator)
    names = {"float64": "number"}
    return f"v.{names.get(validator.kind, validator.kind)}()"


def _literal(value: str | bool | int | float) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, int):
        return f"{value}n"
    if value == 0 and str(value).startswith("-"):
        return "-0"
    return js_number(value)


def _function(validator: FunctionV) -> str:
    parts = []
    if validator.fn_type is not None:
        parts.append(f"fnType: {json.dumps(validator.fn_type)}")
    if validator.args is not None:
        parts.append(f"args: {_inline(validator.args)}")
    if validator.returns is not None:
        parts.append(f"returns: {_inline(validator.returns)}")
    return f"v.function({{ {', '.join(parts)} }})" if parts else "v.function()"
