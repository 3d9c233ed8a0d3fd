"""Validators: the types of documents and fields, as immutable values.

Each class mirrors one kind of `v.*` builder. `to_json` gives exactly the
validator JSON of the `convex` package (REFERENCE §1.2): the JSON keeps the
old names `number` for float64 and `bigint` for int64. Optionality belongs to
the field that holds a validator, never to the validator, because the export
drops it everywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from convex_schema.model.span import Span
from convex_schema.model.values import literal_from_json, literal_to_json

LiteralValue = str | bool | int | float


@dataclass(frozen=True, slots=True)
class Validator:
    kind: ClassVar[str] = "?"
    span: Span | None = field(default=None, compare=False, kw_only=True, repr=False)

    def to_json(self) -> dict[str, Any]:
        return {"type": self.kind}


@dataclass(frozen=True, slots=True)
class StringV(Validator):
    kind: ClassVar[str] = "string"


@dataclass(frozen=True, slots=True)
class Float64V(Validator):
    kind: ClassVar[str] = "float64"

    def to_json(self) -> dict[str, Any]:
        return {"type": "number"}


@dataclass(frozen=True, slots=True)
class Int64V(Validator):
    kind: ClassVar[str] = "int64"

    def to_json(self) -> dict[str, Any]:
        return {"type": "bigint"}


@dataclass(frozen=True, slots=True)
class BooleanV(Validator):
    kind: ClassVar[str] = "boolean"


@dataclass(frozen=True, slots=True)
class NullV(Validator):
    kind: ClassVar[str] = "null"


@dataclass(frozen=True, slots=True)
class BytesV(Validator):
    kind: ClassVar[str] = "bytes"


@dataclass(frozen=True, slots=True)
class AnyV(Validator):
    kind: ClassVar[str] = "any"


@dataclass(frozen=True, slots=True)
class CommitTsV(Validator):
    kind: ClassVar[str] = "commitTs"


@dataclass(frozen=True, slots=True)
class IdV(Validator):
    table: str
    kind: ClassVar[str] = "id"

    def to_json(self) -> dict[str, Any]:
        return {"type": "id", "tableName": self.table}


@dataclass(frozen=True, slots=True)
class LiteralV(Validator):
    """A literal. A Python `int` is an int64 literal (`7n`), a `float` a number."""

    value: LiteralValue
    kind: ClassVar[str] = "literal"

    def __eq__(self, other: object) -> bool:
        # 3 == 3.0 and True == 1 in Python; Convex compares by exact type.
        if not isinstance(other, LiteralV):
            return NotImplemented
        return type(self.value) is type(other.value) and _same_number(
            self.value, other.value
        )

    def __hash__(self) -> int:
        return hash((type(self.value).__name__, repr(self.value)))

    def to_json(self) -> dict[str, Any]:
        return {"type": "literal", "value": literal_to_json(self.value)}


def _same_number(a: LiteralValue, b: LiteralValue) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return repr(a) == repr(b)  # NaN equals NaN, -0.0 differs from 0.0
    return a == b


@dataclass(frozen=True, slots=True)
class ArrayV(Validator):
    element: Validator
    kind: ClassVar[str] = "array"

    def to_json(self) -> dict[str, Any]:
        return {"type": "array", "value": self.element.to_json()}


@dataclass(frozen=True, slots=True)
class Field:
    """A named field of an object validator, and whether it may be absent."""

    name: str
    validator: Validator
    optional: bool = False
    span: Span | None = field(default=None, compare=False, repr=False)

    def to_json(self) -> dict[str, Any]:
        return {"fieldType": self.validator.to_json(), "optional": self.optional}


@dataclass(frozen=True, slots=True)
class ObjectV(Validator):
    fields: tuple[Field, ...] = ()
    kind: ClassVar[str] = "object"

    def field(self, name: str) -> Field | None:
        for item in self.fields:
            if item.name == name:
                return item
        return None

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(item.name for item in self.fields)

    def to_json(self) -> dict[str, Any]:
        return {
            "type": "object",
            "value": {item.name: item.to_json() for item in self.fields},
        }


@dataclass(frozen=True, slots=True)
class RecordV(Validator):
    keys: Validator
    values: Validator
    kind: ClassVar[str] = "record"

    def to_json(self) -> dict[str, Any]:
        return {
            "type": "record",
            "keys": self.keys.to_json(),
            "values": {"fieldType": self.values.to_json(), "optional": False},
        }


@dataclass(frozen=True, slots=True)
class UnionV(Validator):
    members: tuple[Validator, ...] = ()
    kind: ClassVar[str] = "union"

    def to_json(self) -> dict[str, Any]:
        return {"type": "union", "value": [m.to_json() for m in self.members]}


@dataclass(frozen=True, slots=True)
class FunctionV(Validator):
    """`v.function(...)` (convex ≥ 1.49): validates a function handle."""

    fn_type: str | None = None
    args: Validator | None = None
    returns: Validator | None = None
    kind: ClassVar[str] = "function"

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "function"}
        if self.fn_type is not None:
            out["fnType"] = self.fn_type
        if self.args is not None:
            out["args"] = self.args.to_json()
        if self.returns is not None:
            out["returns"] = self.returns.to_json()
        return out


_SIMPLE: dict[str, type[Validator]] = {
    "string": StringV,
    "number": Float64V,
    "bigint": Int64V,
    "boolean": BooleanV,
    "null": NullV,
    "bytes": BytesV,
    "any": AnyV,
    "map": AnyV,  # the backend reads the legacy `map` and `set` as `any`
    "set": AnyV,
    "commitTs": CommitTsV,
}


def validator_from_json(data: Any) -> Validator:
    """Parse validator JSON as the backend does; raise ValueError when unusable."""
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        raise ValueError(f"a validator must be an object with a type: {data!r}")
    tag = data["type"]
    if tag in _SIMPLE:
        return _SIMPLE[tag]()
    if tag == "id":
        return IdV(str(data["tableName"]))
    if tag == "literal":
        return LiteralV(literal_from_json(data["value"]))
    if tag == "array":
        return ArrayV(validator_from_json(data["value"]))
    if tag == "object":
        return ObjectV(tuple(_field_from_json(k, v) for k, v in data["value"].items()))
    if tag == "record":
        return RecordV(
            validator_from_json(data["keys"]),
            validator_from_json(data["values"]["fieldType"]),
        )
    if tag == "union":
        return UnionV(tuple(validator_from_json(m) for m in data["value"]))
    if tag == "function":
        args, returns = data.get("args"), data.get("returns")
        return FunctionV(
            data.get("fnType"),
            validator_from_json(args) if args is not None else None,
            validator_from_json(returns) if returns is not None else None,
        )
    raise ValueError(f"unknown validator type {tag!r}")


def _field_from_json(name: str, data: Any) -> Field:
    if not isinstance(data, dict) or "fieldType" not in data:
        raise ValueError(f"field {name!r} must have a fieldType")
    return Field(name, validator_from_json(data["fieldType"]), bool(data["optional"]))


def walk(validator: Validator) -> list[Validator]:
    """The validator and every validator nested in it, depth first."""
    out = [validator]
    if isinstance(validator, ArrayV):
        out += walk(validator.element)
    elif isinstance(validator, ObjectV):
        for item in validator.fields:
            out += walk(item.validator)
    elif isinstance(validator, RecordV):
        out += walk(validator.keys) + walk(validator.values)
    elif isinstance(validator, UnionV):
        for member in validator.members:
            out += walk(member)
    return out
