"""Comparing two schemas."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from typing import Any

from rapidfuzz import fuzz

from convex_schema import operations as ops
from convex_schema.model import (
    AnyIndex,
    Field,
    Index,
    ObjectV,
    Schema,
    SearchIndex,
    Table,
    VectorIndex,
)
from convex_schema.model.semantics import describe, equal, is_subset

logger = logging.getLogger(__name__)

RENAME_SIMILARITY = 60  # rapidfuzz ratio for two names to be a rename candidate

# Classifications (a change may carry several).
SAFE = "safe"
NEEDS_BACKFILL = "needs-backfill"
DESTRUCTIVE = "destructive"
INDEX_BUILD = "index-build"
BREAKING_FOR_CODE = "breaking-for-code"


@dataclass
class DiffOptions:
    """Which detected renames to take: `None` takes every candidate."""

    renames: bool = True
    accept: set[tuple[str, str]] | None = None  # (old, new) pairs, table or t.field
    reject: set[tuple[str, str]] = field(default_factory=set)

    def allows(self, old: str, new: str) -> bool:
        if not self.renames or (old, new) in self.reject:
            return False
        return self.accept is None or (old, new) in self.accept


@dataclass
class Change:
    """One operation with its classification and the reason for it."""

    operation: ops.Operation
    classification: list[str]
    reason: str
    rename_candidate: bool = False
    promotes_staged: bool = False  # a staged index made live: already backfilled

    def to_json(self) -> dict[str, Any]:
        return {
            **ops.to_json(self.operation),
            "classification": self.classification,
            "reason": self.reason,
            **({"renameDetected": True} if self.rename_candidate else {}),
        }


def diff_schemas(
    old: Schema, new: Schema, options: DiffOptions | None = None
) -> list[Change]:
    """The operations that turn `old` into `new`, classified."""
    options = options or DiffOptions()
    changes: list[Change] = []
    old_names, new_names = set(old.table_names), set(new.table_names)
    dropped = [t for t in old.tables if t.name not in new_names]
    added = [t for t in new.tables if t.name not in old_names]
    renamed = _table_renames(dropped, added, options)
    for before, after in renamed:
        changes.append(
            Change(
                ops.RenameTable(before.name, after.name),
                [DESTRUCTIVE, NEEDS_BACKFILL, BREAKING_FOR_CODE],
                f'table "{before.name}" looks renamed to "{after.name}" (same '
                "fields); Convex has no rename: create the new table, copy the "
                "documents, then drop the old one",
                rename_candidate=True,
            )
        )
        changes += _compare_table(before, after, options)
    renamed_old = {b.name for b, _ in renamed}
    renamed_new = {a.name for _, a in renamed}
    for table in dropped:
        if table.name not in renamed_old:
            changes.append(
                Change(
                    ops.DropTable(table.name),
                    [DESTRUCTIVE, BREAKING_FOR_CODE],
                    f'table "{table.name}" is removed from the schema; its documents '
                    "stay in the deployment, unvalidated, until deleted",
                )
            )
    for table in added:
        if table.name not in renamed_new:
            indexes = ", ".join(i.name for i in table.indexes)
            with_indexes = f" with its indexes ({indexes})" if indexes else ""
            changes.append(
                Change(
                    ops.AddTable(table),
                    [SAFE],
                    f'new table "{table.name}"{with_indexes}',
                )
            )
    for table in old.tables:
        same = new.table(table.name)
        if same is not None:
            changes += _compare_table(table, same, options)
    for change in changes:
        logger.info("change detected: %s", change.reason)
    return changes


def _table_renames(
    dropped: list[Table], added: list[Table], options: DiffOptions
) -> list[tuple[Table, Table]]:
    pairs = []
    taken: set[str] = set()
    for before in dropped:
        for after in added:
            if after.name in taken or not equal(before.document, after.document):
                continue
            if fuzz.ratio(before.name, after.name) < RENAME_SIMILARITY:
                continue
            if options.allows(before.name, after.name):
                pairs.append((before, after))
                taken.add(after.name)
                break
    return pairs


# -- fields -------------------------------------------------------------------------


def _compare_table(before: Table, after: Table, options: DiffOptions) -> list[Change]:
    """Fields and indexes; `after` names the table (it may be renamed)."""
    changes: list[Change] = []
    name = after.name
    old_doc, new_doc = before.document, after.document
    if isinstance(old_doc, ObjectV) and isinstance(new_doc, ObjectV):
        changes += _compare_fields(name, "", old_doc, new_doc, options)
    elif not equal(old_doc, new_doc):
        changes.append(_document_change(name, old_doc, new_doc))
    changes += _compare_indexes(name, before.indexes, after.indexes)
    return changes


def _document_change(table: str, old: Any, new: Any) -> Change:
    widening = is_subset(old, new)
    return Change(
        ops.ChangeValidator(table, "", new),
        [SAFE] if widening else [NEEDS_BACKFILL],
        f'the document type of "{table}" changes from {describe(old)[:60]} to '
        f"{describe(new)[:60]}" + (" (a widening: no table scan)" if widening else ""),
    )


def _compare_fields(
    table: str, prefix: str, old: ObjectV, new: ObjectV, options: DiffOptions
) -> list[Change]:
    changes: list[Change] = []
    old_fields = {f.name: f for f in old.fields}
    new_fields = {f.name: f for f in new.fields}
    dropped = [f for f in old.fields if f.name not in new_fields]
    added = [f for f in new.fields if f.name not in old_fields]
    renames = _field_renames(table, prefix, dropped, added, options)
    for before, after in renames:
        path = prefix + before.name
        changes.append(
            Change(
                ops.RenameField(table, path, after.name),
                [NEEDS_BACKFILL, BREAKING_FOR_CODE],
                f'"{table}.{path}" looks renamed to "{after.name}" (same validator); '
                "documents must be migrated: write both, copy, then drop the old "
                "field",
                rename_candidate=True,
            )
        )
    renamed_old = {b.name for b, _ in renames}
    renamed_new = {a.name for _, a in renames}
    for item in dropped:
        if item.name not in renamed_old:
            changes.append(_field_dropped(table, prefix + item.name, item))
    for item in added:
        if item.name not in renamed_new:
            changes.append(_field_added(table, prefix + item.name, item))
    for item in old.fields:
        kept = new_fields.get(item.name)
        if kept is not None:
            changes += _field_changed(table, prefix + item.name, item, kept, options)
    return changes


def _field_renames(
    table: str,
    prefix: str,
    dropped: list[Field],
    added: list[Field],
    options: DiffOptions,
) -> list[tuple[Field, Field]]:
    pairs = []
    taken: set[str] = set()
    for before in dropped:
        candidates = [
            a
            for a in added
            if a.name not in taken
            and a.optional == before.optional
            and equal(a.validator, before.validator)
            and fuzz.ratio(before.name.lower(), a.name.lower()) >= RENAME_SIMILARITY
        ]
        if not candidates:
            continue
        best = max(candidates, key=lambda a: fuzz.ratio(before.name, a.name))
        old_path = f"{table}.{prefix}{before.name}"
        new_path = f"{table}.{prefix}{best.name}"
        if options.allows(old_path, new_path):
            pairs.append((before, best))
            taken.add(best.name)
    return pairs


def _field_added(table: str, path: str, item: Field) -> Change:
    op = ops.AddField(table, path, item.validator, item.optional)
    if item.optional:
        return Change(op, [SAFE], f'new optional field "{table}.{path}"')
    return Change(
        op,
        [NEEDS_BACKFILL],
        f'new required field "{table}.{path}": existing documents lack it, so add it '
        "as v.optional first, backfill, then make it required",
    )


def _field_dropped(table: str, path: str, item: Field) -> Change:
    return Change(
        ops.DropField(table, path),
        [DESTRUCTIVE, NEEDS_BACKFILL, BREAKING_FOR_CODE],
        f'field "{table}.{path}" is removed: documents that still hold it fail the '
        "push, so make it optional, unset it in every document, then remove it",
    )


def _field_changed(
    table: str, path: str, before: Field, after: Field, options: DiffOptions
) -> list[Change]:
    changes: list[Change] = []
    old_v, new_v = before.validator, after.validator
    if isinstance(old_v, ObjectV) and isinstance(new_v, ObjectV):
        changes += _compare_fields(table, path + ".", old_v, new_v, options)
    elif not equal(old_v, new_v):
        widening = is_subset(old_v, new_v)
        classes = [SAFE] if widening else [NEEDS_BACKFILL]
        if not widening and not is_subset(new_v, old_v):
            classes.append(DESTRUCTIVE)  # a type change, not only a narrowing
        changes.append(
            Change(
                ops.ChangeValidator(table, path, new_v),
                classes,
                f'"{table}.{path}" changes from {describe(old_v)[:50]} to '
                f"{describe(new_v)[:50]}"
                + (" (a widening: no table scan)" if widening else ""),
            )
        )
    if before.optional != after.optional:
        if after.optional:
            changes.append(
                Change(
                    ops.SetOptional(table, path, True),
                    [SAFE],
                    f'"{table}.{path}" becomes optional (a widening)',
                )
            )
        else:
            changes.append(
                Change(
                    ops.SetOptional(table, path, False),
                    [NEEDS_BACKFILL],
                    f'"{table}.{path}" becomes required: every document must have it '
                    "before the push",
                )
            )
    return changes


# -- indexes ------------------------------------------------------------------------


def _same_index(a: AnyIndex, b: AnyIndex) -> bool:
    return type(a) is type(b) and a == b


def _compare_indexes(
    table: str, before: tuple[AnyIndex, ...], after: tuple[AnyIndex, ...]
) -> list[Change]:
    changes: list[Change] = []
    old = {i.name: i for i in before}
    new = {i.name: i for i in after}
    promoted = {
        name
        for name, index in old.items()
        if name in new
        and index.staged
        and not new[name].staged
        and _same_index(replace(index, staged=False), new[name])
    }
    for name in sorted(promoted):
        reason = (
            f'staged index "{table}.{name}" is made live; it has backfilled in the '
            "background, so the push only enables it"
        )
        changes.append(
            Change(ops.DropIndex(table, name), [SAFE], reason, promotes_staged=True)
        )
        changes.append(
            Change(ops.AddIndex(table, new[name]), [SAFE], reason, promotes_staged=True)
        )
    for name, index in old.items():
        if name in promoted:
            continue
        if name not in new or not _same_index(index, new[name]):
            changes.append(
                Change(
                    ops.DropIndex(table, name),
                    [SAFE, BREAKING_FOR_CODE],
                    f'index "{table}.{name}" is removed (queries that use it stop '
                    "working)",
                )
            )
    for name, index in new.items():
        if name in promoted:
            continue
        if name not in old or not _same_index(old[name], index):
            changes.append(_index_added(table, index, new_table=False))
    return changes


def _index_added(table: str, index: AnyIndex, new_table: bool) -> Change:
    kind = {Index: "index", SearchIndex: "search index", VectorIndex: "vector index"}
    what = kind[type(index)]
    staged = " (staged: builds in the background)" if index.staged else ""
    return Change(
        ops.AddIndex(table, index),
        [SAFE] if new_table else [INDEX_BUILD],
        f'new {what} "{table}.{index.name}"{staged}'
        + ("" if new_table or index.staged else "; the push waits for its backfill"),
    )
