"""`validate`: every document of a snapshot against a schema, as a push would.

One streaming pass per table, referenced tables first: a generated check per
document (and, for large tables, in two forked workers), an explanation only
for the documents that fail, the limits checked exactly only for documents
that could break one, and references looked up in the `_id`s of the tables
already read.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from convex_schema.diagnostics import Diagnostic, Severity
from convex_schema.model import Schema, Span, Table
from convex_schema.snapshot.batch import TableChecker, run_table
from convex_schema.snapshot.checker import IdTables, explain
from convex_schema.snapshot.reader import (
    Row,
    Snapshot,
    SnapshotError,
    SnapshotTable,
    decode_line,
)
from convex_schema.snapshot.references import (
    ReferenceIndex,
    reading_order,
    referenced_tables,
)
from convex_schema.snapshot.values import LEGACY

logger = logging.getLogger(__name__)

Progress = Callable[[str, int], None]


@dataclass
class TableReport:
    """What validating one table found."""

    table: str
    component: str = ""
    in_schema: bool = True
    checked: int = 0
    failed: int = 0
    over_limits: int = 0
    dangling: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "component": self.component or None,
            "inSchema": self.in_schema,
            "documents": self.checked,
            "failing": self.failed,
            "overLimits": self.over_limits,
            "danglingReferences": self.dangling,
        }


@dataclass
class ValidationReport:
    snapshot: str
    tables: list[TableReport] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def failing_documents(self) -> int:
        return sum(t.failed + t.over_limits for t in self.tables)

    def to_json(self) -> dict[str, Any]:
        return {
            "snapshot": self.snapshot,
            "documents": sum(t.checked for t in self.tables),
            "failingDocuments": self.failing_documents,
            "tables": [t.to_json() for t in self.tables],
            "diagnostics": [d.to_json() for d in self.diagnostics],
        }


def validate_snapshot(
    schema: Schema,
    snapshot: Snapshot,
    limit: int = 10,
    keep_going: bool = False,
    progress: Progress | None = None,
    workers: int = 2,
) -> ValidationReport:
    """Check every document of `snapshot` against `schema`.

    Counts are always complete; at most `limit` violations per table are
    reported as diagnostics. Large tables are checked by `workers` processes.
    """
    report = ValidationReport(snapshot.display)
    app_tables = {t.name: t for t in snapshot.tables if not t.component}
    numbers = {n: name for (c, n), name in snapshot.numbers.items() if not c}
    ids = IdTables(numbers, known=bool(numbers))
    edges = {t.name: referenced_tables(t.document) for t in schema.tables}
    targets = set().union(*edges.values())
    present = set(app_tables) | ({"_storage"} if snapshot.storage else set())
    references = ReferenceIndex(targets, present, limit)
    if snapshot.storage is not None and "_storage" in targets:
        references.start_table("_storage")
        for row in snapshot.rows(snapshot.storage):
            references.add_document(str(row.document.get("_id")))
        references.finish_table()
    for name in reading_order(list(app_tables), edges):
        data = app_tables[name]
        table = schema.table(name)
        table_report = TableReport(name, in_schema=table is not None)
        report.tables.append(table_report)
        errors: list[Diagnostic] | None = [] if keep_going else None
        references.start_table(name)
        _validate_table(
            snapshot,
            data,
            table,
            ids,
            references,
            table_report,
            report,
            limit,
            errors,
            progress,
            workers,
        )
        references.finish_table()
        report.diagnostics += errors or []
    references.finish()
    members = {t.name: snapshot.member_display(t) for t in app_tables.values()}
    _report_dangling(references, report, members)
    report.tables.sort(key=lambda t: t.table)
    _report_other_tables(schema, snapshot, report)
    return report


def _validate_table(
    snapshot: Snapshot,
    data: SnapshotTable,
    table: Table | None,
    ids: IdTables,
    references: ReferenceIndex,
    table_report: TableReport,
    report: ValidationReport,
    limit: int,
    errors: list[Diagnostic] | None,
    progress: Progress | None,
    workers: int,
) -> None:
    keep_ids = references.collector()
    checker = TableChecker(
        data, table, ids, references.complete, keep_ids is not None, limit
    )
    where = snapshot.member_display(data)
    shown = 0
    size = snapshot.member_size(data)
    for batch in run_table(checker, snapshot.blocks(data), size, workers):
        for line, reason in batch.bad_lines:
            diagnostic = snapshot.bad_line(data, line, reason)
            if errors is None:
                raise SnapshotError(diagnostic.message, (diagnostic,))
            errors.append(diagnostic)
        table_report.checked += batch.count
        table_report.failed += batch.failed
        table_report.over_limits += batch.over_limits
        if keep_ids is not None:
            references.add_hashes(batch.id_hashes)
        for document_id, found, line in batch.references:
            references.add_references(data.name, document_id, found, line)
        for line, raw, problems in batch.limit_failures:
            if shown < limit:
                shown += 1
                row = Row(line, raw, decode_line(data, raw))
                report.diagnostics.append(_limit_diagnostic(data, row, where, problems))
        for line, raw in batch.failures:
            if shown < limit and table is not None:
                shown += 1
                row = Row(line, raw, decode_line(data, raw))
                report.diagnostics.append(_violation(data, table, row, ids, where))
        if progress is not None:
            progress(data.name, table_report.checked)
    logger.info(
        "validated %s: %d documents, %d failing",
        data.name,
        table_report.checked,
        table_report.failed,
    )


def _span(where: str, line: int) -> Span:
    return Span(where, line, 1, line, 1)


def _violation(
    data: SnapshotTable, table: Table, row: Row, ids: IdTables, where: str
) -> Diagnostic:
    document_id = str(row.document.get("_id", "?"))
    problem = explain(table.document, row.document, ids, "", top=True)
    if problem is None:  # the fast check and the explanation disagree: say so
        message, path, expected, found = "Value does not match validator.", "", "", ""
    else:
        message, path = problem.message, problem.path
        expected, found = problem.expected, problem.found
    detail = (
        f" Expected {expected}, found {found}." if "does not match" in message else ""
    )
    return Diagnostic(
        "D101",
        Severity.ERROR,
        f'Document with ID "{document_id}" in table "{data.name}" does not match the '
        f"schema: {message}{detail} Path: {path or '(document)'}",
        _span(where, row.line),
        _hint_for(message, expected, found),
        data={
            "table": data.name,
            "_id": document_id,
            "path": path,
            "expected": expected,
            "found": found,
        },
    )


def _hint_for(message: str, expected: str, found: str) -> str:
    if "missing the required field" in message:
        return (
            "Backfill the field (a migration), or make it v.optional(...) until "
            "every document has it."
        )
    if "extra field" in message:
        return "Add the field to the schema, or remove it from these documents."
    if "Found ID" in message or "document ID" in message:
        return "The id points into another table; fix the reference or the v.id()."
    if expected == "v.int64()" and found.endswith("(float64)"):
        return (
            "Convex never converts numbers: a JavaScript number is a float64. "
            "Write BigInt values (3n) or declare v.number()."
        )
    if expected == "v.number()" and found.endswith("(int64)"):
        return "This value was written as a BigInt; declare v.int64() or convert it."
    return "Fix these documents with a migration, or widen the validator."


def _limit_diagnostic(
    data: SnapshotTable, row: Row, where: str, problems: list[tuple[str, str]]
) -> Diagnostic:
    path, message = problems[0]
    document_id = str(row.document.get("_id", "?"))
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return Diagnostic(
        "D102",
        Severity.ERROR,
        f'Document "{document_id}" in table "{data.name}" breaks a Convex limit at '
        f"{path or '(document)'}: {message}{more}",
        _span(where, row.line),
        "Move large or repeated parts into their own table, referenced by v.id().",
        data={"table": data.name, "_id": document_id, "path": path},
    )


def _report_dangling(
    references: ReferenceIndex, report: ValidationReport, members: dict[str, str]
) -> None:
    counts, samples = references.counts, references.samples
    by_table = {t.table: t for t in report.tables}
    for (table, _path), count in counts.items():
        if table in by_table:
            by_table[table].dangling += count
    for sample in samples:
        where = members.get(sample.table)
        report.diagnostics.append(
            Diagnostic(
                "D103",
                Severity.WARNING,
                f'Document "{sample.document_id}" in table "{sample.table}" references '
                f'{sample.target} "{sample.missing_id}" at {sample.path}, which is not '
                "in the snapshot",
                _span(where, sample.line) if where else None,
                "Delete or repair the reference; Convex does not enforce references, "
                "so reads of it return null.",
                data={
                    "table": sample.table,
                    "_id": sample.document_id,
                    "path": sample.path,
                    "target": sample.target,
                    "missing": sample.missing_id,
                },
            )
        )


def _report_other_tables(
    schema: Schema, snapshot: Snapshot, report: ValidationReport
) -> None:
    for table_report in report.tables:
        if not table_report.in_schema:
            report.diagnostics.append(
                Diagnostic(
                    "D104",
                    Severity.INFO,
                    f'table "{table_report.table}" has {table_report.checked} '
                    "documents but is not in the schema; Convex does not validate it",
                    None,
                    "Add it to the schema to have it checked, or delete its data.",
                    data={"table": table_report.table},
                )
            )
    for data in snapshot.tables:
        if data.encoding == LEGACY and data.legacy_place is None and not data.component:
            report.diagnostics.append(
                Diagnostic(
                    "D107",
                    Severity.WARNING,
                    f'table "{data.name}" comes from an older export format whose '
                    "stored shape (line 1 of its generated_schema.jsonl) cannot be "
                    f"applied: {data.legacy_problem}. Int64, bytes and special "
                    "floats are read from its per-document type hints only; a value "
                    "typed only by the shape is read as its JSON form (a string or "
                    "a float64)",
                    None,
                    "Export the deployment again with a current `npx convex export` "
                    "for exact types.",
                    data={"table": data.name, "problem": data.legacy_problem},
                )
            )
    components = sorted({t.component for t in snapshot.tables if t.component})
    for component in components:
        report.diagnostics.append(
            Diagnostic(
                "D105",
                Severity.INFO,
                f'component "{component}" has its own tables and schema; its data is '
                "not checked against this schema",
                None,
                None,
                data={"component": component},
            )
        )
    if not schema.schema_validation:
        report.diagnostics.append(
            Diagnostic(
                "D106",
                Severity.INFO,
                "the schema sets schemaValidation: false, so Convex would not check "
                "these documents on push; they are checked here anyway",
                schema.span,
            )
        )
