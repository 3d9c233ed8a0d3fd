"""Checking runs of lines of one table: the unit validation works in.

A `TableChecker` holds everything one table needs (its generated check, the
`_id` hashes of the tables it references, the limit rules) and turns a block
of raw lines into a `Batch` of plain results: counts, the first failing
lines, references to look at again, the `_id` hashes when other tables
reference this one. The same checker runs in process, or in worker processes
forked after it was built, which inherit it whole (and with it the process's
string hash seed, so `_id` hashes computed on either side agree); batches
come back as plain data and the caller merges them in order.

Per line, the loop does as little as the line allows: a line is decoded past
JSON only when it holds a `"$`, and walked for limits only when cheap tests
on its text and on what the validator lets through cannot rule a problem out
(see `limits`); tests that hold for a whole block are made once a block.
"""

from __future__ import annotations

import gc
import multiprocessing
from array import array
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field

import orjson

from convex_schema.model import Table, limits
from convex_schema.snapshot.checker import IdTables
from convex_schema.snapshot.codegen import IdCheck, compile_document
from convex_schema.snapshot.limits import (
    SIZE_FAST_PATH_FACTOR,
    field_names_fine,
    limit_problems,
    may_break_field_names,
    passing_bounds,
)
from convex_schema.snapshot.reader import DocumentError, SnapshotTable, decode_line
from convex_schema.snapshot.values import UNIFORM, decode_uniform

BATCHES_IN_FLIGHT = 4  # bounds memory: at most this many batches queued
PARALLEL_BYTES = 4 << 20  # tables smaller than this are checked in process

Reference = tuple[str, str, str]


@dataclass
class Batch:
    count: int = 0
    failed: int = 0
    over_limits: int = 0
    failures: list[tuple[int, bytes]] = field(default_factory=list)
    limit_failures: list[tuple[int, bytes, list[tuple[str, str]]]] = field(
        default_factory=list
    )
    bad_lines: list[tuple[int, str]] = field(default_factory=list)
    references: list[tuple[str, list[Reference], int]] = field(default_factory=list)
    id_hashes: bytes = b""
    lines: int = 0  # in the block, blank ones included

    def renumber(self, by: int) -> None:
        """Shift the line numbers by `by`: from the block's to the table's."""
        if not by:
            return
        self.failures = [(line + by, raw) for line, raw in self.failures]
        self.limit_failures = [
            (line + by, raw, problems) for line, raw, problems in self.limit_failures
        ]
        self.bad_lines = [(line + by, reason) for line, reason in self.bad_lines]
        self.references = [
            (document_id, found, line + by)
            for document_id, found, line in self.references
        ]


