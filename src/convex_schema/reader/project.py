"""Finding a project's schema: `convex/schema.ts`, or where `convex.json` points."""

from __future__ import annotations

import json
from pathlib import Path

from convex_schema.errors import ConvexSchemaError

SCHEMA_NAMES = ("schema.ts", "schema.js", "schema.mts", "schema.tsx")


def functions_dir(project: Path) -> Path:
    """The folder of Convex functions: `convex.json`'s `functions`, or `convex/`."""
    config = project / "convex.json"
    if config.is_file():
        try:
            data = json.loads(config.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as error:
            raise ConvexSchemaError(
                f"{config}: not valid JSON ({error}); fix convex.json or remove it"
            ) from None
        functions = data.get("functions") if isinstance(data, dict) else None
        if isinstance(functions, str) and functions.strip():
            return project / functions
    return project / "convex"


def find_schema(project: Path) -> Path:
    """The schema file of the project at `project`, or a clear error."""
    if project.is_file():
        return project
    if not project.is_dir():
        raise ConvexSchemaError(
            f"{project}: no such file or directory; pass a Convex project folder "
            "with --project or a schema file with --schema"
        )
    folder = functions_dir(project)
    for name in SCHEMA_NAMES:
        candidate = folder / name
        if candidate.is_file():
            return candidate
    raise ConvexSchemaError(
        f"{project}: no schema found at {folder / 'schema.ts'}; run inside a Convex "
        "project, pass --project DIR, or name the file with --schema"
    )
