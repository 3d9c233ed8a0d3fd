"""Validators compiled to Python source: one function per table.

Checking a million documents one closure call per field costs more than
parsing them. So a table's document validator is written out as Python
source, in the way fastjsonschema compiles JSON Schemas. The function body is
a run of statements that return False at the first failure: an object's
required fields are read with one subscript each (a missing one raises
KeyError, which is the failure), its keys are counted to reject extra fields,
and arrays and records are plain `for` loops. Inside a union, where a failing
member must not end the function, each member is one expression: arrays of
scalars compare the set of element types, unions of literals are set lookups,
and the literal fields of an object (a discriminant) are tested first so a
union of objects rejects the wrong members at once. The result agrees with
`checker.compile_check`, which the tests compare it against.
"""

from __future__ import annotations

import functools
import itertools
import math
from array import array
from bisect import bisect_left
from collections.abc import Callable
from typing import Any

from convex_schema.model import (
    AnyV,
    ArrayV,
    BooleanV,
    BytesV,
    CommitTsV,
    Field,
    Float64V,
    FunctionV,
    IdV,
    Int64V,
    LiteralV,
    NullV,
    ObjectV,
    RecordV,
    StringV,
    UnionV,
    Validator,
)
from convex_schema.snapshot.checker import IdTables, compile_check

_SCALAR_TYPES: dict[type[Validator], type] = {
    StringV: str,
    Float64V: float,
    Int64V: int,
    CommitTsV: int,
    BooleanV: bool,
    NullV: type(None),
    BytesV: bytes,
    FunctionV: str,
}


_MISSING = object()
SET_LIMIT = 1 << 17  # ids; a set of as many takes about 9 MB


def _among(key: int, known: frozenset[int] | array[int]) -> bool:
    if isinstance(known, frozenset):
        return key in known
    index = bisect_left(known, key)
    return index < len(known) and known[index] == key


class IdCheck:
    """Checks one id and notes the references that need a second look.

    An id found among the `_id`s of its (already read) table is valid and
    not dangling: one lookup of its hash (in a set, or by binary search for a
    large table), no decoding. Anything else is decoded; if it is an id of
    the right table, it is noted in `scratch` for the caller to report as
    dangling (or to check once its table has been read)."""

    def __init__(
        self, ids: IdTables, complete: dict[str, array[int]], scratch: list[Any]
    ) -> None:
        self.ids = ids
        self.complete = complete
        self.scratch = scratch
        self._known: dict[str, frozenset[int] | array[int]] = {}

    def known(self, table: str) -> frozenset[int] | array[int] | None:
        """The `_id` hashes of `table` once the table was read: as a set, or
        for a large table as its sorted array (a set costs about nine times
        the array's 8 bytes an id). Sets are built only for the tables this
        check refers to, and live as long as the check (one table)."""
        found = self._known.get(table)
        if found is None:
            hashes = self.complete.get(table)
            if hashes is None:
                return None
            small = len(hashes) <= SET_LIMIT
            found = self._known[table] = frozenset(hashes) if small else hashes
        return found

    def __call__(self, value: Any, table: str, path: str) -> bool:
        if type(value) is not str:
            return False
        known = self.known(table)
        if known is not None and _among(hash(value), known):
            return True
        if self.ids.table_of(value) not in _id_accepts(table, self.ids):
            return False
        self.scratch.append((table, value, path))
        return True


