"""Validator equality and the backend's subset relation (REFERENCE §1.7).

`is_subset(a, b)` answers "does every value that passes `a` pass `b`?" the
way the backend does when it decides whether a push must rescan a table: a
safe approximation that may say False when the true answer is True, never the
reverse. The diff and the migration planner classify changes with it.
"""

from __future__ import annotations

from convex_schema.model.validators import (
    AnyV,
    ArrayV,
    BooleanV,
    CommitTsV,
    Field,
    Float64V,
    FunctionV,
    IdV,
    Int64V,
    LiteralV,
    ObjectV,
    RecordV,
    StringV,
    UnionV,
    Validator,
)


def equal(a: Validator, b: Validator) -> bool:
    """Same validator, ignoring object field order (the backend sorts fields)
    but keeping union member order, as the backend does."""
    if isinstance(a, ObjectV) and isinstance(b, ObjectV):
        if len(a.fields) != len(b.fields):
            return False
        theirs = {f.name: f for f in b.fields}
        return all(
            f.name in theirs and _fields_equal(f, theirs[f.name]) for f in a.fields
        )
    if isinstance(a, ArrayV) and isinstance(b, ArrayV):
        return equal(a.element, b.element)
    if isinstance(a, RecordV) and isinstance(b, RecordV):
        return equal(a.keys, b.keys) and equal(a.values, b.values)
    if isinstance(a, UnionV) and isinstance(b, UnionV):
        return len(a.members) == len(b.members) and all(
            equal(x, y) for x, y in zip(a.members, b.members, strict=True)
        )
    return a == b


def _fields_equal(a: Field, b: Field) -> bool:
    return a.optional == b.optional and equal(a.validator, b.validator)


def is_subset(a: Validator, b: Validator) -> bool:
    """True when every value `a` accepts is accepted by `b` (conservatively)."""
    if isinstance(b, AnyV) or equal(a, b):
        return True
    if isinstance(a, UnionV):
        return all(is_subset(member, b) for member in a.members)
    if isinstance(b, UnionV):
        if isinstance(a, BooleanV) and _has_both_booleans(b):
            return True
        return any(is_subset(a, member) for member in b.members)
    if isinstance(a, LiteralV):
        return _literal_within(a, b)
    if isinstance(a, IdV):
        return isinstance(b, StringV)
    if isinstance(a, Int64V | CommitTsV):
        return isinstance(b, Int64V | CommitTsV)
    if isinstance(a, ArrayV) and isinstance(b, ArrayV):
        return is_subset(a.element, b.element)
    if isinstance(a, ObjectV) and isinstance(b, ObjectV):
        return _object_within(a, b)
    return False


def _literal_within(a: LiteralV, b: Validator) -> bool:
    value = a.value
    if isinstance(value, bool):
        return isinstance(b, BooleanV)
    if isinstance(value, str):
        return isinstance(b, StringV)
    if isinstance(value, int):
        return isinstance(b, Int64V | CommitTsV)
    return isinstance(b, Float64V)


def _object_within(old: ObjectV, new: ObjectV) -> bool:
    new_fields = {f.name: f for f in new.fields}
    if any(f.name not in new_fields for f in old.fields):
        return False
    old_fields = {f.name: f for f in old.fields}
    for name, field in new_fields.items():
        before = old_fields.get(name)
        if before is None:
            if not field.optional:
                return False
        elif before.optional and not field.optional:
            return False
        elif not is_subset(before.validator, field.validator):
            return False
    return True


def _has_both_booleans(union: UnionV) -> bool:
    values = {
        m.value
        for m in union.members
        if isinstance(m, LiteralV) and isinstance(m.value, bool)
    }
    return values == {True, False}


def describe(validator: Validator) -> str:
    """A short TypeScript-like rendering for messages: `v.array(v.string())`."""
    if isinstance(validator, ArrayV):
        return f"v.array({describe(validator.element)})"
    if isinstance(validator, IdV):
        return f'v.id("{validator.table}")'
    if isinstance(validator, LiteralV):
        return f"v.literal({_literal_text(validator.value)})"
    if isinstance(validator, ObjectV):
        inner = ", ".join(
            f"{f.name}{'?' if f.optional else ''}: {describe(f.validator)}"
            for f in validator.fields
        )
        return f"v.object({{{inner}}})"
    if isinstance(validator, RecordV):
        return f"v.record({describe(validator.keys)}, {describe(validator.values)})"
    if isinstance(validator, UnionV):
        return f"v.union({', '.join(describe(m) for m in validator.members)})"
    if isinstance(validator, FunctionV):
        return "v.function()"
    if isinstance(validator, Float64V):
        return "v.number()"
    return f"v.{validator.kind}()"


def _literal_text(value: str | bool | int | float) -> str:
    from convex_schema.model.values import js_number

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, int):
        return f"{value}n"
    return js_number(value)
