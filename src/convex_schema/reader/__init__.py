"""Reading `convex/schema.ts` into the schema model, statically.

`read_schema` evaluates the file (and the project files it imports) with a
static evaluator over tree-sitter's TypeScript tree, as the `convex` package
would build it, and returns the model with every diagnostic found on the way.
"""

from __future__ import annotations

import gc
import logging
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from convex_schema.diagnostics import Diagnostic, Severity
from convex_schema.errors import ConvexSchemaError
from convex_schema.model import (
    AnyV,
    ArrayV,
    ObjectV,
    RecordV,
    Schema,
    Span,
    Table,
    UnionV,
    Validator,
)
from convex_schema.reader.builtins import as_validator
from convex_schema.reader.evaluate import EvalError, Evaluator, Module
from convex_schema.reader.packages import packages
from convex_schema.reader.project import find_schema, functions_dir
from convex_schema.reader.values import SchemaValue, TableBuilder, Unknown, type_name

__all__ = ["ReadResult", "find_schema", "functions_dir", "read_schema"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReadResult:
    """The schema read, the diagnostics found while reading, the files read."""

    schema: Schema
    diagnostics: tuple[Diagnostic, ...]
    files: tuple[str, ...]


def read_schema(
    path: Path, root: Path | None = None, source: bytes | None = None
) -> ReadResult:
    """Read the schema file at `path`. Paths in spans are relative to `root`.

    `source`, when given, stands for the file's text (an edit not yet written).
    Raises ConvexSchemaError (exit code 2) when the file cannot be evaluated
    the way Convex would: a syntax error, a bad argument the package rejects,
    or no `export default defineSchema(...)`.
    """
    path = Path(path)
    if source is None and not path.is_file():
        raise ConvexSchemaError(f"{path}: no such file; name a schema.ts with --schema")
    with _collector_paused():
        return _read(path, root, source)


def _read(path: Path, root: Path | None, source: bytes | None) -> ReadResult:
    evaluator = Evaluator(packages())
    evaluator.root = (root or path.parent).resolve()
    if source is not None:
        evaluator.overrides[str(path.resolve())] = source
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 20_000))
    try:
        module = evaluator.load(path)
        schema = _evaluate_schema(evaluator, module)
    except EvalError as error:
        diagnostic = error.diagnostic
        raise ConvexSchemaError(
            f"{diagnostic.location()}: {diagnostic.message}", (diagnostic,)
        ) from None
    except RecursionError:
        raise ConvexSchemaError(
            f"{path}: the schema is nested too deeply to read; Convex allows at "
            "most 16 levels of nesting in a document"
        ) from None
    finally:
        sys.setrecursionlimit(limit)
    _refuse_deep_nesting(schema, path)
    files = tuple(m.file.display for m in evaluator.modules.values())
    logger.info("read %d tables from %d files", len(schema.tables), len(files))
    return ReadResult(schema, tuple(evaluator.diagnostics), files)


