"""What every command shares: the project, the schema it names, the options."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from convex_schema.reader import ReadResult, find_schema, read_schema


@dataclass
class Context:
    project: Path
    traceback: bool = False
    verbosity: int = 0

    def schema_path(self, schema: Path | None) -> Path:
        return schema if schema is not None else find_schema(self.project)

    def read(self, schema: Path | None) -> tuple[Path, ReadResult]:
        """Read the schema named by --schema, or the project's schema."""
        path = self.schema_path(schema)
        return path, read_schema(path, root=Path.cwd())


def configure_logging(verbosity: int) -> None:
    level = {-1: logging.ERROR, 0: logging.WARNING, 1: logging.INFO}.get(
        verbosity, logging.DEBUG
    )
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