class _Writer:
    def __init__(
        self,
        ids: IdTables,
        id_check: IdCheck | None = None,
        empty_keys: list[str] | None = None,
    ) -> None:
        self.ids = ids
        self.id_check = id_check
        self.empty_keys = empty_keys
        self.names = itertools.count()
        self.env: dict[str, Any] = {}

    def bind(self, value: Any) -> str:
        name = f"_k{next(self.names)}"
        self.env[name] = value
        return name

    def var(self) -> str:
        return f"_v{next(self.names)}"

    def expr(
        self, validator: Validator, v: str, top: bool = False, path: str = ""
    ) -> str:
        """A Python expression that is true when the value named `v` passes;
        `path` names the place for the references it notes."""
        scalar = _scalar_types(validator)
        if scalar is not None:
            return self._type_test(scalar, v)
        if isinstance(validator, AnyV):
            return "True"
        if isinstance(validator, IdV):
            if self.id_check is not None:
                check = self.bind(self.id_check)
                slow = f"{check}({v}, {validator.table!r}, {path!r})"
                known = self.id_check.known(validator.table)
                if known is None:
                    return slow
                # The table was read already: an id among its _ids passes
                # with one set lookup or binary search (inlined), anything
                # else goes slow.
                ids = self.bind(known)
                if isinstance(known, frozenset):
                    found = f"hash({v}) in {ids}"
                else:
                    bisect, key, index = self.bind(bisect_left), self.var(), self.var()
                    found = (
                        f"({index} := {bisect}({ids}, {key} := hash({v}))) "
                        f"< {len(known)} and {ids}[{index}] == {key}"
                    )
                return f"(type({v}) is str and ({found} or {slow}))"
            table_of = self.bind(self.ids.table_of)
            accepts = self.bind(_id_accepts(validator.table, self.ids))
            return f"(type({v}) is str and {table_of}({v}) in {accepts})"
        if isinstance(validator, LiteralV):
            return self._literal(validator, v)
        if isinstance(validator, ArrayV):
            return self._array(validator, v, path)
        if isinstance(validator, ObjectV):
            return self._object(validator, v, top, path)
        if isinstance(validator, RecordV):
            key, value = self.var(), self.var()
            keys, values = (
                self.expr(validator.keys, key, path=path + ".<key>"),
                self.expr(validator.values, value, path=path + ".*"),
            )
            note = self._note_empty_key(v, path)
            note = f"({note} or True) and " if note else ""
            return (
                f"(type({v}) is dict and {note}all(({keys}) and ({values}) "
                f"for {key}, {value} in {v}.items()))"
            )
        if isinstance(validator, UnionV):
            return self._union(validator, v, top, path)
        fallback = self.bind(compile_check(validator, self.ids))
        return f"{fallback}({v})"

    def _note_empty_key(self, v: str, path: str) -> str:
        """A statement noting a record's empty key (a name Convex rejects,
        which its JSON text shows only to a slow search)."""
        if self.empty_keys is None:
            return ""
        return f'"" in {v} and {self.bind(self.empty_keys.append)}({path!r})'

    def _type_test(self, types: frozenset[type], v: str) -> str:
        if len(types) == 1:
            (only,) = types
            if only is type(None):
                return f"({v} is None)"
            return f"(type({v}) is {self.bind(only)})"
        return f"(type({v}) in {self.bind(types)})"

    def _literal(self, validator: LiteralV, v: str) -> str:
        value = validator.value
        if isinstance(value, float) and (math.isnan(value) or value == 0):
            check = self.bind(compile_check(validator, self.ids))
            return f"{check}({v})"
        kind = self.bind(type(value))
        return f"(type({v}) is {kind} and {v} == {self.bind(value)})"

    def _array(self, validator: ArrayV, v: str, path: str) -> str:
        element = validator.element
        scalar = _scalar_types(element)
        if scalar is not None:
            allowed = self.bind(scalar)
            return f"(type({v}) is list and set(map(type, {v})) <= {allowed})"
        if isinstance(element, AnyV):
            return f"(type({v}) is list)"
        item = self.var()
        return (
            f"(type({v}) is list and all("
            f"{self.expr(element, item, path=path + '[]')} for {item} in {v}))"
        )

    def _object(self, obj: ObjectV, v: str, top: bool, path: str) -> str:
        missing = self.bind(_MISSING)
        tests = [f"type({v}) is dict"]
        counted: list[str] = []
        required = 0
        for item in _literals_first(obj):
            inner = self.var()
            check = self.expr(item.validator, inner, path=f"{path}.{item.name}")
            get = f"({inner} := {v}.get({item.name!r}, {missing}))"
            if item.optional:
                tests.append(f"({get} is {missing} or {check})")
                counted.append(f"({inner} is not {missing})")
            else:
                tests.append(f"{get} is not {missing} and {check}")
                required += 1
        total = " + ".join([str(required), *counted, *_system_fields(obj, v, top)])
        tests.append(f"len({v}) == {total}")
        return "(" + " and ".join(tests) + ")"

    def _union(self, union: UnionV, v: str, top: bool, path: str) -> str:
        members = list(union.members)
        if not members:
            return "False"
        key = _discriminant(members)
        if key is not None:
            return self._dispatch(members, key, v, top, path)
        literals = [m for m in members if isinstance(m, LiteralV) and _plain(m.value)]
        rest = [m for m in members if m not in literals]
        parts = []
        by_type: dict[type, set[Any]] = {}
        for literal in literals:
            assert isinstance(literal, LiteralV)
            by_type.setdefault(type(literal.value), set()).add(literal.value)
        for kind, values in by_type.items():
            allowed = self.bind(frozenset(values))
            parts.append(f"(type({v}) is {self.bind(kind)} and {v} in {allowed})")
        parts += [self.expr(m, v, top, path) for m in rest]
        return "(" + " or ".join(parts) + ")"

    def _dispatch(
        self, members: list[Validator], key: str, v: str, top: bool, path: str
    ) -> str:
        """Objects told apart by a string literal field: look the member up
        by that field's value instead of trying each in turn."""
        table: dict[str, Callable[[Any], bool]] = {}
        for member in members:
            assert isinstance(member, ObjectV)
            item = member.field(key)
            assert item is not None
            assert isinstance(item.validator, LiteralV)
            value = item.validator.value
            assert isinstance(value, str)
            table[value] = self.function(member, top, path)
        lookup, missing = self.bind(table), self.bind(_reject)
        return f"(type({v}) is dict and {lookup}.get({v}.get({key!r}), {missing})({v}))"

    def function(
        self, validator: Validator, top: bool, path: str
    ) -> Callable[[Any], bool]:
        """A separately generated function for one validator."""
        body = self.statements(validator, "value", top, path, _INDENT)
        source = "\n".join(["def check(value):", *body, f"{_INDENT}return True\n"])
        namespace = dict(self.env)
        exec(compile(source, "<convex-schema check>", "exec"), namespace)  # noqa: S102
        check: Callable[[Any], bool] = namespace["check"]
        return check

    # -- statements: the body of a function --------------------------------------

    def statements(
        self, validator: Validator, v: str, top: bool, path: str, pad: str
    ) -> list[str]:
        """Lines, indented by `pad`, that return False when the value named
        `v` fails; they fall through when it passes."""
        if len(pad) > _MAX_PAD:
            # Python allows 20 nested loops and `try`s: deeper, expressions.
            return [f"{pad}if not ({self.expr(validator, v, top, path)}): return False"]
        if isinstance(validator, ObjectV):
            return self._object_statements(validator, v, top, path, pad)
        if isinstance(validator, ArrayV) and _needs_loop(validator.element):
            item = self.var()
            return [
                f"{pad}if type({v}) is not list: return False",
                f"{pad}for {item} in {v}:",
                *self.statements(
                    validator.element, item, False, path + "[]", pad + _INDENT
                ),
            ]
        if isinstance(validator, RecordV):
            key, value = self.var(), self.var()
            keys = self.expr(validator.keys, key, path=path + ".<key>")
            inner = pad + _INDENT
            note = self._note_empty_key(v, path)
            return [
                f"{pad}if type({v}) is not dict: return False",
                *([f"{pad}{note}"] if note else []),
                f"{pad}for {key}, {value} in {v}.items():",
                f"{inner}if not ({keys}): return False",
                *self.statements(validator.values, value, False, path + ".*", inner),
            ]
        return [f"{pad}if not ({self.expr(validator, v, top, path)}): return False"]

    def _object_statements(
        self, obj: ObjectV, v: str, top: bool, path: str, pad: str
    ) -> list[str]:
        lines = [f"{pad}if type({v}) is not dict: return False"]
        names = {item.name: self.var() for item in obj.fields}
        required = [item for item in obj.fields if not item.optional]
        if required:
            # One subscript a field; a missing required field is the KeyError.
            lines.append(f"{pad}try:")
            lines += [
                f"{pad}{_INDENT}{names[item.name]} = {v}[{item.name!r}]"
                for item in required
            ]
            lines += [f"{pad}except KeyError:", f"{pad}{_INDENT}return False"]
        missing = self.bind(_MISSING)
        counted: list[str] = []
        for item in _literals_first(obj):
            inner, where = names[item.name], f"{path}.{item.name}"
            if not item.optional:
                lines += self.statements(item.validator, inner, False, where, pad)
                continue
            lines.append(f"{pad}{inner} = {v}.get({item.name!r}, {missing})")
            lines.append(f"{pad}if {inner} is not {missing}:")
            lines += self.statements(item.validator, inner, False, where, pad + _INDENT)
            counted.append(f"({inner} is not {missing})")
        total = " + ".join([str(len(required)), *counted, *_system_fields(obj, v, top)])
        lines.append(f"{pad}if len({v}) != {total}: return False")
        return lines


