"""Validators compiled to fast checks, and explanations of failures.

`compile_check` turns a validator into a function `value -> bool` built from
closures, so checking a document costs a few Python calls per field. Only a
failing document is walked again by `explain`, which finds the first problem
the way the backend reports it: the path (`.a.b[3]`), what was expected and
what was found. Semantics follow the backend (REFERENCE §1.6): no numeric
coercion, extra fields rejected, literals compared by exact type, ids checked
against the table number they carry.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from convex_schema.model import (
    AnyV,
    ArrayV,
    BooleanV,
    BytesV,
    CommitTsV,
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
from convex_schema.model.semantics import describe
from convex_schema.snapshot.ids import InvalidId, decode_id, is_id

Check = Callable[[Any], bool]
SYSTEM_FIELDS = ("_id", "_creationTime")


class IdTables:
    """What an id's table number means in this snapshot's namespace."""

    CACHE_SIZE = 65_536  # references repeat (many comments, few posts)

    def __init__(self, numbers: dict[int, str], known: bool) -> None:
        self.numbers = numbers
        self.known = known  # False when the snapshot has no _tables list
        self._cache: dict[str, str | None] = {}

    def table_of(self, value: str) -> str | None:
        """The table an id string points into, "" when unknown, None if not an id."""
        cached = self._cache.get(value, _MISSING)
        if cached is not _MISSING:
            return cached  # type: ignore[return-value]
        if not is_id(value):
            found: str | None = None
        else:
            try:
                found = self.numbers.get(decode_id(value).table_number, "")
            except InvalidId:
                found = None
        if len(self._cache) >= self.CACHE_SIZE:
            self._cache.clear()
        self._cache[value] = found
        return found


_MISSING = object()
SYSTEM_TABLES = {"_storage", "_scheduled_functions"}


def compile_check(validator: Validator, ids: IdTables) -> Check:
    """A function that says whether a value passes `validator`."""
    if isinstance(validator, StringV):
        return lambda x: type(x) is str
    if isinstance(validator, Float64V):
        return lambda x: type(x) is float
    if isinstance(validator, Int64V | CommitTsV):
        return lambda x: type(x) is int
    if isinstance(validator, BooleanV):
        return lambda x: type(x) is bool
    if isinstance(validator, NullV):
        return lambda x: x is None
    if isinstance(validator, BytesV):
        return lambda x: type(x) is bytes
    if isinstance(validator, AnyV):
        return lambda x: True
    if isinstance(validator, FunctionV):
        return lambda x: type(x) is str
    if isinstance(validator, IdV):
        return _id_check(validator.table, ids)
    if isinstance(validator, LiteralV):
        return _literal_check(validator.value)
    if isinstance(validator, ArrayV):
        element = compile_check(validator.element, ids)
        return lambda x: type(x) is list and all(element(item) for item in x)
    if isinstance(validator, ObjectV):
        return _object_check(validator, ids, system=False)
    if isinstance(validator, RecordV):
        key, value = (
            compile_check(validator.keys, ids),
            compile_check(validator.values, ids),
        )
        return lambda x: (
            type(x) is dict and all(key(k) and value(v) for k, v in x.items())
        )
    if isinstance(validator, UnionV):
        members = [compile_check(m, ids) for m in validator.members]
        return lambda x: any(member(x) for member in members)
    raise TypeError(f"no check for {validator!r}")


def _id_check(table: str, ids: IdTables) -> Check:
    def check(x: Any) -> bool:
        if type(x) is not str:
            return False
        found = ids.table_of(x)
        if found is None:
            return False
        return (
            found == table
            or (found == "" and not ids.known)
            or (found == "" and table in SYSTEM_TABLES)
        )

    return check


def _literal_check(value: str | bool | int | float) -> Check:
    kind = type(value)
    if kind is float:
        assert isinstance(value, float)
        if math.isnan(value):
            return lambda x: type(x) is float and math.isnan(x)
        sign = math.copysign(1.0, value)
        return lambda x: (
            type(x) is float and x == value and math.copysign(1.0, x) == sign
        )
    return lambda x: type(x) is kind and x == value


def _object_check(obj: ObjectV, ids: IdTables, system: bool) -> Check:
    fields = tuple(
        (f.name, compile_check(f.validator, ids), f.optional) for f in obj.fields
    )
    names = frozenset(f.name for f in obj.fields)
    extra_allowed = frozenset(SYSTEM_FIELDS) - names if system else frozenset()

    def check(x: Any) -> bool:
        if type(x) is not dict:
            return False
        present = 0
        for name, field_check, optional in fields:
            if name in x:
                if not field_check(x[name]):
                    return False
                present += 1
            elif not optional:
                return False
        if present == len(x):
            return True
        return all(k in names or k in extra_allowed for k in x)

    return check


def compile_document_check(document: Validator, ids: IdTables) -> Check:
    """A check for whole documents: system fields are allowed at the top."""
    if isinstance(document, ObjectV):
        return _object_check(document, ids, system=True)
    if isinstance(document, UnionV):
        members = [compile_document_check(m, ids) for m in document.members]
        return lambda x: any(member(x) for member in members)
    return compile_check(document, ids)


@dataclass(frozen=True)
class Problem:
    """Why a value fails: where, what was expected, what was found."""

    path: str
    message: str
    expected: str
    found: str


def explain(
    validator: Validator, value: Any, ids: IdTables, path: str = "", top: bool = False
) -> Problem | None:
    """The first problem of `value` against `validator`, as the backend says it."""
    if isinstance(validator, UnionV):
        return _explain_union(validator, value, ids, path, top)
    if isinstance(validator, ObjectV):
        return _explain_object(validator, value, ids, path, top)
    if isinstance(validator, ArrayV):
        if type(value) is not list:
            return _mismatch(validator, value, path)
        element = compile_check(validator.element, ids)
        for index, item in enumerate(value):
            if not element(item):
                return explain(validator.element, item, ids, f"{path}[{index}]")
        return None
    if isinstance(validator, RecordV):
        return _explain_record(validator, value, ids, path)
    if isinstance(validator, IdV) and type(value) is str:
        return _explain_id(validator, value, ids, path)
    if compile_check(validator, ids)(value):
        return None
    return _mismatch(validator, value, path)


def _explain_union(
    union: UnionV, value: Any, ids: IdTables, path: str, top: bool
) -> Problem | None:
    checks = [
        compile_document_check(m, ids) if top else compile_check(m, ids)
        for m in union.members
    ]
    if any(check(value) for check in checks):
        return None
    if len(union.members) == 1:
        return explain(union.members[0], value, ids, path, top)
    # Objects told apart by a literal field: explain against the matching member.
    if type(value) is dict:
        for member in union.members:
            if isinstance(member, ObjectV) and _discriminant_matches(member, value):
                return explain(member, value, ids, path, top)
    return _mismatch(union, value, path)


def _discriminant_matches(member: ObjectV, value: dict[str, Any]) -> bool:
    literals = [f for f in member.fields if isinstance(f.validator, LiteralV)]
    return bool(literals) and all(
        f.name in value and _literal_check(f.validator.value)(value[f.name])  # type: ignore[attr-defined]
        for f in literals
    )


def _explain_object(
    obj: ObjectV, value: Any, ids: IdTables, path: str, top: bool
) -> Problem | None:
    if type(value) is not dict:
        return _mismatch(obj, value, path)
    for item in obj.fields:
        if item.name not in value:
            if not item.optional:
                return Problem(
                    f"{path}.{item.name}",
                    f"Object is missing the required field `{item.name}`. Consider "
                    "wrapping the field validator in `v.optional(...)` if this is "
                    "expected.",
                    describe(item.validator),
                    "missing",
                )
            continue
        problem = explain(item.validator, value[item.name], ids, f"{path}.{item.name}")
        if problem is not None:
            return problem
    allowed = set(obj.names) | (set(SYSTEM_FIELDS) if top else set())
    for key in value:
        if key not in allowed:
            return Problem(
                f"{path}.{key}",
                f"Object contains extra field `{key}` that is not in the validator.",
                "no such field",
                short(value[key]),
            )
    return None


def _explain_record(
    record: RecordV, value: Any, ids: IdTables, path: str
) -> Problem | None:
    if type(value) is not dict:
        return _mismatch(record, value, path)
    key_check = compile_check(record.keys, ids)
    for key, item in value.items():
        if not key_check(key):
            return Problem(
                f"{path}.{key}",
                f"Record key `{key}` does not match the key validator.",
                describe(record.keys),
                short(key),
            )
        problem = explain(record.values, item, ids, f"{path}.{key}")
        if problem is not None:
            return problem
    return None


def _explain_id(validator: IdV, value: str, ids: IdTables, path: str) -> Problem | None:
    if compile_check(validator, ids)(value):
        return None
    table = ids.table_of(value)
    if table is None:
        message = "Value does not match validator: not a valid document ID."
    elif table.startswith("_"):
        message = (
            f'Found ID "{value}" from a system table, expected "{validator.table}".'
        )
    elif table:
        message = (
            f'Found ID "{value}" from table `{table}`, expected `{validator.table}`.'
        )
    else:
        message = f'Found ID "{value}" from a table that is not in this snapshot.'
    return Problem(path, message, describe(validator), short(value))


def _mismatch(validator: Validator, value: Any, path: str) -> Problem:
    return Problem(
        path, "Value does not match validator.", describe(validator), short(value)
    )


def short(value: Any) -> str:
    """A value as a short, typed text for messages: `"abc"`, `3.0`, `7n`."""
    if value is None:
        return "null"
    if type(value) is bool:
        return "true" if value else "false"
    if type(value) is int:
        return f"{value}n (int64)"
    if type(value) is float:
        return f"{value!r} (float64)"
    if type(value) is bytes:
        return f"<{len(value)} bytes>"
    if type(value) is str:
        text = value if len(value) <= 40 else value[:37] + "..."
        return f'"{text}"'
    if type(value) is list:
        return f"array of {len(value)}"
    if type(value) is dict:
        keys = ", ".join(list(value)[:5])
        return f"object {{{keys}{', ...' if len(value) > 5 else ''}}}"
    return repr(value)
