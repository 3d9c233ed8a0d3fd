"""The project's settings for one part of the tool: the `[SECTION]` table of
`convex-schema.toml`, else `[tool.convex-schema.SECTION]` in `pyproject.toml`
(DESIGN.md: configuration files, then environment, then flags)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from convex_schema.errors import ConvexSchemaError


def project_settings(project: Path, section: str) -> tuple[dict[str, Any], str] | None:
    """The section's table and the file it came from, or None when neither
    file has a non-empty one. A file that is not valid TOML is an error."""
    for name, keys in (
        ("convex-schema.toml", (section,)),
        ("pyproject.toml", ("tool", "convex-schema", section)),
    ):
        path = project / name
        if not path.is_file():
            continue
        try:
            data: Any = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise ConvexSchemaError(f"{path}: not valid TOML: {error}") from None
        for key in keys:
            data = data.get(key, {}) if isinstance(data, dict) else {}
        if data:
            return data, str(path)
    return None
