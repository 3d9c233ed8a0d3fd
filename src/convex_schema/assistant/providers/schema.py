"""What a language model is given: the `propose_operations` tool (a JSON
Schema of the operation vocabulary, `operations.to_json` form), the Convex
rules it must follow and the message that carries the schema and request.

The JSON Schema describes the shape; `operations.from_json`,
`apply_to_schema` and `check_schema` decide what is valid.
"""

from __future__ import annotations

import json
from typing import Any

from convex_schema.model import Schema

TOOL_NAME = "propose_operations"

TOOL_DESCRIPTION = (
    "Propose the schema operations that do what the user asks, in order. "
    "Each operation applies to the schema left by the ones before it."
)

_STRINGS = ("string", "number", "bigint", "boolean", "null", "bytes", "any")

_VALIDATOR: dict[str, Any] = {
    "description": "A Convex validator in export JSON (v.string() is "
    '{"type": "string"}, v.number() is {"type": "number"}).',
    "oneOf": [
        {
            "type": "object",
            "properties": {"type": {"enum": list(_STRINGS)}},
            "required": ["type"],
        },
        {
            "type": "object",
            "description": 'v.id("users") is {"type": "id", "tableName": "users"}; '
            'files are v.id("_storage").',
            "properties": {"type": {"const": "id"}, "tableName": {"type": "string"}},
            "required": ["type", "tableName"],
        },
        {
            "type": "object",
            "properties": {
                "type": {"const": "literal"},
                "value": {"type": ["string", "number", "boolean"]},
            },
            "required": ["type", "value"],
        },
        {
            "type": "object",
            "properties": {
                "type": {"const": "array"},
                "value": {"$ref": "#/$defs/validator"},
            },
            "required": ["type", "value"],
        },
        {
            "type": "object",
            "properties": {
                "type": {"const": "union"},
                "value": {"type": "array", "items": {"$ref": "#/$defs/validator"}},
            },
            "required": ["type", "value"],
        },
        {
            "type": "object",
            "properties": {
                "type": {"const": "object"},
                "value": {
                    "type": "object",
                    "additionalProperties": {"$ref": "#/$defs/field"},
                },
            },
            "required": ["type", "value"],
        },
        {
            "type": "object",
            "properties": {
                "type": {"const": "record"},
                "keys": {"$ref": "#/$defs/validator"},
                "values": {"$ref": "#/$defs/field"},
            },
            "required": ["type", "keys", "values"],
        },
    ],
}

_FIELD: dict[str, Any] = {
    "type": "object",
    "properties": {
        "fieldType": {"$ref": "#/$defs/validator"},
        "optional": {"type": "boolean"},
    },
    "required": ["fieldType", "optional"],
}

_INDEX: dict[str, Any] = {
    "type": "object",
    "description": "A database index (kind index: indexDescriptor, fields), a "
    "search index (kind searchIndex: indexDescriptor, searchField, filterFields) "
    "or a vector index (kind vectorIndex: indexDescriptor, vectorField, "
    "dimensions, filterFields).",
    "properties": {
        "kind": {"enum": ["index", "searchIndex", "vectorIndex"]},
        "indexDescriptor": {"type": "string"},
        "fields": {"type": "array", "items": {"type": "string"}},
        "searchField": {"type": "string"},
        "vectorField": {"type": "string"},
        "dimensions": {"type": "integer"},
        "filterFields": {"type": "array", "items": {"type": "string"}},
        "staged": {"type": "boolean"},
    },
    "required": ["kind", "indexDescriptor"],
}

_DEFINITION: dict[str, Any] = {
    "type": "object",
    "description": "The table in export JSON, without tableName.",
    "properties": {
        "documentType": {"$ref": "#/$defs/validator"},
        "indexes": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "indexDescriptor": {"type": "string"},
                    "fields": {"type": "array", "items": {"type": "string"}},
                },
                "required": ["indexDescriptor", "fields"],
            },
        },
        "searchIndexes": {"type": "array", "items": {"type": "object"}},
        "vectorIndexes": {"type": "array", "items": {"type": "object"}},
    },
    "required": ["documentType", "indexes"],
}

# op → the properties it needs besides "op" and "table"
_OPERATIONS: dict[str, dict[str, Any]] = {
    "add_table": {"definition": {"$ref": "#/$defs/definition"}},
    "drop_table": {},
    "rename_table": {"newName": {"type": "string"}},
    "add_field": {
        "field": {"type": "string", "description": "a name, or a dotted path"},
        "validator": {"$ref": "#/$defs/validator"},
        "optional": {"type": "boolean"},
    },
    "drop_field": {"field": {"type": "string"}},
    "rename_field": {"field": {"type": "string"}, "newName": {"type": "string"}},
    "change_validator": {
        "field": {"type": "string"},
        "validator": {"$ref": "#/$defs/validator"},
    },
    "set_optional": {"field": {"type": "string"}, "optional": {"type": "boolean"}},
    "add_index": {"index": {"$ref": "#/$defs/index"}},
    "drop_index": {"name": {"type": "string"}},
}


def _operation(op: str, extra: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "op": {"const": op},
            "table": {"type": "string"},
            **extra,
            "why": {"type": "string", "description": "One plain line: why."},
        },
        "required": ["op", "table", *extra],
    }


def tool_parameters() -> dict[str, Any]:
    """The JSON Schema of the tool's arguments: `{operations, summary}`."""
    return {
        "type": "object",
        "properties": {
            "summary": {"type": "string", "description": "One line: the change."},
            "operations": {
                "type": "array",
                "items": {
                    "oneOf": [_operation(op, x) for op, x in _OPERATIONS.items()]
                },
            },
        },
        "required": ["operations"],
        "$defs": {
            "validator": _VALIDATOR,
            "field": _FIELD,
            "index": _INDEX,
            "definition": _DEFINITION,
        },
    }


SYSTEM_RULES = f"""\
You design and change Convex database schemas (convex/schema.ts). Answer only \
by calling the {TOOL_NAME} tool with a list of operations; never write code.
Follow the Convex rules:
- A reference is a field named after the table in the singular with Id: \
`authorId: v.id("users")`, `postId: v.id("posts")`; files are v.id("_storage").
- Add an index on every reference used for listing. Name an index after all \
its fields: ["authorId", "status"] is by_authorId_and_status. Never list _id \
or _creationTime in an index; names starting with _ are reserved.
- No unbounded arrays of ids or of child objects: use a child table with a \
reference back (1 MiB document limit; the whole document is rewritten).
- Do not declare _id or _creationTime; _creationTime replaces a createdAt \
unless the user asks for one. Times are numbers (milliseconds).
- Table names are plural camelCase; field names are identifiers.
- Enumerations are unions of literals; variants are discriminated unions.
- Convex has no unique constraint: for "unique", add an index on the field.
- Check for redundant indexes: by_a is redundant next to by_a_and_b.
- A new field on an existing table is optional unless the user asks otherwise.
- Give every operation a short "why" in plain words.
"""


def request_message(text: str, schema: Schema | None) -> str:
    """The user turn: the current schema (export JSON) and the request."""
    if schema is None or not schema.tables:
        current = "There is no schema yet: build it with add_table operations."
    else:
        exported = json.dumps(schema.to_json(), separators=(",", ":"))
        current = f"The current schema (Convex export JSON):\n{exported}"
    return f"{current}\n\nThe request: {text}"