_INDENT = "    "
_MAX_PAD = 16 * len(_INDENT)


def _reject(value: Any) -> bool:
    return False


def _literals_first(obj: ObjectV) -> list[Field]:
    """The fields with literal fields first: a discriminant fails fast."""
    return sorted(obj.fields, key=lambda f: not isinstance(f.validator, LiteralV))


def _system_fields(obj: ObjectV, v: str, top: bool) -> list[str]:
    """Terms counting the system fields a document may carry besides its own."""
    if not top:
        return []
    return [
        f"({name!r} in {v})"
        for name in ("_id", "_creationTime")
        if obj.field(name) is None
    ]


def _needs_loop(element: Validator) -> bool:
    """Whether an array's elements are checked one by one (not by type)."""
    return _scalar_types(element) is None and not isinstance(element, AnyV)


def _discriminant(members: list[Validator]) -> str | None:
    """A field that every member (all objects) requires as a distinct string
    literal: the `kind` of a discriminated union."""
    if len(members) < 3 or not all(isinstance(m, ObjectV) for m in members):
        return None
    first = members[0]
    assert isinstance(first, ObjectV)
    for item in first.fields:
        values = []
        for member in members:
            assert isinstance(member, ObjectV)
            found = member.field(item.name)
            if (
                found is None
                or found.optional
                or not isinstance(found.validator, LiteralV)
                or not isinstance(found.validator.value, str)
            ):
                break
            values.append(found.validator.value)
        else:
            if len(set(values)) == len(values):
                return item.name
    return None


