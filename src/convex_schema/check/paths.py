"""Which validators a dotted field path can reach in a document type."""

from __future__ import annotations

from convex_schema.model import AnyV, ObjectV, UnionV, Validator


def resolve_path(document: Validator, path: str) -> list[Validator] | None:
    """The validators `path` can reach, or None when any value may be there
    (through `v.any()`). An empty list means the path cannot exist; the backend
    does not look inside records, so a path below a record cannot exist."""
    current: list[Validator] = [document]
    for part in path.split("."):
        reached: list[Validator] = []
        for validator in _flatten(current):
            if isinstance(validator, AnyV):
                return None
            if isinstance(validator, ObjectV):
                item = validator.field(part)
                if item is not None:
                    reached.append(item.validator)
        current = reached
        if not current:
            return []
    return _flatten(current)


def _flatten(validators: list[Validator]) -> list[Validator]:
    out: list[Validator] = []
    for validator in validators:
        if isinstance(validator, UnionV) and validator.members:
            out += _flatten(list(validator.members))
        else:
            out.append(validator)
    return out
