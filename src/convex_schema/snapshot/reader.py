"""Reading a snapshot: the ZIP that `npx convex export` writes, its unpacked
folder, or a single table as `.jsonl`, `.json` or `.csv` (REFERENCE §4).

Documents are streamed line by line and never held all at once. Each table
knows its number (from `_tables/documents.jsonl`), its component namespace
(`_components/<name>/...`, nested) and its encoding (`generated_schema.jsonl`:
`"uniform"` for current exports, a legacy shape line otherwise, absent for
plain imports). A legacy table also carries its stored shape and per-document
type hints, which `decode_line` applies (see `legacy`).
"""

from __future__ import annotations

import csv
import logging
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import orjson

from convex_schema.diagnostics import Diagnostic, Severity
from convex_schema.errors import ConvexSchemaError
from convex_schema.model import Span
from convex_schema.snapshot.legacy import (
    NO_SHAPE,
    Place,
    ShapeError,
    decode_legacy,
    parse_shape,
    table_place,
)
from convex_schema.snapshot.values import (
    LEGACY,
    PLAIN,
    UNIFORM,
    decode_plain,
    decode_uniform,
)

logger = logging.getLogger(__name__)

DOCUMENTS = "documents.jsonl"
CHUNK = 1 << 20
SCHEMA_MARKER = "generated_schema.jsonl"


class SnapshotError(ConvexSchemaError):
    """A snapshot that cannot be read: corrupt, truncated, or not an export."""


@dataclass
class SnapshotTable:
    """One table of a snapshot."""

    name: str
    member: str  # path of its documents inside the ZIP or folder
    component: str = ""  # "" for the app; "a" or "a/b" for components
    number: int | None = None
    encoding: str = UNIFORM
    legacy_contexts: dict[str, Any] = field(default_factory=dict)
    # A legacy table's stored shape, ready to type its documents; None with
    # `legacy_problem` saying why when it cannot be applied.
    legacy_place: Place | None = field(default=None, repr=False, compare=False)
    legacy_problem: str = ""

    @property
    def qualified(self) -> str:
        return f"{self.component}:{self.name}" if self.component else self.name


@dataclass
class Row:
    """A document with where it came from."""

    line: int
    raw: bytes
    document: dict[str, Any]