# A read of 500 tables keeps some 40,000 new objects (spans, fields,
# validators). While they pile up, Python's cycle collector walks them again
# and again, and once walks every object of the process: a fifth of a cold
# read. Paused, it walks them once, after the read; a read makes almost no
# cycles for it to find.
_collector_lock = threading.Lock()
_collector_pauses = 0
_collector_was_enabled = False


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cycle collector during a read. Reads may overlap (threads
    of the language server): the last to finish turns the collector back on,
    if it was on when the first one started."""
    global _collector_pauses, _collector_was_enabled
    with _collector_lock:
        if _collector_pauses == 0:
            _collector_was_enabled = gc.isenabled()
            gc.disable()
        _collector_pauses += 1
    try:
        yield
    finally:
        with _collector_lock:
            _collector_pauses -= 1
            if _collector_pauses == 0 and _collector_was_enabled:
                gc.enable()


MAX_READ_DEPTH = 64


def _refuse_deep_nesting(schema: Schema, path: Path) -> None:
    """Documents nest at most 16 levels (check rule S407 says so); a validator
    nested past 64 levels is no usable schema, and is refused here, before any
    later step walks it."""
    heights: dict[int, int] = {}
    for table in schema.tables:
        if _height(table.document, MAX_READ_DEPTH, heights) > MAX_READ_DEPTH:
            _refuse(table)


def _height(validator: Validator, budget: int, heights: dict[int, int]) -> int:
    """How many levels `validator` nests (a leaf is 1), exactly when that is
    at most `budget`, else some number above it. Exact heights are kept in
    `heights` by object id, so that a shared validator is measured once."""
    children = _children(validator)
    if not children:
        return 1
    known = heights.get(id(validator))
    if known is not None:
        return known
    if budget <= 1:
        return budget + 1
    height = 2  # most children are leaves, which need no call
    for inner in children:
        if isinstance(inner, ArrayV | ObjectV | RecordV | UnionV):
            height = max(height, 1 + _height(inner, budget - 1, heights))
            if height > budget:
                return height
    heights[id(validator)] = height
    return height


def _refuse(table: Table) -> None:
    """Raise for the first validator of `table` found nested too deep."""
    stack: list[tuple[Validator, int]] = [(table.document, 1)]
    while stack:
        validator, depth = stack.pop()
        if depth > MAX_READ_DEPTH:
            diagnostic = Diagnostic(
                "R008",
                Severity.ERROR,
                f'table "{table.name}" nests validators more than '
                f"{MAX_READ_DEPTH} levels deep; Convex documents nest at most 16",
                validator.span or table.span,
                "Move the deep part into its own table, referenced by v.id().",
            )
            raise ConvexSchemaError(
                f"{diagnostic.location()}: {diagnostic.message}", (diagnostic,)
            )
        stack += [(inner, depth + 1) for inner in _children(validator)]


def _children(validator: Validator) -> list[Validator]:
    if isinstance(validator, ArrayV):
        return [validator.element]
    if isinstance(validator, ObjectV):
        return [f.validator for f in validator.fields]
    if isinstance(validator, RecordV):
        return [validator.keys, validator.values]
    if isinstance(validator, UnionV):
        return list(validator.members)
    return []


def _evaluate_schema(evaluator: Evaluator, module: Module) -> Schema:
    file = module.file
    whole = file.span(file.tree.root_node)
    if module.default is None:
        raise EvalError(
            "R007",
            "the schema file has no default export",
            whole,
            "Convex reads the schema from `export default defineSchema({...})`.",
        )
    evaluator.run_effects(module)
    value = module.default()
    span = file.span(module.default_node) if module.default_node else whole
    if isinstance(value, Unknown):
        raise EvalError(
            "R007",
            f"the default export cannot be evaluated: {value.reason}",
            value.span or span,
            "Export `defineSchema({...})` directly, or a const holding it.",
        )
    if not isinstance(value, SchemaValue):
        raise EvalError(
            "R007",
            f"the default export is {type_name(value)}, not defineSchema(...)",
            span,
            "Convex reads the schema from `export default defineSchema({...})`.",
        )
    tables = tuple(
        _freeze_table(evaluator, name, definition, value.tables.spans.get(name) or span)
        for name, definition in value.tables.items()
    )
    return Schema(
        tables,
        value.schema_validation,
        value.strict_table_name_types,
        file=file.display,
        span=value.span,
    )


def _freeze_table(
    evaluator: Evaluator, name: str, definition: object, span: Span
) -> Table:
    if isinstance(definition, Unknown):
        evaluator.unsupported(definition, f'the table "{name}"')
        return Table(name, AnyV(span=span), span=span)
    if not isinstance(definition, TableBuilder):
        raise EvalError(
            "R006",
            f'table "{name}" is {type_name(definition)}, not defineTable(...)',
            span,
            "Each value in defineSchema({...}) must be a defineTable(...) call.",
        )
    document = definition.document.validator
    staged = definition.staged.validator if definition.staged else None
    if staged is not None and isinstance(staged, Unknown):
        staged = as_validator(evaluator, staged, span, ".staged()").validator
    return Table(name, document, tuple(definition.indexes), staged, span=span)
