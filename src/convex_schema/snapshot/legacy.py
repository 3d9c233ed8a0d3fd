"""Legacy exports: documents typed by the table's shape and per-document hints.

Before the "uniform" encoding, `npx convex export` wrote documents in
Convex's "clean" JSON, which cannot tell an int64 or bytes from a string:
an int64 is a base-10 string, bytes a base64 string, and the infinities and
NaN the strings "Infinity", "-Infinity" and "NaN" (REFERENCE §4.1). To undo
that, the table's `generated_schema.jsonl` holds on line 1 the table's
inferred shape, printed the way the backend prints shapes (`{"_id": id<10001>,
"count": int64, "tags": array<string>}`), and on each later line a hint
`{"<_id>": <hint>}` for a document the shape alone cannot decode.

Import reads a string by the hint at its place when there is one. Otherwise
it looks at every shape the table's shape allows at that place (through
unions, array elements, object fields and record values): when all of them
read a string the same way (only int64, say, or only bytes), that is how the
string is read; when they disagree (int64 or string), it stays a string. JSON
numbers are float64 whatever the shape says, and a string that does not
parse as what it must be stops the import: here it is a located error.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
import struct
from dataclasses import dataclass
from typing import Any

from convex_schema.snapshot.values import decode_plain

# How a string without a hint is read: kept, or parsed as one of the types
# the clean JSON writes as strings.
STRING = "string"
INT64 = "int64"
INFINITY = "float64inf"
BYTES = "bytes"

_UNITS = (  # tried in this order, as the backend parses them
    "never",
    "null",
    "int64",
    "float64",
    "-inf",
    "inf",
    "-0",
    "NaN",
    "normalfloat64",
    "boolean",
    "field_name",
    "string",
    "bytes",
    "unknown",
)
# The readings a string may have under each shape; a float64 may be NaN or
# an infinity, so it never decides alone.
_STRING_READINGS: dict[str, frozenset[str]] = {
    "int64": frozenset({INT64}),
    "-inf": frozenset({INFINITY}),
    "inf": frozenset({INFINITY}),
    "NaN": frozenset({"nan", INFINITY}),
    "float64": frozenset({"nan", INFINITY}),
    "string": frozenset({STRING}),
    "field_name": frozenset({STRING}),
    "literal": frozenset({STRING}),
    "id": frozenset({STRING}),
    "bytes": frozenset({BYTES}),
    "unknown": frozenset({STRING, INT64, INFINITY, "nan", BYTES}),
}
_TYPED = frozenset({"int64", "-inf", "inf", "bytes"})
_INT64 = re.compile(r"[+-]?[0-9]+\Z")
_INT64_RANGE = range(-(2**63), 2**63)


class ShapeError(ValueError):
    """A shape line that cannot be read."""


class LegacyValueError(ValueError):
    """A value that contradicts its table's shape or its hint, with where."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.path: list[str] = []

    def __str__(self) -> str:
        where = "".join(reversed(self.path)) or "(document)"
        return f"at {where}: {self.reason}"


@dataclass(frozen=True)
class Shape:
    """One node of a table's shape: `kind` is a unit ("int64", "string",
    "unknown", ...) or "literal", "id", "array", "object", "record",
    "union"; `items` holds an array's element, a record's key and value, or
    a union's members; `fields` an object's fields."""

    kind: str
    items: tuple[Shape, ...] = ()
    fields: tuple[tuple[str, Shape], ...] = ()


