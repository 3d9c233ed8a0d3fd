"""Checking runs of lines of one table: the unit validation works in.

A `TableChecker` holds everything one table needs (its generated check, the
id arrays of the tables it references, the limit rules) and turns numbered
raw lines into a `Batch` of plain results: counts, the first failing lines,
references to look at again, the `_id` hashes when other tables reference
this one. The same checker runs in process, or in worker processes forked
after it was built, which inherit it whole (and with it the process's string
hash seed, so `_id` hashes computed on either side agree); batches come back
as plain data and the caller merges them in order.
"""

from __future__ import annotations

import multiprocessing
import re
from array import array
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field

import orjson

from convex_schema.model import AnyV, RecordV, Table, limits, walk
from convex_schema.snapshot.checker import IdTables
from convex_schema.snapshot.codegen import IdCheck, compile_document
from convex_schema.snapshot.limits import (
    SIZE_FAST_PATH_FACTOR,
    limit_problems,
    may_exceed_limits,
)
from convex_schema.snapshot.reader import (
    DocumentError,
    SnapshotTable,
    decode_line,
    split_block,
)
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
        id_check = IdCheck(ids, complete, self.scratch)
        self.check = compile_document(table.document, ids, id_check) if table else None
        self.fast_length = min(
            limits.MAX_DOCUMENT_BYTES // SIZE_FAST_PATH_FACTOR,
            2 * limits.MAX_OBJECT_FIELDS,
        )
        # Under v.any() or v.record() keys are not identifiers a validator
        # vouches for, so a line with `"$`, an escape or non-ASCII is walked.
        self.free_keys = table is None or any(
            isinstance(v, AnyV | RecordV) for v in walk(table.document)
        )

    def run(self, lines: Iterable[tuple[int, bytes]]) -> Batch:
        batch = Batch()
        hashes = array("q")
        keep = hashes.append if self.keep_ids else None
        check, scratch, limit = self.check, self.scratch, self.limit
        fast_length, depth, free_keys = (
            self.fast_length,
            limits.MAX_NESTING,
            self.free_keys,
        )
        data = self.data
        uniform = data.encoding == UNIFORM
        loads = orjson.loads
        for line, raw in lines:
            try:
                if uniform:  # decode_line, inlined for current exports
                    document = loads(raw)
                    if type(document) is not dict:
                        raise DocumentError("a document must be a JSON object")
                    if b'"$' in raw:
                        document = decode_uniform(document)
                else:
                    document = decode_line(data, raw)
            except (DocumentError, orjson.JSONDecodeError, ValueError) as error:
                batch.bad_lines.append((line, str(error)))
                continue
            batch.count += 1
            if keep is not None:
                keep(hash(document.get("_id")))
            if (
                len(raw) > fast_length
                or raw.count(b"{") + raw.count(b"[") > depth
                or (free_keys and _suspect_keys(raw))
            ) and (free_keys or may_exceed_limits(raw)):
                problems = list(limit_problems(document))
                if problems:
                    batch.over_limits += 1
                    if len(batch.limit_failures) < limit:
                        batch.limit_failures.append((line, raw, problems))
            if check is None:
                continue
            if check(document):
                if scratch:
                    document_id = str(document.get("_id"))
                    batch.references.append((document_id, list(scratch), line))
                    scratch.clear()
            else:
                scratch.clear()
                batch.failed += 1
                if len(batch.failures) < limit:
                    batch.failures.append((line, raw))
        batch.id_hashes = hashes.tobytes()
        return batch


# A `$`-prefixed key that is not one of the export's value tags.
_DOLLAR_KEY = re.compile(rb'"\$(?!bytes"|float"|integer")')


def _suspect_keys(raw: bytes) -> bool:
    """Whether a line may hold a field name Convex rejects: a `$` key, or an
    escape or non-ASCII text (which a key could hide)."""
    if b'"$' in raw and _DOLLAR_KEY.search(raw):
        return True
    return b"\\" in raw or not raw.isascii()


# The checker of the table being validated in parallel; forked workers
# inherit it, so only lines travel to them.
_CURRENT: TableChecker | None = None


def _run_current(first: int, block: bytes) -> Batch:
    assert _CURRENT is not None
    return _CURRENT.run(split_block(first, block))


def run_table(
    checker: TableChecker,
    blocks: Iterator[tuple[int, bytes]],
    size: int,
    workers: int,
) -> Iterator[Batch]:
    """Batches for every block of lines, in order; in `workers` forked
    processes when the table is large and the platform can fork (only the
    blocks travel), in process otherwise."""
    if workers < 2 or size < PARALLEL_BYTES or not _can_fork():
        for first, block in blocks:
            yield checker.run(split_block(first, block))
        return
    global _CURRENT
    _CURRENT = checker
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            pending: list[Future[Batch]] = []
            for first, block in blocks:
                pending.append(pool.submit(_run_current, first, block))
                if len(pending) >= BATCHES_IN_FLIGHT:
                    yield pending.pop(0).result()
            for future in pending:
                yield future.result()
    finally:
        _CURRENT = None


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()
