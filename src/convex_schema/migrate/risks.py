"""Risk codes for schema changes, and the data checks that size them.

Each change from `diff` gets stable risk codes (in the spirit of Atlas's
migration lint) and, with a snapshot, the exact number of documents it
affects and sample `_id`s, from one streaming pass over each affected table.
Without a snapshot the risks still stand, and the report says which checks
could not run.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from convex_schema import operations as ops
from convex_schema.diff import Change
from convex_schema.migrate.code import Use, uses_of
from convex_schema.model import IdV, ObjectV, Schema, Table, Validator, walk
from convex_schema.model.limits import MAX_DOCUMENT_BYTES
from convex_schema.model.semantics import is_subset
from convex_schema.snapshot.checker import IdTables, compile_check
from convex_schema.snapshot.limits import convex_size
from convex_schema.snapshot.profile import ABSENT, DuplicateFinder, lookup
from convex_schema.snapshot.reader import Snapshot

logger = logging.getLogger(__name__)

SAMPLES = 5
LARGE_TABLE_DOCUMENTS = 100_000  # an index on more than this: suggest staging it

RISKS = {
    "M101": ("destructive", "a table that holds documents is dropped from the schema"),
    "M102": ("destructive", "a field that documents hold is dropped"),
    "M103": ("destructive", "a field's type changes: its values must be converted"),
    "M104": (
        "destructive",
        "a validator is narrowed: some values are no longer allowed",
    ),
    "M105": ("destructive", "documents of other tables reference a dropped table"),
    "M201": ("might-fail-on-data", "a required field is added to documents without it"),
    "M202": ("might-fail-on-data", "an optional field becomes required"),
    "M203": ("might-fail-on-data", "a uniqueness is asked where duplicates exist"),
    "M204": ("might-fail-on-data", "a backfill would push documents past 1 MiB"),
    "M301": (
        "breaking-for-code",
        "a table, field or index that functions use goes away",
    ),
    "M401": ("performance", "an index is added to a large table"),
}


@dataclass
class Finding:
    """A risk of one change, sized by the data when a snapshot was given."""

    code: str
    table: str
    message: str
    documents: int | None = None  # None: not checked (no snapshot)
    samples: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)  # file:line:column
    path: str = ""  # the field the risk is about, when it is about one

    @property
    def kind(self) -> str:
        return RISKS[self.code][0]

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "kind": self.kind,
            "table": self.table,
            "message": self.message,
            "documents": self.documents,
            "samples": self.samples,
            "references": self.references,
        }


Predicate = Callable[[dict[str, Any]], bool]


@dataclass
class _Probe:
    """Counts the documents of a table that a predicate picks."""

    finding: Finding
    picks: Predicate

    def see(self, document: dict[str, Any]) -> None:
        if self.picks(document):
            assert self.finding.documents is not None
            self.finding.documents += 1
            if len(self.finding.samples) < SAMPLES:
                self.finding.samples.append(str(document.get("_id")))


def assess(
    changes: list[Change],
    old: Schema,
    snapshot: Snapshot | None,
    unique: list[tuple[str, str]] | None = None,
    code: list[Use] | None = None,
) -> list[Finding]:
    """The risks of `changes` to `old`, sized with `snapshot` when given;
    with `code` (the uses found in the function files), a change that breaks
    code lists where, and one that breaks nothing is not reported."""
    findings: list[Finding] = []
    probes: dict[str, list[_Probe]] = {}
    numbers = (
        {n: t for (c, n), t in snapshot.numbers.items() if not c} if snapshot else {}
    )
    ids = IdTables(numbers, known=bool(numbers))
    for change in changes:
        if change.promotes_staged:
            continue  # enabling a backfilled staged index risks nothing
        for finding, predicate in _risks(change, old, ids):
            if finding.code == "M301" and code is not None:
                if not _locate(finding, change, code):
                    continue
            findings.append(finding)
            if predicate is not None and snapshot is not None:
                finding.documents = 0
                probes.setdefault(finding.table, []).append(_Probe(finding, predicate))
    if snapshot is not None:
        _scan(snapshot, probes, findings)
        findings += _duplicates(snapshot, unique or [])
    else:
        findings += [
            Finding(
                "M203",
                table,
                f'"{table}.{name}" must become unique: duplicates not checked',
                path=name,
            )
            for table, name in unique or []
        ]
    return findings


def _scan(
    snapshot: Snapshot, probes: dict[str, list[_Probe]], findings: list[Finding]
) -> None:
    """One pass over each table that a check needs; sizes index risks too."""
    tables = {t.name: t for t in snapshot.tables if not t.component}
    wanted = set(probes) | {f.table for f in findings if f.code == "M401"}
    counts: dict[str, int] = {}
    for name in sorted(wanted):
        data = tables.get(name)
        if data is None:
            for probe in probes.get(name, []):
                probe.finding.documents = 0
            counts[name] = 0
            continue
        table_probes = probes.get(name, [])
        growth = _growth(findings, name)
        too_big: Finding | None = None
        count = 0
        for _, raw, document in snapshot.documents(data):
            count += 1
            for probe in table_probes:
                probe.see(document)
            # A backfill grows documents: those near 1 MiB may not fit after it.
            if growth and len(raw) * 9 + growth > MAX_DOCUMENT_BYTES:
                if convex_size(document) + growth > MAX_DOCUMENT_BYTES:
                    too_big = too_big or _too_big(name, growth, findings)
                    too_big.documents = (too_big.documents or 0) + 1
                    if len(too_big.samples) < SAMPLES:
                        too_big.samples.append(str(document.get("_id")))
        counts[name] = count
        logger.info(
            "checked %d documents of %s for %d risks", count, name, len(table_probes)
        )
    for finding in findings:
        if finding.code == "M401":
            finding.documents = counts.get(finding.table, 0)


def _growth(findings: list[Finding], table: str) -> int:
    """Bytes a backfill adds to each document of `table` (a field name and a
    small value), by Convex's size accounting."""
    return sum(
        len(f.path) + 1 + 9
        for f in findings
        if f.table == table and f.code in ("M201", "M202")
    )