def parse_shape(text: str) -> Shape:
    """Read a shape as the backend prints it (`Display` for `Shape`)."""
    shape, end = _Parser(text).union(0)
    if end != len(text):
        raise ShapeError(f"unexpected text at column {end + 1}: {text[end:][:30]!r}")
    return shape


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text

    def union(self, at: int) -> tuple[Shape, int]:
        members: list[Shape] = []
        while True:
            member, at = self.one(at)
            members.append(member)
            if not self.text.startswith(" | ", at):
                break
            at += 3
        if len(members) == 1:
            return members[0], at
        return Shape("union", tuple(members)), at

    def one(self, at: int) -> tuple[Shape, int]:
        text = self.text
        for unit in _UNITS:
            if text.startswith(unit, at):
                return Shape(unit), at + len(unit)
        if text.startswith("{", at):
            return self.object(at + 1)
        if text.startswith('"', at):
            end = self.until('"', at + 1)
            return Shape("literal"), end + 1
        for name, arity in (("id<", 0), ("array<", 1), ("record<", 2)):
            if text.startswith(name, at):
                return self.generic(name[:-1], arity, at + len(name))
        if text.startswith(("set<", "map<"), at):
            raise ShapeError(
                f"a {text[at : at + 3]} shape at column {at + 1}: sets and maps are "
                "no longer Convex values, and import rejects them"
            )
        raise ShapeError(f"unexpected text at column {at + 1}: {text[at:][:30]!r}")

    def generic(self, kind: str, arity: int, at: int) -> tuple[Shape, int]:
        if arity == 0:  # id<table number>
            end = self.until(">", at)
            if not self.text[at:end].isdigit():
                raise ShapeError(f"expected a table number at column {at + 1}")
            return Shape(kind), end + 1
        items: list[Shape] = []
        for index in range(arity):
            item, at = self.union(at)
            items.append(item)
            close = ">" if index == arity - 1 else ", "
            if not self.text.startswith(close, at):
                raise ShapeError(f"expected {close.strip()!r} at column {at + 1}")
            at += len(close)
        return Shape(kind, tuple(items)), at

    def object(self, at: int) -> tuple[Shape, int]:
        fields: list[tuple[str, Shape]] = []
        text = self.text
        while not text.startswith("}", at):
            if not text.startswith('"', at):
                raise ShapeError(f"expected a field name at column {at + 1}")
            end = self.until('"', at + 1)
            name, at = text[at + 1 : end], end + 1
            if text.startswith("?", at):
                at += 1
            if not text.startswith(": ", at):
                raise ShapeError(f"expected ': ' at column {at + 1}")
            shape, at = self.union(at + 2)
            fields.append((name, shape))
            if text.startswith(", ", at):
                at += 2
            elif not text.startswith("}", at):
                raise ShapeError(f"expected ', ' or '}}' at column {at + 1}")
        return Shape("object", fields=tuple(fields)), at + 1

    def until(self, mark: str, at: int) -> int:
        end = self.text.find(mark, at)
        if end < 0:
            raise ShapeError(f"expected {mark!r} after column {at}")
        return end


class Place:
    """What a table's shape says about one place in its documents: the set
    of shapes a value there may have, with unions opened up."""

    def __init__(self, shapes: frozenset[Shape], places: dict[Any, Place]) -> None:
        self.shapes = shapes
        self._places = places
        readings: set[str] = set()
        for shape in shapes:
            readings |= _STRING_READINGS.get(shape.kind, frozenset())
        # A string is parsed only when every shape here agrees how (a NaN's
        # bits are only in hints, so float64 shapes never agree alone).
        self.string = next(iter(readings)) if len(readings) == 1 else STRING
        # Nothing typed below: a plain decode gives the same values.
        self.plain = not any(_typed(shape) for shape in shapes)
        self._element: Place | None = None
        self._fields: dict[str, Place] = {}
        self._named = {
            name for s in shapes if s.kind == "object" for name, _ in s.fields
        }
        self._other: Place | None = None

    def element(self) -> Place:
        """The place of an array's elements."""
        if self._element is None:
            found = [
                s.items[0] if s.kind == "array" else s
                for s in self.shapes
                if s.kind in ("array", "unknown")
            ]
            self._element = _place(found, self._places)
        return self._element

    def field(self, name: str) -> Place:
        """The place of an object's field (or a record's value)."""
        if name not in self._named:
            if self._other is None:
                self._other = _place(self._values(None), self._places)
            return self._other
        found = self._fields.get(name)
        if found is None:
            found = self._fields[name] = _place(self._values(name), self._places)
        return found

    def _values(self, name: str | None) -> list[Shape]:
        found: list[Shape] = []
        for shape in self.shapes:
            if shape.kind == "object":
                found += [s for n, s in shape.fields if n == name]
            elif shape.kind == "record":
                found.append(shape.items[1])
            elif shape.kind == "unknown":
                found.append(shape)
        return found


def _place(shapes: list[Shape], places: dict[Any, Place]) -> Place:
    opened: set[Shape] = set()
    for shape in shapes:
        opened.update(shape.items if shape.kind == "union" else (shape,))
    key = frozenset(opened)
    found = places.get(key)
    if found is None:
        found = places[key] = Place(key, places)
    return found