def _plain(value: object) -> bool:
    return not (isinstance(value, float) and (math.isnan(value) or value == 0))


def _scalar_types(validator: Validator) -> frozenset[type] | None:
    """The exact Python types a validator accepts, when a type test is enough."""
    kind = _SCALAR_TYPES.get(type(validator))
    if kind is not None:
        return frozenset({kind})
    if isinstance(validator, UnionV) and validator.members:
        found: set[type] = set()
        for member in validator.members:
            inner = _scalar_types(member)
            if inner is None:
                return None
            found |= inner
        return frozenset(found)
    return None


@functools.cache
def _accepts(table: str, known: bool) -> frozenset[str]:
    accepted = {table}
    if not known or table.startswith("_"):
        accepted.add("")
    return frozenset(accepted)


def _id_accepts(table: str, ids: IdTables) -> frozenset[str]:
    """What `IdTables.table_of` may return for an id of `table` to pass."""
    return _accepts(table, ids.known)


def compile_document(
    document: Validator,
    ids: IdTables,
    id_check: IdCheck | None = None,
    empty_keys: list[str] | None = None,
) -> Callable[[Any], bool]:
    """One generated function that checks whole documents of a table; with
    `id_check`, ids are checked (and references noted) through it; with
    `empty_keys`, the path of each record holding an empty key is noted."""
    return _Writer(ids, id_check, empty_keys).function(document, top=True, path="")
