"""A model's proposal, checked as untrusted input: every operation must
parse (`from_json`), apply (`apply_to_schema`, whose preconditions name what
is missing) and leave a schema that `check_schema` finds no error in. The
errors are what the model is sent back for repair."""

from __future__ import annotations

from typing import Any

from convex_schema.assistant.draft import Step
from convex_schema.assistant.engine import Design
from convex_schema.check import check_schema
from convex_schema.diagnostics import Severity
from convex_schema.errors import ConvexSchemaError
from convex_schema.model import ArrayV, IdV, Schema
from convex_schema.operations import (
    AddField,
    ChangeValidator,
    Operation,
    SetOptional,
    apply_to_schema,
    from_json,
)

BACKFILL = (
    "a required field on a table that has documents needs a backfill; "
    "run `convex-schema migrate`"
)
RETYPE = (
    "existing documents must match the new validator; "
    "run `convex-schema migrate --data` to check them"
)

ID_ARRAY = (
    "an array of ids grows without bound (1 MiB per document); "
    "Convex recommends a table with a reference back"
)

_MAX_OPERATIONS = 200


def check_proposal(
    arguments: dict[str, Any], schema: Schema | None, label: str
) -> Design | list[str]:
    """The design the proposal makes, or the errors that stop it."""
    raw = arguments.get("operations")
    if not isinstance(raw, list):
        return ["`operations` must be a list of operation objects"]
    if len(raw) > _MAX_OPERATIONS:
        return [f"at most {_MAX_OPERATIONS} operations, not {len(raw)}"]
    if schema is None and not raw:
        return ["there is no schema yet: add its tables with add_table"]
    operations, errors = _parse(raw)
    if errors:
        return errors
    start = schema if schema is not None else Schema()
    applied = _apply(start, operations)
    if isinstance(applied, str):
        return [applied]
    errors += [
        f"check {d.code} at {d.location()}: {d.message}"
        + (f" ({d.hint})" if d.hint else "")
        for d in check_schema(applied)
        if d.severity >= Severity.ERROR
    ]
    if errors:
        return errors
    steps = tuple(
        _step(op, item, schema) for op, item in zip(operations, raw, strict=True)
    )
    summary = str(arguments.get("summary") or "").strip() or "The proposed change."
    return Design(applied, steps, (), None, f"{summary} (proposed by {label})")


def _parse(raw: list[Any]) -> tuple[list[Operation], list[str]]:
    operations: list[Operation] = []
    errors: list[str] = []
    for number, item in enumerate(raw, 1):
        if not isinstance(item, dict):
            errors.append(f"operation {number}: not a JSON object")
            continue
        try:
            operations.append(from_json(item))
        except (ConvexSchemaError, KeyError, TypeError, ValueError) as error:
            errors.append(f"operation {number}: {_message(error)}")
    return operations, errors


def _apply(schema: Schema, operations: list[Operation]) -> Schema | str:
    for number, op in enumerate(operations, 1):
        try:
            schema = apply_to_schema(schema, op)
        except (ConvexSchemaError, KeyError, TypeError, ValueError) as error:
            return f"operation {number} ({op.op}): {_message(error)}"
    return schema


def _step(op: Operation, item: dict[str, Any], before: Schema | None) -> Step:
    why = str(item.get("why") or "").strip() or "Proposed by the language model."
    warnings: tuple[str, ...] = ()
    existing = before is not None and before.table(getattr(op, "table", "")) is not None
    if existing and (
        (isinstance(op, AddField) and not op.optional)
        or (isinstance(op, SetOptional) and not op.optional)
    ):
        warnings = (BACKFILL,)
    elif existing and isinstance(op, ChangeValidator):
        warnings = (RETYPE,)
    validator = getattr(op, "validator", None)
    if isinstance(validator, ArrayV) and isinstance(validator.element, IdV):
        warnings = (*warnings, ID_ARRAY)
    return Step(op, why, "", warnings)


def _message(error: Exception) -> str:
    return error.message if isinstance(error, ConvexSchemaError) else str(error)
