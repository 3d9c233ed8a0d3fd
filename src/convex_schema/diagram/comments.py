"""The comments written next to a field or table in `schema.ts`, which become
its description: the `//` lines or the `/* */` block right above it, and a
comment after it on the same line."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from convex_schema.model import Span

logger = logging.getLogger(__name__)


class Sources:
    """The files spans point into, read once, relative to `root`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._files: dict[str, bytes | None] = {}

    def text(self, file: str) -> bytes | None:
        if file not in self._files:
            path = self.root / file
            try:
                self._files[file] = path.read_bytes()
            except OSError:
                logger.warning("cannot read %s for comments; no descriptions", path)
                self._files[file] = None
        return self._files[file]

    def comment(self, span: Span | None) -> str:
        """The description written beside `span`, or an empty string."""
        if span is None:
            return ""
        source = self.text(span.file)
        if source is None or span.end > len(source):
            return ""
        parts = [_leading(source, span.start), _trailing(source, span.end)]
        return " ".join(p for p in parts if p)


def _leading(source: bytes, start: int) -> str:
    line_start = source.rfind(b"\n", 0, start) + 1
    if source[line_start:start].strip():
        return ""  # something else precedes it on its line
    lines = source[:line_start].decode(errors="replace").split("\n")[:-1]
    found: list[str] = []
    while lines:
        line = lines.pop().strip()
        if line.startswith("//"):
            found.insert(0, line.lstrip("/").strip())
        elif line.endswith("*/"):
            block = [line]
            while not block[0].lstrip().startswith("/*") and lines:
                block.insert(0, lines.pop().strip())
            found[:0] = _block_lines("\n".join(block))
        else:
            break
    return " ".join(f for f in found if f)


def _trailing(source: bytes, end: int) -> str:
    line_end = source.find(b"\n", end)
    rest = source[end : line_end if line_end >= 0 else len(source)].decode(
        errors="replace"
    )
    rest = rest.lstrip(" \t,")
    if rest.startswith("//"):
        return rest.lstrip("/").strip()
    if rest.startswith("/*") and "*/" in rest:
        return " ".join(_block_lines(rest[: rest.index("*/") + 2]))
    return ""


def _block_lines(block: str) -> list[str]:
    body = block.strip().removeprefix("/*").removesuffix("*/").lstrip("*")
    lines = (re.sub(r"^\s*\*?\s?", "", line).strip() for line in body.split("\n"))
    return [line for line in lines if line]
