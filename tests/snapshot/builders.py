"""Building small export snapshots for tests, in the layout `npx convex export`
writes (REFERENCE §4.1)."""

from __future__ import annotations

import json
import random
import zipfile
from pathlib import Path
from typing import Any

from convex_schema.snapshot.ids import encode_id


class SnapshotBuilder:
    """Tables with numbers and documents, written as a ZIP or a folder."""

    def __init__(self, seed: int = 1) -> None:
        self.random = random.Random(seed)
        self.numbers: dict[str, int] = {}
        self.lines: dict[str, list[str]] = {}
        self.markers: dict[str, str | None] = {}
        self.shapes: dict[str, str] = {}
        self.hints: dict[str, dict[str, Any]] = {}
        self.extra: dict[str, str] = {}
        self.clock = 1_700_000_000_000.0

    def table(
        self, name: str, number: int | None = None, marker: str | None = "uniform"
    ) -> None:
        self.numbers[name] = number or 10_001 + len(self.numbers)
        self.lines.setdefault(name, [])
        self.markers[name] = marker

    def legacy_table(self, name: str, shape: str, number: int | None = None) -> None:
        """A table in the legacy export encoding: documents in clean JSON,
        typed by `shape` (printed as the backend prints shapes) and by the
        per-document hints given with `hint`."""
        self.table(name, number, marker=None)
        self.shapes[name] = shape
        self.hints[name] = {}

    def hint(self, table: str, doc_id: str, hint: Any) -> None:
        self.hints[table][doc_id] = hint

    def new_id(self, table: str) -> str:
        return encode_id(self.numbers[table], self.random.randbytes(16))

    def add(
        self, table: str, fields: str | dict[str, Any], doc_id: str | None = None
    ) -> str:
        """Add a document; `fields` as a dict or as raw JSON object text (to
        control how numbers are written)."""
        doc_id = doc_id or self.new_id(table)
        self.clock += 1.5
        body = fields if isinstance(fields, str) else json.dumps(fields)[1:-1]
        head = f'"_id": "{doc_id}", "_creationTime": {self.clock!r}'
        inner = body.strip()
        if inner.startswith("{"):
            inner = inner[1:-1]
        self.lines[table].append(
            "{" + head + (", " + inner if inner.strip() else "") + "}"
        )
        return doc_id

    def raw_line(self, table: str, line: str) -> None:
        self.lines[table].append(line)

    def files(self, prefix: str = "") -> dict[str, str]:
        out = {f"{prefix}README.md": "A test export.\n"} if not prefix else {}
        tables = [
            json.dumps({"name": name, "id": number})
            for name, number in self.numbers.items()
            if not name.startswith("_")
        ]
        out[f"{prefix}_tables/documents.jsonl"] = "\n".join(tables) + "\n"
        for name, lines in self.lines.items():
            out[f"{prefix}{name}/documents.jsonl"] = "".join(f"{x}\n" for x in lines)
            if self.markers[name] is not None:
                marker = json.dumps(self.markers[name])
                out[f"{prefix}{name}/generated_schema.jsonl"] = marker + "\n"
            if name in self.shapes:
                hints = [json.dumps({k: v}) for k, v in self.hints[name].items()]
                lines = [json.dumps(self.shapes[name]), *hints]
                out[f"{prefix}{name}/generated_schema.jsonl"] = "\n".join(lines) + "\n"
        out.update(self.extra)
        return out

    def write_zip(
        self, path: Path, components: dict[str, SnapshotBuilder] | None = None
    ) -> Path:
        files = self.files()
        for name, builder in (components or {}).items():
            files.update(builder.files(prefix=f"_components/{name}/"))
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for member, text in files.items():
                archive.writestr(member, text)
        return path

    def write_dir(self, path: Path) -> Path:
        for member, text in self.files().items():
            target = path / member
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
        return path