class TableChecker:
    """Checks the lines of one table against its validator."""

    def __init__(
        self,
        data: SnapshotTable,
        table: Table | None,
        ids: IdTables,
        complete: dict[str, array[int]],
        keep_ids: bool,
        limit: int,
    ) -> None:
        self.data = data
        self.limit = limit
        self.keep_ids = keep_ids
        self.scratch: list[Reference] = []
        self.empty_keys: list[str] = []
        id_check = IdCheck(ids, complete, self.scratch)
        self.check = (
            compile_document(table.document, ids, id_check, self.empty_keys)
            if table
            else None
        )
        self.fast_length = min(
            limits.MAX_DOCUMENT_BYTES // SIZE_FAST_PATH_FACTOR,
            2 * limits.MAX_OBJECT_FIELDS,
        )
        self.bounds = passing_bounds(table.document if table else None)

    def run(self, first: int, block: bytes) -> Batch:
        """Check a block of lines from `Snapshot.blocks`, the first being
        line `first`; blank lines are skipped."""
        enabled = gc.isenabled()
        # Documents are trees, freed as soon as they are checked: the cycle
        # collector would only walk the (large, inherited) heap for nothing.
        gc.disable()
        try:
            return self._run(first, block)
        finally:
            if enabled:
                gc.enable()

    def _run(self, first: int, block: bytes) -> Batch:
        batch = Batch()
        hashes = array("q")
        keep = hashes.append if self.keep_ids else None
        check, scratch, limit = self.check, self.scratch, self.limit
        fast_length, depth = self.fast_length, limits.MAX_NESTING
        bounds, name_length = self.bounds, limits.MAX_FIELD_NAME_LENGTH
        nesting_bounded, names_bounded = bounds.nesting, bounds.names
        top_free, search_empty = bounds.top_free, not bounds.empty_keys_noted
        data, loads, count, empty_keys = self.data, orjson.loads, 0, self.empty_keys
        uniform = data.encoding == UNIFORM

        # Scans of the whole block, so that most lines need none of their own:
        # whether a line may hold a `$` tag to decode (`$` is rare, and found
        # many times faster than `"$`), and whether a key may break Convex's
        # field-name rules.
        dollars = uniform and b"$" in block
        names_unsure = not names_bounded and may_break_field_names(
            block, top_free, empty=search_empty
        )

        lines = block.split(b"\n")
        for offset, raw in enumerate(lines):
            try:
                if uniform:  # decode_line, inlined for current exports
                    document = loads(raw)
                    if type(document) is not dict:
                        raise DocumentError("a document must be a JSON object")
                    if dollars and b"$" in raw and b'"$' in raw:
                        document = decode_uniform(document)
                else:
                    document = decode_line(data, raw)
            except (ValueError, TypeError) as error:  # JSONDecodeError included
                if raw and not raw.isspace():
                    batch.bad_lines.append((first + offset, str(error)))
                continue
            count += 1
            if keep is not None:
                keep(hash(document.get("_id")))

            passed = check is not None and check(document)
            noted = False
            if empty_keys:
                noted = passed
                empty_keys.clear()
            if passed:
                if scratch:
                    document_id = str(document.get("_id"))
                    batch.references.append(
                        (document_id, list(scratch), first + offset)
                    )
                    scratch.clear()
            elif check is not None:
                scratch.clear()
                batch.failed += 1
                if len(batch.failures) < limit:
                    batch.failures.append((first + offset, raw))

            # Limits: the exact walk only for a document that could break one.
            # Anything goes in a failing document (extra fields, any depth).
            if len(raw) <= fast_length and (
                (passed and nesting_bounded)
                or raw.count(b"{") + raw.count(b"[") <= depth
            ):
                # Size, depth, field and element counts are fine: only a
                # field name could break a rule now.
                if passed and (
                    names_bounded
                    or not (names_unsure or noted or len(raw) > name_length)
                ):
                    continue
                top = top_free or not passed
                if not (
                    noted
                    or len(raw) > name_length
                    or may_break_field_names(raw, top, search_empty or not passed)
                ) or field_names_fine(document, top):
                    continue
            problems = list(limit_problems(document))
            if problems:
                batch.over_limits += 1
                if len(batch.limit_failures) < limit:
                    batch.limit_failures.append((first + offset, raw, problems))

        batch.count, batch.lines = count, len(lines)
        # Sorted here, in parallel, the runs make the final sort of the
        # table's hashes (in the main process, between tables) twice as fast.
        batch.id_hashes = array("q", sorted(hashes)).tobytes()
        return batch


# The checker of the table being validated in parallel; forked workers
# inherit it, so only lines travel to them.
_CURRENT: TableChecker | None = None


def _run_current(block: bytes) -> Batch:
    assert _CURRENT is not None
    return _CURRENT.run(1, block)


def run_table(
    checker: TableChecker, blocks: Iterator[bytes], size: int, workers: int
) -> Iterator[Batch]:
    """Batches for every block of lines (from `Snapshot.blocks`), in order
    and numbered as lines of the table; in `workers` forked processes when
    the table is large and the platform can fork (only the blocks travel),
    in process otherwise."""
    before = 0
    for batch in _run_blocks(checker, blocks, size, workers):
        batch.renumber(before)
        before += batch.lines
        yield batch


def _run_blocks(
    checker: TableChecker, blocks: Iterator[bytes], size: int, workers: int
) -> Iterator[Batch]:
    if workers < 2 or size < PARALLEL_BYTES or not _can_fork():
        for block in blocks:
            yield checker.run(1, block)
        return
    global _CURRENT
    _CURRENT = checker
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            pending: list[Future[Batch]] = []
            for block in blocks:
                pending.append(pool.submit(_run_current, block))
                if len(pending) >= BATCHES_IN_FLIGHT:
                    yield pending.pop(0).result()
            for future in pending:
                yield future.result()
    finally:
        _CURRENT = None


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()
