"""Document limits (REFERENCE §3.1): size by Convex's own accounting, nesting
depth, fields per object, array length and field names."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from convex_schema.model import limits

# `getDocumentSize` adds about this much for the system fields when absent;
# exported documents carry them, so they are counted as they are.
SIZE_FAST_PATH_FACTOR = 9  # no value costs more than 9 bytes per JSON character


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


def may_exceed_limits(raw: bytes) -> bool:
    """False when the raw JSON line is too small and shallow to break any
    limit, so the exact walk can be skipped (nearly every document)."""
    if len(raw) * SIZE_FAST_PATH_FACTOR >= limits.MAX_DOCUMENT_BYTES:
        return True
    if len(raw) > 2 * limits.MAX_OBJECT_FIELDS:  # enough commas for 1024 fields
        return True
    return raw.count(b"{") + raw.count(b"[") > limits.MAX_NESTING


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
