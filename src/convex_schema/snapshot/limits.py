"""Document limits (REFERENCE §3.1): size by Convex's own accounting, nesting
depth, fields per object, array length and field names.

The exact walk (`limit_problems`) is only needed for a document that could
break a limit. Cheap tests on the raw JSON line rule the rest out: a line of
n bytes is at most 9n bytes by Convex's accounting, holds fewer than n/2
fields or elements in any object or array, and nests no deeper than its count
of `{` and `[`; a field name that breaks a rule shows in the text as a `$`
key, an empty key, an escape, a non-ASCII or DEL byte, or a leading `_`. What
a validator lets through bounds the rest (`nesting_of`,
`field_names_bounded`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from convex_schema.model import (
    AnyV,
    ArrayV,
    ObjectV,
    RecordV,
    UnionV,
    Validator,
    limits,
    walk,
)

# No value costs more than 9 bytes a JSON character: a number is 9 bytes and
# at least one character; null and booleans cost 1, strings, bytes, arrays
# and objects (keys included) no more than their JSON text. Exported
# documents carry `_id` and `_creationTime`, so they are counted as written.
SIZE_FAST_PATH_FACTOR = 9

# The export's value tags (`{"$bytes": ...}` and kin), written without spaces:
# the only `$` keys that are not field names.
_TAG = re.compile(rb'\{"\$(?:bytes|float|integer)":"[A-Za-z0-9+/=]*"\}')
_EMPTY_KEY = re.compile(rb'""\s*:')
_RESERVED_KEY = re.compile(rb'"_(?!id"|creationTime")')


def convex_size(value: Any) -> int:
    """Bytes a value takes by Convex's size accounting (`getConvexSize`)."""
    kind = type(value)
    if value is None or kind is bool:
        return 1
    if kind is int or kind is float:
        return 9
    if kind is str:
        return 2 + len(value.encode("utf-8"))
    if kind is bytes:
        return 2 + len(value)
    if kind is list:
        return 2 + sum(convex_size(item) for item in value)
    if kind is dict:
        return 2 + sum(len(k) + 1 + convex_size(v) for k, v in value.items())
    return 9


def may_break_field_names(raw: bytes, top: bool, empty: bool = True) -> bool:
    """False when no key in a JSON text can break Convex's field-name rules.

    True for text with a `$` that is not a value tag, an escape or a
    non-ASCII or DEL byte (either may hide in a key), with `empty` an empty
    key (the one slow search, which a caller that finds empty keys another
    way skips), and with `top` a string starting with `_` (a reserved
    top-level name). Works on one line or on a block of lines alike."""
    if b"$" in raw and _untagged_dollar(raw):
        return True
    if b"\\" in raw or not raw.isascii() or b"\x7f" in raw:
        return True
    if empty and _EMPTY_KEY.search(raw):
        return True
    return top and _RESERVED_KEY.search(raw) is not None


def _untagged_dollar(raw: bytes) -> bool:
    """Whether some `$` in the text does not open a value tag. (Searching
    for the rare `$` alone is many times faster than for `"$`.)"""
    at = raw.find(b"$")
    while at >= 0:
        if not _TAG.match(raw, at - 2):
            return True
        at = raw.find(b"$", at + 1)
    return False


def field_names_fine(document: Any, top: bool) -> bool:
    """Whether every key in a parsed document is a field name Convex accepts.

    A quick walk for documents whose text only may hold a bad name (non-ASCII
    text, say): it tests the keys of each object at once, and may answer
    False for a good name (with a `$` inside), never True for a bad one."""
    stack = [document]
    while stack:
        value = stack.pop()
        if type(value) is dict:
            if value:
                keys = "".join(value)
                if (
                    "" in value
                    or "$" in keys
                    or len(keys) > limits.MAX_FIELD_NAME_LENGTH
                    or not keys.isascii()
                    or not keys.isprintable()
                ):
                    return False
                if top and "_" in keys:
                    if any(field_name_problem(k, top=True) for k in value):
                        return False
            children: Any = value.values()
        else:
            children = value
        top = False
        for child in children:
            if type(child) is dict or type(child) is list:
                stack.append(child)
    return True