def _too_big(table: str, growth: int, findings: list[Finding]) -> Finding:
    finding = Finding(
        "M204",
        table,
        f'documents of "{table}" would pass 1 MiB once the backfill adds about '
        f"{growth} bytes",
        documents=0,
    )
    findings.append(finding)
    return finding


def _duplicates(snapshot: Snapshot, unique: list[tuple[str, str]]) -> list[Finding]:
    findings: list[Finding] = []
    tables = {t.name: t for t in snapshot.tables if not t.component}
    with tempfile.TemporaryDirectory(prefix="convex-schema-unique-") as folder:
        for table, name in unique:
            data = tables.get(table)
            if data is None:
                continue
            finder = DuplicateFinder(Path(folder), f"{table}-{len(findings)}", [name])
            for _, _, document in snapshot.documents(data):
                finder.add(document)
            (groups,) = finder.groups(SAMPLES)
            ids = [i for group in groups["groups"] for i in group["ids"]]
            findings.append(
                Finding(
                    "M203",
                    table,
                    f'"{table}.{name}" must become unique: '
                    f"{groups['duplicateGroups']} value(s) are shared by "
                    f"{groups['duplicateDocuments']} documents",
                    groups["duplicateDocuments"],
                    ids[: SAMPLES * 2],
                    path=name,
                )
            )
    return findings


def _field_value(path: str) -> Callable[[dict[str, Any]], Any]:
    return lambda document: lookup(document, path)


def _risks(
    change: Change, old: Schema, ids: IdTables
) -> list[tuple[Finding, Predicate | None]]:
    op = change.operation
    table = getattr(op, "table", "")
    if isinstance(op, ops.AddTable):
        table = op.table.name
    out: list[tuple[Finding, Predicate | None]] = []
    if isinstance(op, ops.DropTable):
        out.append(
            (Finding("M101", table, f'table "{table}" is dropped'), lambda d: True)
        )
        out += _references_into(table, old)
        out.append(_code_risk(table, f'table "{table}"'))
    elif isinstance(op, ops.DropField):
        value = _field_value(op.field)
        out.append(
            (
                Finding(
                    "M102",
                    table,
                    f'field "{table}.{op.field}" is dropped',
                    path=op.field,
                ),
                lambda d: value(d) is not ABSENT,
            )
        )
        out.append(_code_risk(table, f'field "{table}.{op.field}"'))
    elif isinstance(op, ops.AddField) and not op.optional:
        value = _field_value(op.field)
        parent = _field_value(op.field.rsplit(".", 1)[0]) if "." in op.field else None
        out.append(
            (
                Finding(
                    "M201",
                    table,
                    f'required field "{table}.{op.field}" is added',
                    path=op.field,
                ),
                # Inside an optional object, only documents that have the object.
                lambda d: (
                    value(d) is ABSENT
                    and (parent is None or parent(d) not in (ABSENT, None))
                ),
            )
        )
    elif isinstance(op, ops.SetOptional) and not op.optional:
        value = _field_value(op.field)
        out.append(
            (
                Finding(
                    "M202",
                    table,
                    f'"{table}.{op.field}" becomes required',
                    path=op.field,
                ),
                lambda d: value(d) is ABSENT,
            )
        )
    elif isinstance(op, ops.ChangeValidator):
        out += _validator_risks(op, old, ids)
    elif isinstance(op, ops.RenameField):
        value = _field_value(op.field)
        out.append(
            (
                Finding(
                    "M102",
                    table,
                    f'field "{table}.{op.field}" is dropped (renamed to '
                    f'"{op.new_name}")',
                    path=op.field,
                ),
                lambda d: value(d) is not ABSENT,
            )
        )
        out.append(_code_risk(table, f'"{table}.{op.field}"'))
    elif isinstance(op, ops.RenameTable):
        out.append(
            (
                Finding(
                    "M101",
                    table,
                    f'table "{table}" is dropped (renamed to "{op.new_name}")',
                ),
                lambda d: True,
            )
        )
        out.append(_code_risk(table, f'table "{table}"'))
    elif isinstance(op, ops.DropIndex):
        out.append(_code_risk(table, f'index "{table}.{op.name}"'))
    elif isinstance(op, ops.AddIndex) and not op.index.staged and old.table(table):
        out.append(
            (
                Finding(
                    "M401",
                    table,
                    f'index "{table}.{op.index.name}" is added; on a large table the '
                    "push waits for its backfill: add it with staged: true first",
                ),
                None,
            )
        )
    return out