def _typed(shape: Shape) -> bool:
    """Whether a string somewhere in values of this shape may be typed by it."""
    if shape.kind in _TYPED:
        return True
    return any(_typed(s) for s in shape.items) or any(
        _typed(s) for _, s in shape.fields
    )


def table_place(shape: Shape | None) -> Place:
    """The place of a whole document of a table with this shape (with no
    shape, nothing is typed by it)."""
    return _place([shape] if shape is not None else [], {})


NO_SHAPE = table_place(None)


def decode_legacy(document: dict[str, Any], hint: Any, place: Place) -> Any:
    """A document of a legacy export as Convex values, from its clean JSON,
    its hint (None when it has none) and its table's place."""
    return _decode(document, hint, place)


def _decode(value: Any, hint: Any, place: Place) -> Any:
    kind = type(value)
    if kind is str:
        if _infers(hint):
            return _read_string(value, place.string, "the table's shape")
        if hint == STRING:  # a reading of ours, not a hint exports write
            raise LegacyValueError(f"a string where its hint says {hint!r}")
        return _read_string(value, hint, "its type hint")
    if kind is dict:
        if _infers(hint):
            if place.plain:
                return decode_plain(value)
            return {k: _at(v, None, place.field(k), k) for k, v in value.items()}
        if type(hint) is not dict or _nan_hint(hint):
            raise LegacyValueError(f"an object where its hint says {_name(hint)}")
        return {k: _at(v, hint.get(k), place.field(k), k) for k, v in value.items()}
    if kind is list:
        if _infers(hint):
            if place.plain:
                return decode_plain(value)
            element = place.element()
            return [_at(v, None, element, i) for i, v in enumerate(value)]
        if type(hint) is not list:
            raise LegacyValueError(f"an array where its hint says {_name(hint)}")
        if len(hint) != len(value):
            raise LegacyValueError(
                f"an array of {len(value)} where its hint has {len(hint)} elements"
            )
        element = place.element()
        return [
            _at(v, h, element, i)
            for i, (v, h) in enumerate(zip(value, hint, strict=True))
        ]
    if kind is int:
        return float(value)  # every JSON number of the clean format is a float64
    return value


def _at(value: Any, hint: Any, place: Place, key: str | int) -> Any:
    try:
        return _decode(value, hint, place)
    except LegacyValueError as error:
        error.path.append(f"[{key}]" if type(key) is int else f".{key}")
        raise


def _infers(hint: Any) -> bool:
    return hint is None or hint == "infer"


def _nan_hint(hint: dict[str, Any]) -> bool:
    return type(hint.get("$float64NaN")) is str


def _read_string(value: str, reading: Any, source: str) -> Any:
    """A string read as `reading` (one of the module's readings, or a hint),
    which `source` asks for."""
    if reading == STRING:
        return value
    if reading == INT64:
        if _INT64.match(value) and int(value) in _INT64_RANGE:
            return int(value)
        raise LegacyValueError(
            f"{_short(value)} is not an int64 (a base-10 string of one), as "
            f"{source} says"
        )
    if reading == BYTES:
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise LegacyValueError(
                f"{_short(value)} is not bytes (a base64 string), as {source} says"
            ) from None
    if reading == INFINITY:
        if value in ("Infinity", "-Infinity"):
            return math.inf if value == "Infinity" else -math.inf
        raise LegacyValueError(
            f'{_short(value)} is not "Infinity" or "-Infinity", as {source} says'
        )
    if type(reading) is dict and _nan_hint(reading):
        return _nan(value, reading["$float64NaN"])
    raise LegacyValueError(f"a string where its hint says {_name(reading)}")


def _nan(value: str, encoded: str) -> float:
    if value != "NaN":
        raise LegacyValueError(f'{_short(value)} where its hint says "NaN"')
    try:
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 8 or not math.isnan(struct.unpack("<d", raw)[0]):
        raise LegacyValueError("its NaN hint does not hold the 8 bytes of a NaN")
    result: float = struct.unpack("<d", raw)[0]
    return result


def _name(hint: Any) -> str:
    if type(hint) is dict:
        return "a NaN" if _nan_hint(hint) else "an object"
    if type(hint) is list:
        return "an array"
    if hint in ("set", "map"):
        return f"a {hint} (no longer a Convex value)"
    return repr(hint)


def _short(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:37] + "...")