@dataclass(frozen=True)
class Bounds:
    """What a document that passes a validator cannot break, whatever its
    text."""

    nesting: bool  # it nests no deeper than Convex allows (no v.any())
    names: bool  # its keys are the validator's field names, all allowed
    top_free: bool  # its top-level keys are free (a v.any() document)
    # An empty key can only be a record's (which the generated check notes),
    # not hidden under v.any() or declared as a field named "".
    empty_keys_noted: bool


def passing_bounds(document: Validator | None) -> Bounds:
    """The `Bounds` of a table's document validator (None: no validator)."""
    if document is None:
        return Bounds(False, False, True, False)
    noted = not any(
        isinstance(v, AnyV) or (isinstance(v, ObjectV) and v.field("") is not None)
        for v in walk(document)
    )
    return Bounds(
        nesting_of(document) <= limits.MAX_NESTING,
        field_names_bounded(document),
        isinstance(document, AnyV),
        noted,
    )


def nesting_of(validator: Validator) -> float:
    """How deep a value that passes `validator` can nest (infinite with
    v.any()); a document is one level."""
    if isinstance(validator, AnyV):
        return math.inf
    if isinstance(validator, ObjectV):
        return 1 + max((nesting_of(f.validator) for f in validator.fields), default=0)
    if isinstance(validator, ArrayV):
        return 1 + nesting_of(validator.element)
    if isinstance(validator, RecordV):
        return 1 + nesting_of(validator.values)
    if isinstance(validator, UnionV):
        return max((nesting_of(m) for m in validator.members), default=0)
    return 0


def field_names_bounded(validator: Validator, top: bool = True) -> bool:
    """Whether every key of a value that passes `validator` is one of its
    field names, all of them allowed (no v.any(), no v.record())."""
    if isinstance(validator, AnyV | RecordV):
        return False
    if isinstance(validator, ObjectV):
        return all(
            field_name_problem(f.name, top) is None
            and field_names_bounded(f.validator, top=False)
            for f in validator.fields
        )
    if isinstance(validator, ArrayV):
        return field_names_bounded(validator.element, top=False)
    if isinstance(validator, UnionV):
        return all(field_names_bounded(m, top) for m in validator.members)
    return True


def limit_problems(document: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(path, message) for each limit the document breaks."""
    size = convex_size(document)
    if size > limits.MAX_DOCUMENT_BYTES:
        yield (
            "",
            (
                f"document is {size:,} bytes by Convex's accounting; the limit is "
                f"{limits.MAX_DOCUMENT_BYTES:,} (1 MiB)"
            ),
        )
    yield from _walk(document, "", 0)


def _walk(value: Any, path: str, depth: int) -> Iterator[tuple[str, str]]:
    kind = type(value)
    if kind is not dict and kind is not list:
        return
    depth += 1
    if depth > limits.MAX_NESTING:
        yield path, f"nested {depth} levels deep; Convex allows {limits.MAX_NESTING}"
        return
    if kind is list:
        if len(value) > limits.MAX_ARRAY_LENGTH:
            yield (
                path,
                (
                    f"array has {len(value):,} elements; Convex allows "
                    f"{limits.MAX_ARRAY_LENGTH:,}"
                ),
            )
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}[{index}]", depth)
        return
    if len(value) > limits.MAX_OBJECT_FIELDS:
        yield (
            path,
            (
                f"object has {len(value):,} fields; Convex allows "
                f"{limits.MAX_OBJECT_FIELDS:,}"
            ),
        )
    for key, item in value.items():
        problem = field_name_problem(key, top=depth == 1)
        if problem:
            yield f"{path}.{key}", problem
        yield from _walk(item, f"{path}.{key}", depth)


def field_name_problem(name: str, top: bool) -> str | None:
    if top and name.startswith("_") and name not in limits.SYSTEM_FIELDS:
        return f"top-level field `{name}` starts with `_`, which is reserved"
    if not name:
        return "empty field name"
    if name.startswith("$"):
        return f"field name `{name}` starts with `$`"
    if len(name) > limits.MAX_FIELD_NAME_LENGTH:
        return f"field name is {len(name)} characters; Convex allows 1024"
    if not name.isascii() or not name.isprintable():
        return f"field name `{name!r}` is not printable ASCII"
    return None
