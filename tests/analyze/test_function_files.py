"""Which files of the functions folder the analyzer reads, and in what order."""

from __future__ import annotations

import os
from pathlib import Path

from convex_schema.analyze.functions import function_files


def _touch(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("export {};\n")


def test_source_files_in_path_order(tmp_path: Path) -> None:
    convex = tmp_path / "convex"
    _touch(convex, "a-b.ts", "a/x.ts", "a.ts", "c.js", "d.mjs", "e.tsx", "B.ts")
    _touch(convex, "types.d.ts", "notes.json", "README.md")
    found = [p.relative_to(convex).as_posix() for p in function_files(convex)]
    # Part by part, as paths compare: the folder `a` comes before `a-b.ts`.
    assert found == ["B.ts", "a/x.ts", "a-b.ts", "a.ts", "c.js", "d.mjs", "e.tsx"]


def test_generated_dependencies_and_hidden_files_are_left_out(tmp_path: Path) -> None:
    convex = tmp_path / "convex"
    _touch(convex, "_generated/api.ts", "node_modules/pkg/index.js")
    _touch(convex, ".hidden/h.ts", ".env.ts", "keep.ts")
    # Only the top folder's `_generated` is Convex's generated code.
    _touch(convex, "lib/_generated/kept.ts")
    found = [p.relative_to(convex).as_posix() for p in function_files(convex)]
    assert found == ["keep.ts", "lib/_generated/kept.ts"]


def test_links(tmp_path: Path) -> None:
    convex = tmp_path / "convex"
    _touch(convex, "real.ts")
    _touch(tmp_path / "elsewhere", "far.ts")
    os.symlink(tmp_path / "elsewhere", convex / "linked")
    os.symlink(convex / "real.ts", convex / "alias.ts")
    os.symlink(tmp_path / "missing.ts", convex / "broken.ts")
    found = [p.relative_to(convex).as_posix() for p in function_files(convex)]
    # A link to a file is read; a broken link and a linked folder are not.
    assert found == ["alias.ts", "real.ts"]