def _references_into(
    target: str, old: Schema
) -> list[tuple[Finding, Predicate | None]]:
    """A risk per field of another table that holds ids of `target`."""
    out: list[tuple[Finding, Predicate | None]] = []
    for table in old.tables:
        if table.name == target or not isinstance(table.document, ObjectV):
            continue
        for path in _id_paths(table.document, target, ""):
            value = _field_value(path)
            finding = Finding(
                "M105",
                table.name,
                f'"{table.name}.{path}" references the dropped table "{target}"',
            )
            out.append((finding, _holds_value(value)))
    return out


def _holds_value(value: Callable[[dict[str, Any]], Any]) -> Predicate:
    return lambda document: value(document) not in (ABSENT, None)


def _id_paths(obj: ObjectV, target: str, prefix: str) -> list[str]:
    paths = []
    for item in obj.fields:
        path = prefix + item.name
        if any(isinstance(v, IdV) and v.table == target for v in walk(item.validator)):
            if isinstance(item.validator, ObjectV):
                paths += _id_paths(item.validator, target, path + ".")
            else:
                paths.append(path)
    return paths


def _validator_risks(
    op: ops.ChangeValidator, old: Schema, ids: IdTables
) -> list[tuple[Finding, Predicate | None]]:
    table = old.table(op.table)
    before = _validator_at(table.document if table else None, op.field)
    if before is None or is_subset(before, op.validator):
        return []
    check = compile_check(op.validator, ids)
    where = f'"{op.table}.{op.field}"' if op.field else f'the documents of "{op.table}"'
    code = "M104" if is_subset(op.validator, before) else "M103"
    verb = "is narrowed" if code == "M104" else "changes type"
    if not op.field:
        return [
            (
                Finding(code, op.table, f"{where} {verb}"),
                lambda d: not check(_strip(d)),
            )
        ]
    value = _field_value(op.field)

    def fails(document: dict[str, Any]) -> bool:
        found = value(document)
        return found is not ABSENT and not check(found)

    return [(Finding(code, op.table, f"{where} {verb}", path=op.field), fails)]


def _strip(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k not in ("_id", "_creationTime")}


def _validator_at(document: Validator | None, path: str) -> Validator | None:
    if not path or document is None:
        return document
    item = Table("t", document).field_at(path)
    return item.validator if item is not None else None


def _locate(finding: Finding, change: Change, code: list[Use]) -> bool:
    """Put the places that use what `change` removes into the finding."""
    op = change.operation
    if isinstance(op, ops.DropTable | ops.RenameTable):
        found = uses_of(code, "table", op.table)
    elif isinstance(op, ops.DropField | ops.RenameField):
        found = uses_of(code, "field", op.table, op.field.split(".")[0])
    elif isinstance(op, ops.DropIndex):
        found = uses_of(code, "index", op.table, op.name)
    else:
        return True
    if not found:
        return False
    finding.references = [f"{u.span.file}:{u.span.line}:{u.span.column}" for u in found]
    finding.message = finding.message.split(";")[0] + (
        f"; {len(found)} place(s) in the functions use it"
    )
    return True


def _code_risk(table: str, what: str) -> tuple[Finding, Predicate | None]:
    return (
        Finding(
            "M301",
            table,
            f"{what} goes away; functions in convex/ that use it break (function "
            "references are not checked yet: search your code for it)",
        ),
        None,
    )
