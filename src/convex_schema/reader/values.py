"""What the static evaluator computes: a small model of JavaScript values.

Only what schema files build is modelled: primitives, arrays, plain objects,
validators (with Convex's own optional flag, which lives on the validator
while a schema is being built), table definitions (mutable, as the package's
`.index()` mutates and returns the same table), schemas, functions and
well-known package exports. Anything else evaluates to `Unknown`, which
carries why, so a use of it can report a located diagnostic.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from convex_schema.model import AnyIndex, Span, Validator

if TYPE_CHECKING:
    from tree_sitter import Node

    from convex_schema.reader.evaluate import Scope


class Undefined:
    _instance: Undefined | None = None

    def __new__(cls) -> Undefined:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "undefined"


UNDEFINED = Undefined()


@dataclass(eq=False)
class JSObject:
    """A plain object: ordered properties, with the span each was written at."""

    props: dict[str, Any] = field(default_factory=dict)
    spans: dict[str, Span | None] = field(default_factory=dict)

    def set(self, key: str, value: Any, span: Span | None) -> None:
        self.props[key] = value
        self.spans[key] = span

    def items(self) -> list[tuple[str, Any]]:
        """Properties in JavaScript's enumeration order: integer-like keys
        first in ascending order, then the rest in insertion order."""
        props = self.props
        ints = sorted(
            (k for k in props if k[:1] in _DIGITS and _is_array_index(k)), key=int
        )
        if not ints:  # the usual object: field names only
            return list(props.items())
        rest = [k for k in props if not _is_array_index(k)]
        return [(k, props[k]) for k in ints + rest]


_DIGITS = frozenset("0123456789")


def _is_array_index(key: str) -> bool:
    return (
        key.isascii()
        and key.isdigit()
        and (key == "0" or key[0] != "0")
        and int(key) < 2**32 - 1
    )


@dataclass(eq=False)
class VVal:
    """A validator as the package holds it: the validator and `isOptional`."""

    validator: Validator
    optional: bool = False
    span: Span | None = None


@dataclass(eq=False)
class TableBuilder:
    """`defineTable(...)`: mutable, because `.index()` returns the same object."""

    document: VVal
    indexes: list[AnyIndex] = field(default_factory=list)
    staged: VVal | None = None
    span: Span | None = None


@dataclass(eq=False)
class SchemaValue:
    """`defineSchema(tables, options)`."""

    tables: JSObject
    schema_validation: bool = True
    strict_table_name_types: bool = True
    span: Span | None = None


@dataclass(eq=False)
class Unknown:
    """A value the evaluator could not compute, and the reason why."""

    reason: str
    span: Span | None = None


@dataclass(eq=False)
class JSFunction:
    """A function written in the project: evaluated when it only returns."""

    name: str
    params: list[Node]
    body: Node
    scope: Scope


@dataclass(eq=False)
class Builtin:
    """A function from a package we know: `v.string`, `defineTable`, ..."""

    name: str
    call: Callable[..., Any]


@dataclass(eq=False)
class Namespace:
    """A module namespace or a package object such as `v`."""

    name: str
    members: dict[str, Any]


def type_name(value: Any) -> str:
    """How a value is named in messages."""
    if isinstance(value, VVal):
        return f"a validator (v.{value.validator.kind})"
    if isinstance(value, TableBuilder):
        return "a table definition"
    if isinstance(value, SchemaValue):
        return "a schema"
    if isinstance(value, JSObject):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, int):
        return "a bigint"
    if isinstance(value, float):
        return "a number"
    if value is None:
        return "null"
    if value is UNDEFINED:
        return "undefined"
    if isinstance(value, JSFunction | Builtin):
        return "a function"
    if isinstance(value, Unknown):
        return "a value that cannot be computed statically"
    return type(value).__name__