class Snapshot:
    """An open snapshot. Use as a context manager."""

    def __init__(self, path: Path, single_table: str | None = None) -> None:
        self.path = path
        self.display = str(path)
        self.tables: list[SnapshotTable] = []
        self.storage: SnapshotTable | None = None
        self.numbers: dict[tuple[str, int], str] = {}
        self._zip: zipfile.ZipFile | None = None
        self._single = single_table
        self._open()

    # -- opening ----------------------------------------------------------------

    def _open(self) -> None:
        path = self.path
        if not path.exists():
            raise SnapshotError(
                f"{path}: no such file; export one with `npx convex export --path "
                f"{path.name or 'snapshot.zip'}`"
            )
        suffix = path.suffix.lower()
        if path.is_dir():
            self._scan(self._list_folder())
        elif suffix == ".zip":
            try:
                self._zip = zipfile.ZipFile(path)
            except zipfile.BadZipFile as error:
                raise SnapshotError(
                    f"{path}: not a readable ZIP file ({error}); download the export "
                    "again"
                ) from None
            self._scan(self._zip.namelist())
        elif suffix in (".jsonl", ".json", ".csv"):
            self._open_single(suffix)
        else:
            raise SnapshotError(
                f"{path}: not a snapshot; pass the ZIP from `npx convex export`, its "
                "unpacked folder, or a .jsonl, .json or .csv file with --table"
            )

    def _open_single(self, suffix: str) -> None:
        if not self._single:
            raise SnapshotError(
                f"{self.path}: a {suffix} file holds one table; name it with --table"
            )
        self.tables.append(SnapshotTable(self._single, self.path.name, encoding=PLAIN))

    def _list_folder(self) -> list[str]:
        return [
            str(p.relative_to(self.path)).replace("\\", "/")
            for p in self.path.rglob("*")
            if p.is_file()
        ]

    def _scan(self, names: list[str]) -> None:
        present = set(names)
        components = sorted({_component_of(n) for n in names})
        for component in components:
            prefix = _prefix(component)
            self._read_table_numbers(component, prefix, present)
            for name in sorted(present):
                if not name.startswith(prefix):
                    continue
                rest = name[len(prefix) :]
                parts = rest.split("/")
                if len(parts) != 2 or parts[1] != DOCUMENTS:
                    continue
                table = parts[0]
                if table in ("_tables", "_components"):
                    continue
                entry = SnapshotTable(table, name, component)
                self._read_marker(entry, prefix + table + "/" + SCHEMA_MARKER, present)
                if table == "_storage":
                    if not component:
                        self.storage = entry
                    continue
                self.tables.append(entry)
        if not self.tables and self.storage is None:
            raise SnapshotError(
                f"{self.display}: no tables found (expected <table>/{DOCUMENTS}); is "
                "this an export from `npx convex export`?"
            )
        self._attach_numbers()
        self._number_storage()
        logger.info("snapshot %s: %d tables", self.display, len(self.tables))

    def _attach_numbers(self) -> None:
        by_name = {(c, name): number for (c, number), name in self.numbers.items()}
        for table in [*self.tables, *([self.storage] if self.storage else [])]:
            table.number = by_name.get((table.component, table.name))

    def _number_storage(self) -> None:
        """`_tables` lists user tables only; `_storage`'s number is in its ids."""
        from convex_schema.snapshot.ids import InvalidId, decode_id

        storage = self.storage
        if storage is None or storage.number is not None:
            return
        for _, raw in self._lines(storage.member):
            try:
                storage.number = decode_id(
                    str(orjson.loads(raw).get("_id"))
                ).table_number
            except (orjson.JSONDecodeError, InvalidId, AttributeError):
                return
            self.numbers[("", storage.number)] = "_storage"
            return

    def _read_table_numbers(
        self, component: str, prefix: str, present: set[str]
    ) -> None:
        member = prefix + "_tables/" + DOCUMENTS
        if member not in present:
            return
        for line_no, raw in self._lines(member):
            try:
                record = orjson.loads(raw)
                self.numbers[(component, int(record["id"]))] = str(record["name"])
            except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
                raise SnapshotError(
                    f"{self.display}:{member}:{line_no}: expected "
                    '{"name": ..., "id": <table number>}'
                ) from None

    def _read_marker(
        self, table: SnapshotTable, member: str, present: set[str]
    ) -> None:
        """The table's encoding, from the first line of its
        `generated_schema.jsonl`; for a legacy export, also its shape."""
        first = next(self._lines(member), None) if member in present else None
        if first is None:
            table.encoding = PLAIN
            return
        try:
            marker = orjson.loads(first[1])
        except orjson.JSONDecodeError:
            raise SnapshotError(f"{self.display}:{member}:1: not JSON") from None
        if marker == UNIFORM:
            table.encoding = UNIFORM
            return
        table.encoding = LEGACY
        try:
            if not isinstance(marker, str):
                raise ShapeError("line 1 is not a JSON string holding a shape")
            table.legacy_place = table_place(parse_shape(marker))
        except ShapeError as error:
            table.legacy_problem = str(error)
            logger.warning(
                "table %s: legacy export whose shape cannot be applied: %s",
                table.qualified,
                error,
            )
            return
        logger.info("table %s: legacy export, typed by its shape", table.qualified)

    # -- reading ------------------------------------------------------------------

    def _stream(self, member: str) -> IO[bytes]:
        if self._zip is not None:
            return self._zip.open(member)
        if self.path.is_dir():
            return (self.path / member).open("rb")
        return self.path.open("rb")

    def _lines(self, member: str) -> Iterator[tuple[int, bytes]]:
        """Numbered non-empty lines, read in large chunks (a ZIP member's
        `readline` is several times slower than splitting a chunk)."""
        try:
            with self._stream(member) as stream:
                number, rest = 0, b""
                while chunk := stream.read(CHUNK):
                    lines = (rest + chunk).split(b"\n")
                    rest = lines.pop()
                    for line in lines:
                        number += 1
                        if line and not line.isspace():
                            yield number, line
                if rest and not rest.isspace():
                    yield number + 1, rest
        except (zipfile.BadZipFile, EOFError, OSError) as error:
            raise SnapshotError(
                f"{self.display}:{member}: truncated or corrupt ({error}); export "
                "the deployment again"
            ) from None

    def member_size(self, table: SnapshotTable) -> int:
        """Bytes of the table's documents, uncompressed (0 when unknown)."""
        if self._zip is not None:
            return self._zip.getinfo(table.member).file_size
        if self.path.is_dir():
            return (self.path / table.member).stat().st_size
        return self.path.stat().st_size

    def member_display(self, table: SnapshotTable) -> str:
        if self.path.is_file() and self._zip is None:
            return self.display
        return f"{self.display}:{table.member}"

    def rows(
        self, table: SnapshotTable, errors: list[Diagnostic] | None = None
    ) -> Iterator[Row]:
        """The documents of `table`, decoded. A bad line raises SnapshotError,
        or, when `errors` is given, is recorded there and skipped."""
        for line, raw, document in self.documents(table, errors):
            yield Row(line, raw, document)

    def lines(self, table: SnapshotTable) -> Iterator[tuple[int, bytes]]:
        """The numbered raw JSON lines of `table` (for `.json` and `.csv`
        inputs, one line per element or row, already typed)."""
        if table.encoding == LEGACY:
            self._load_legacy_contexts(table)
        suffix = self.path.suffix.lower() if self._zip is None else ""
        if suffix == ".json" and self._single:
            for row in self._json_array_rows(table):
                yield row.line, row.raw
        elif suffix == ".csv" and self._single:
            for row in self._csv_rows(table):
                yield row.line, row.raw
        else:
            yield from self._lines(table.member)

    def blocks(self, table: SnapshotTable) -> Iterator[bytes]:
        """The table's lines in blocks of about 1 MiB that end at a line end,
        blank lines included: a block of n newlines holds n + 1 lines, and
        numbering runs on from 1 block after block. Cheap to hand to another
        process, which splits it at newlines (and counts its lines, which
        this process then need not do)."""
        suffix = self.path.suffix.lower() if self._zip is None else ""
        if table.encoding == LEGACY or (self._single and suffix in (".json", ".csv")):
            yield from self._joined_blocks(table)
            return
        try:
            with self._stream(table.member) as stream:
                rest = b""
                while chunk := stream.read(CHUNK):
                    data = rest + chunk
                    end = data.rfind(b"\n")
                    if end < 0:
                        rest = data
                        continue
                    block, rest = data[:end], data[end + 1 :]
                    yield block
                if rest:
                    yield rest
        except (zipfile.BadZipFile, EOFError, OSError) as error:
            raise SnapshotError(
                f"{self.display}:{table.member}: truncated or corrupt ({error}); "
                "export the deployment again"
            ) from None

    def _joined_blocks(self, table: SnapshotTable) -> Iterator[bytes]:
        """`blocks` for tables read line by line (legacy, `.json`, `.csv`)."""
        batch: list[bytes] = []
        expected = 1
        for number, raw in self.lines(table):
            # Skipped blank lines come back as empty ones, so that lines keep
            # their numbers; checking skips them.
            batch += [b""] * (number - expected)
            batch.append(raw)
            expected = number + 1
            if len(batch) >= 4_000:
                yield b"\n".join(batch)
                batch = []
        if batch:
            yield b"\n".join(batch)

    def documents(
        self, table: SnapshotTable, errors: list[Diagnostic] | None = None
    ) -> Iterator[tuple[int, bytes, dict[str, Any]]]:
        """Like `rows`, as plain tuples (line, raw JSON, document)."""
        for line_no, raw in self.lines(table):
            try:
                document = decode_line(table, raw)
            except DocumentError as error:
                diagnostic = self.bad_line(table, line_no, str(error))
                if errors is None:
                    raise SnapshotError(diagnostic.message, (diagnostic,)) from None
                errors.append(diagnostic)
                continue
            yield line_no, raw, document

    def bad_line(self, table: SnapshotTable, line_no: int, reason: str) -> Diagnostic:
        """The D001 diagnostic for a line that is not a document."""
        where = self.member_display(table)
        return Diagnostic(
            "D001",
            Severity.ERROR,
            f"{where}:{line_no}: line {line_no} of table {table.qualified} is not a "
            f"valid document: {reason}",
            Span(where, line_no, 1, line_no, 1),
            "Fix or remove the line, or export the deployment again.",
        )

    def _json_array_rows(self, table: SnapshotTable) -> Iterator[Row]:
        raw = self.path.read_bytes()
        if raw.startswith(b"\xef\xbb\xbf"):
            raise SnapshotError(
                f"{self.display}: starts with a UTF-8 BOM, which import rejects"
            )
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as error:
            raise SnapshotError(f"{self.display}: not valid JSON ({error})") from None
        if not isinstance(data, list):
            raise SnapshotError(
                f"{self.display}: a .json import must be an array of objects"
            )
        for index, item in enumerate(data, 1):
            if not isinstance(item, dict):
                raise SnapshotError(f"{self.display}: element {index} is not an object")
            yield Row(index, orjson.dumps(item), decode_plain(item))

    def _csv_rows(self, table: SnapshotTable) -> Iterator[Row]:
        with self.path.open("r", encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if not header:
                raise SnapshotError(f"{self.display}: a CSV import needs a header row")
            for line_no, cells in enumerate(reader, 2):
                document = {
                    name: _csv_cell(cell)
                    for name, cell in zip(header, cells, strict=False)
                }
                yield Row(line_no, orjson.dumps(document), document)

    def _load_legacy_contexts(self, table: SnapshotTable) -> None:
        if table.legacy_contexts:
            return
        member = table.member.rsplit("/", 1)[0] + "/" + SCHEMA_MARKER
        for line_no, raw in self._lines(member):
            if line_no == 1:
                continue  # the table's serialized shape
            try:
                record = orjson.loads(raw)
            except orjson.JSONDecodeError:
                raise SnapshotError(
                    f"{self.display}:{member}:{line_no}: not JSON"
                ) from None
            if isinstance(record, dict):
                table.legacy_contexts.update(record)

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def __enter__(self) -> Snapshot:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class DocumentError(ValueError):
    """A line that is not a document in its table's encoding."""


def decode_line(table: SnapshotTable, raw: bytes) -> dict[str, Any]:
    """One line of a table as a document with Convex's value types."""
    try:
        value = orjson.loads(raw)
        if type(value) is not dict:
            raise DocumentError("a document must be a JSON object")
        encoding = table.encoding
        if encoding == UNIFORM:
            # Nothing tagged: ints and floats are already int64 and float64.
            if b'"$' not in raw:
                return value
            return decode_uniform(value)  # type: ignore[no-any-return]
        if encoding == LEGACY:
            hint = table.legacy_contexts.get(str(value.get("_id")))
            return decode_legacy(value, hint, table.legacy_place or NO_SHAPE)  # type: ignore[no-any-return]
        return decode_plain(value)  # type: ignore[no-any-return]
    except DocumentError:
        raise
    except (orjson.JSONDecodeError, TypeError, ValueError) as error:
        raise DocumentError(str(error)) from None


def _csv_cell(cell: str) -> Any:
    try:
        return float(cell)
    except ValueError:
        return cell


def _component_of(name: str) -> str:
    parts = name.split("/")
    path: list[str] = []
    while len(parts) >= 3 and parts[0] == "_components":
        path.append(parts[1])
        parts = parts[2:]
    return "/".join(path)


def _prefix(component: str) -> str:
    if not component:
        return ""
    return "".join(f"_components/{part}/" for part in component.split("/"))
