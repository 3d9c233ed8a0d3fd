"""Plans: ordered migration steps, widen → migrate → narrow.

With schema validation on, a push succeeds only when every stored document
matches the new schema (REFERENCE §5), so a narrowing change takes two
deploys with a backfill between them (§6.3): first widen the schema so old and
new documents both pass, then migrate the documents in batches with the
migrations component, then narrow the schema. Each step says what to change,
what to run, what to check first, what it touches, how long it may take,
and how to undo it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from typing import Any

from convex_schema import operations as ops
from convex_schema.diff import Change
from convex_schema.migrate.risks import LARGE_TABLE_DOCUMENTS, Finding
from convex_schema.model import (
    AnyIndex,
    Index,
    Schema,
    SearchIndex,
    UnionV,
    Validator,
    VectorIndex,
)
from convex_schema.model.semantics import describe

BATCH_SIZE = 100  # @convex-dev/migrations' default batch size
BATCH_SECONDS = (0.05, 0.3)  # a batch mutation of 100 small documents, low to high


@dataclass
class Step:
    title: str
    phase: str  # backup | widen | migrate | narrow
    operations: list[ops.Operation] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    documents: int | None = None
    estimate: str = ""
    downtime: str = "none"
    rollback: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    migration: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "phase": self.phase,
            "operations": [ops.to_json(o) for o in self.operations],
            "commands": self.commands,
            "checks": self.checks,
            "documents": self.documents,
            "estimate": self.estimate,
            "downtime": self.downtime,
            "rollback": self.rollback,
            "notes": self.notes,
            **({"migration": self.migration} if self.migration else {}),
        }


@dataclass
class Plan:
    steps: list[Step]
    backup: bool
    backup_reason: str
    unchecked: list[str]

    def to_json(self) -> dict[str, Any]:
        return {
            "backupFirst": self.backup,
            "backupReason": self.backup_reason,
            "steps": [s.to_json() for s in self.steps],
            "checksNotRun": self.unchecked,
        }


DROPPED_CHOICES = ("keep", "archive", "delete")


def make_plan(
    changes: list[Change],
    findings: list[Finding],
    old: Schema,
    data_checked: bool,
    dropped: dict[str, str] | None = None,
    dedupe: dict[str, str] | None = None,
) -> Plan:
    """The steps that take the deployment from `old` through `changes`.

    `dropped` says what happens to the documents of each dropped table: keep
    (the default: Convex keeps them, unvalidated), archive (export, then
    delete) or delete. `dedupe` says how to resolve the duplicates of each
    `TABLE.FIELD` asked to be unique: delete-newer or suffix-newer (keep the
    oldest document of each group as it is)."""
    sizes = _table_sizes(findings)
    widen, narrow, migrations = _split(changes, old, sizes, dropped or {})
    # Backfills and copies read fields an unset may remove: run them first.
    migrations.sort(key=lambda m: m["kind"] in ("unset", "delete", "dedupe"))
    unique = [f for f in findings if f.code == "M203"]
    for finding in unique:
        strategy = (dedupe or {}).get(f"{finding.table}.{finding.path}")
        if strategy is not None and finding.documents != 0:
            migrations.append(_dedupe(finding.table, finding.path, strategy))
    for finding in unique:
        index = _unique_index(finding, old)
        if index is not None and index not in widen:
            widen.append(index)
    risky = [f for f in findings if f.kind in ("destructive", "might-fail-on-data")]
    # Unsized risks count, except an unchecked uniqueness: it rewrites nothing
    # until duplicates are found.
    touched = [
        f
        for f in risky
        if (f.documents or 0) > 0 or (f.documents is None and f.code != "M203")
    ]
    backup = bool(migrations) or bool(touched)
    reason = (
        "documents will be rewritten or removed; the export is the way back"
        if backup
        else "no document is rewritten"
    )
    steps: list[Step] = []
    stamp = "$(date +%Y%m%d-%H%M%S)"
    if backup:
        steps.append(
            Step(
                "Back up the deployment",
                "backup",
                commands=[f"npx convex export --path backup-{stamp}.zip"],
                notes=[reason],
            )
        )
    widened = _apply_all(old, widen)
    if widen:
        steps.append(_deploy_step("Deploy the widened schema", "widen", widen, old))
    for migration in migrations:
        steps.append(_migration_step(migration, findings))
    for finding in unique:
        steps.append(_unique_step(finding, old))
    if narrow:
        step = _deploy_step("Deploy the final schema", "narrow", narrow, widened)
        if migrations:
            step.checks.append(
                "every migration above reports isDone: `npx convex run --component "
                "migrations lib:getStatus`"
            )
        staged = [o for o in widen if isinstance(o, ops.AddIndex) and o.index.staged]
        if staged:  # the checks below say it; no need for the note too
            step.notes = [n for n in step.notes if not n.startswith("check on the")]
        for op in staged:
            step.checks.append(
                f'the staged index "{op.table}.{op.index.name}" has finished '
                "backfilling (dashboard, Indexes)"
            )
        if risky:
            step.checks.append(
                "a fresh export validates: `npx convex export --path after.zip && "
                "convex-schema validate --data after.zip`"
            )
        for finding in findings:
            if finding.code == "M105" and finding.documents != 0:
                count = (
                    "some" if finding.documents is None else f"{finding.documents:,}"
                )
                step.notes.append(
                    f"{count} document(s) of {finding.message}: unset that field "
                    "(a migration) or keep the table; reads of those ids return null"
                )
        for migration in migrations:
            if migration["kind"] == "copy" and not migration["field"]:
                step.notes.append(
                    "copied documents get new _ids: remap every "
                    f'v.id("{migration["table"]}") reference while copying'
                )
        narrows_data = any(
            not isinstance(o, ops.DropTable | ops.DropIndex | ops.AddIndex)
            for o in narrow
        )
        if staged and not narrows_data:
            step.estimate = "seconds: the staged index has already backfilled"
        elif not narrows_data:
            step.estimate = "seconds: no table is rescanned"
        steps.append(step)
    unchecked = (
        []
        if data_checked
        else [f"{f.code} {f.message}" for f in findings if f.code != "M301"]
    )
    return Plan(steps, backup, reason, unchecked)


def _apply_all(schema: Schema, operations: list[ops.Operation]) -> Schema:
    for op in operations:
        try:
            schema = ops.apply_to_schema(schema, op)
        except ops.OperationError:
            continue
    return schema


def _unique_index(finding: Finding, old: Schema) -> ops.Operation | None:
    table, path = finding.table, _unique_field(finding.message)
    existing = old.table(table)
    if existing is None or any(
        isinstance(i, Index) and i.fields[:1] == (path,) for i in existing.indexes
    ):
        return None
    return ops.AddIndex(table, Index(f"by_{path.replace('.', '_')}", (path,)))


# -- splitting changes into phases ------------------------------------------------


def _table_sizes(findings: list[Finding]) -> dict[str, int]:
    return {f.table: f.documents for f in findings if f.code == "M401" and f.documents}


def _split(
    changes: list[Change], old: Schema, sizes: dict[str, int], dropped: dict[str, str]
) -> tuple[list[ops.Operation], list[ops.Operation], list[dict[str, Any]]]:
    widen: list[ops.Operation] = []
    narrow: list[ops.Operation] = []
    migrations: list[dict[str, Any]] = []
    for change in changes:
        op = change.operation
        if isinstance(op, ops.AddField) and not op.optional:
            widen.append(ops.AddField(op.table, op.field, op.validator, True))
            migrations.append(_backfill(op.table, op.field, op.validator))
            narrow.append(ops.SetOptional(op.table, op.field, False))
        elif isinstance(op, ops.SetOptional) and not op.optional:
            migrations.append(_backfill(op.table, op.field, _field_validator(old, op)))
            narrow.append(op)
        elif isinstance(op, ops.DropField):
            if not _is_optional(old, op.table, op.field):
                widen.append(ops.SetOptional(op.table, op.field, True))
            migrations.append(_unset(op.table, op.field))
            narrow.append(op)
        elif (
            isinstance(op, ops.ChangeValidator) and "safe" not in change.classification
        ):
            before = _field_validator(old, op)
            if op.field and before is not None:
                widen.append(
                    ops.ChangeValidator(
                        op.table, op.field, UnionV((before, op.validator))
                    )
                )
            migrations.append(_convert(op.table, op.field, before, op.validator))
            narrow.append(op)
        elif isinstance(op, ops.RenameField):
            renamed = old.table(op.table)
            item = renamed.field_at(op.field) if renamed is not None else None
            assert item is not None
            parents = op.field.rsplit(".", 1)[0] + "." if "." in op.field else ""
            new_path = parents + op.new_name
            widen.append(ops.AddField(op.table, new_path, item.validator, True))
            if not item.optional:
                widen.append(ops.SetOptional(op.table, op.field, True))
            migrations.append(_rename(op))
            narrow.append(ops.DropField(op.table, op.field))
            if not item.optional:
                narrow.append(ops.SetOptional(op.table, new_path, False))
        elif isinstance(op, ops.RenameTable):
            source_table = old.table(op.table)
            assert source_table is not None
            widen.append(ops.AddTable(replace(source_table, name=op.new_name)))
            migrations.append(_copy_table(op))
            narrow.append(ops.DropTable(op.table))
        elif (
            isinstance(op, ops.AddIndex)
            and sizes.get(op.table, 0) > LARGE_TABLE_DOCUMENTS
        ):
            widen.append(ops.AddIndex(op.table, _staged(op.index)))
            narrow += [ops.DropIndex(op.table, op.index.name), op]
        elif isinstance(op, ops.DropTable):
            choice = dropped.get(op.table, "keep")
            if choice in ("archive", "delete"):
                migrations.append(_delete(op.table, archive=choice == "archive"))
            narrow.append(op)
        else:
            widen.append(op)
    return widen, narrow, migrations


def _staged(index: AnyIndex) -> AnyIndex:
    if isinstance(index, Index):
        return Index(index.name, index.fields, True)
    if isinstance(index, SearchIndex):
        return SearchIndex(index.name, index.search_field, index.filter_fields, True)
    assert isinstance(index, VectorIndex)
    return VectorIndex(
        index.name, index.vector_field, index.dimensions, index.filter_fields, True
    )


def _field_validator(old: Schema, op: Any) -> Validator | None:
    table = old.table(op.table)
    if table is None:
        return None
    if not op.field:
        return table.document
    item = table.field_at(op.field)
    return item.validator if item is not None else None


def _is_optional(old: Schema, table_name: str, path: str) -> bool:
    table = old.table(table_name)
    item = table.field_at(path) if table is not None else None
    return item is not None and item.optional


def _name(*parts: str) -> str:
    words = [w for p in parts for w in re.split(r"[^A-Za-z0-9]+", p) if w]
    return words[0] + "".join(w[:1].upper() + w[1:] for w in words[1:])


def _backfill(table: str, path: str, validator: Validator | None) -> dict[str, Any]:
    return {
        "name": _name("backfill", table, path),
        "table": table,
        "kind": "backfill",
        "field": path,
        "validator": describe(validator) if validator else "",
        "what": (
            f'set "{path}" on every document of "{table}" that lacks it'
            if "." not in path
            else f'set "{path}" on every document of "{table}" whose '
            f'"{path.rsplit(".", 1)[0]}" lacks it'
        ),
    }


def _unset(table: str, path: str) -> dict[str, Any]:
    return {
        "name": _name("unset", table, path),
        "table": table,
        "kind": "unset",
        "field": path,
        "what": f'remove "{path}" from every document of "{table}"',
    }


def _convert(
    table: str, path: str, before: Validator | None, after: Validator
) -> dict[str, Any]:
    return {
        "name": _name("convert", table, path or "document"),
        "table": table,
        "kind": "convert",
        "field": path,
        "from": describe(before) if before else "",
        "to": describe(after),
        "what": (
            f'convert "{table}.{path}" values to {describe(after)[:60]}'
            if path
            else f'convert the documents of "{table}" to {describe(after)[:60]}'
        ),
    }


DEDUPE_CHOICES = ("delete-newer", "suffix-newer")


def _dedupe(table: str, path: str, strategy: str) -> dict[str, Any]:
    what = (
        "delete every document but the oldest of each group"
        if strategy == "delete-newer"
        else f'add the _id as a suffix to "{path}" on every document but the oldest'
    )
    return {
        "name": _name("dedupe", table, path),
        "table": table,
        "kind": "dedupe",
        "field": path,
        "strategy": strategy,
        "index": f"by_{path.replace('.', '_')}",
        "what": f'resolve duplicate "{table}.{path}" values: {what}',
    }


def _copy_table(op: ops.RenameTable) -> dict[str, Any]:
    return {
        "name": _name("copy", op.table, "to", op.new_name),
        "table": op.table,
        "kind": "copy",
        "field": "",
        "to": op.new_name,
        "what": f'copy every document of "{op.table}" into "{op.new_name}"',
    }


def _delete(table: str, archive: bool) -> dict[str, Any]:
    what = f'delete every document of "{table}"'
    return {
        "name": _name("delete", table),
        "table": table,
        "kind": "delete",
        "field": "",
        "archive": archive,
        "what": what + (" after the backup export (the archive)" if archive else ""),
    }


def _rename(op: ops.RenameField) -> dict[str, Any]:
    return {
        "name": _name("copy", op.table, op.field, "to", op.new_name),
        "table": op.table,
        "kind": "copy",
        "field": op.field,
        "to": op.new_name,
        "what": f'copy "{op.field}" into "{op.new_name}" on every document of '
        f'"{op.table}"',
    }


# -- steps ----------------------------------------------------------------------------


def _deploy_step(
    title: str, phase: str, operations: list[ops.Operation], old: Schema
) -> Step:
    step = Step(title, phase, operations, commands=["npx convex deploy"])
    step.rollback = [
        f"{ops.to_json(o)['op'].replace('_', ' ')} {_where(o)}"
        for o in _reverse_all(operations, old)
    ] + ["npx convex deploy"]
    # An index dropped and added in one step is a staged index made live: it
    # has backfilled already.
    promoted = {o.index.name for o in operations if isinstance(o, ops.AddIndex)} & {
        o.name for o in operations if isinstance(o, ops.DropIndex)
    }
    indexes = [
        o
        for o in operations
        if isinstance(o, ops.AddIndex)
        and not o.index.staged
        and o.index.name not in promoted
    ]
    if promoted and not indexes:
        step.estimate = "seconds: the staged index has already backfilled"
        step.notes.append(
            "check on the dashboard that the staged index has finished backfilling; "
            "until then the push waits for it"
        )
    elif indexes:
        step.estimate = "the push waits until the new indexes have backfilled"
        step.notes.append("queries keep working while indexes build; pushes wait")
    else:
        step.estimate = (
            "seconds: no table is rescanned"
            if phase == "widen"
            else ("the push rescans the changed tables to check every document")
        )
    return step


def _reverse_all(operations: list[ops.Operation], old: Schema) -> list[ops.Operation]:
    reversed_ops: list[ops.Operation] = []
    schema = old
    for op in operations:
        try:
            reversed_ops.insert(0, ops.reverse(op, schema))
            schema = ops.apply_to_schema(schema, op)
        except ops.OperationError:
            continue
    return reversed_ops


def _where(op: ops.Operation) -> str:
    data = ops.to_json(op)
    where = str(data["table"])
    if data.get("field"):
        where += "." + str(data["field"])
    if "name" in data:
        where += "." + str(data["name"])
    if "index" in data:
        where += "." + str(data["index"]["indexDescriptor"])
    return where


def _migration_step(migration: dict[str, Any], findings: list[Finding]) -> Step:
    name = migration["name"]
    documents = _documents_for(migration, findings)
    step = Step(
        f"Run migrations:{name}: {migration['what']}",
        "migrate",
        commands=[
            f'npx convex run migrations:run \'{{fn: "migrations:{name}", '
            "dryRun: true}'",
            f"npx convex run migrations:run '{{fn: \"migrations:{name}\"}}'",
        ],
        checks=["the widened schema is deployed and the app writes the new shape"],
        documents=documents,
        estimate=_estimate(documents),
        migration=migration,
        rollback=[
            "stop it: npx convex run --component migrations lib:cancel "
            f"'{{name: \"migrations:{name}\"}}'",
            "restore the documents: npx convex import --replace backup-<stamp>.zip",
        ],
    )
    step.notes.append(
        "runs online in batches of 100 documents, one transaction each; reads and "
        "writes continue"
    )
    return step


def _unique_step(finding: Finding, old: Schema) -> Step:
    """Convex has no unique constraint: an index, clean data, a write guard."""
    table, path = finding.table, _unique_field(finding.message)
    index = f"by_{path.replace('.', '_')}"
    step = Step(
        f'Make "{table}.{path}" unique',
        "migrate",
        documents=finding.documents,
        checks=[f"the duplicates found: {finding.message}"],
    )
    if finding.documents:
        step.notes.append(
            "resolve the duplicates first, one of: keep the oldest document of each "
            "group and merge the others into it; delete the newer ones; or change "
            f"their {path} (e.g. add a suffix) and tell their owners"
        )
    step.notes.append(
        "Convex has no unique constraint: check in every mutation that writes "
        f'{path}: `const taken = await ctx.db.query("{table}").withIndex('
        f'"{index}", (q) => q.eq("{path}", value)).unique(); if (taken) throw ...`. '
        "Mutations are serializable, so two writers cannot both pass the check."
    )
    return step


def _unique_field(message: str) -> str:
    match = re.search(r'"[^".]+\.([^"]+)" must become unique', message)
    return match.group(1) if match else "field"


def _documents_for(migration: dict[str, Any], findings: list[Finding]) -> int | None:
    codes = {
        "backfill": ("M201", "M202"),
        "unset": ("M102",),
        "convert": ("M103", "M104"),
        "delete": ("M101",),
        "copy": ("M101", "M102"),
        "dedupe": ("M203",),
    }
    wanted = codes.get(migration["kind"], ())
    path = migration.get("field", "")
    for finding in findings:
        if finding.code in wanted and finding.table == migration["table"]:
            if finding.path == path:
                return finding.documents
    return None


def _estimate(documents: int | None) -> str:
    if documents is None:
        return "unknown without a snapshot (--data)"
    batches = max(1, math.ceil(documents / BATCH_SIZE))
    low, high = (batches * s for s in BATCH_SECONDS)
    return (
        f"{batches:,} batch(es) of {BATCH_SIZE}: {_duration(low)} to "
        f"{_duration(high)}, assuming {BATCH_SECONDS[0]}–{BATCH_SECONDS[1]} s per "
        "batch mutation of small documents"
    )


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f} s" if seconds < 10 else f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
