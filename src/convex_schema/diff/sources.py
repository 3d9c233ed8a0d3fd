"""Where a side of a diff comes from: a file, a project, or `git:REF[:path]`."""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from pathlib import Path

from convex_schema.errors import ConvexSchemaError
from convex_schema.model import Schema
from convex_schema.reader import find_schema, functions_dir, read_schema


def load_schema(spec: str, project: Path) -> Schema:
    """The schema named by `spec`: a schema file, a project folder, or
    `git:REF` / `git:REF:path/to/schema.ts` (the schema as committed)."""
    if spec.startswith("git:"):
        return _from_git(spec[4:], project)
    path = Path(spec)
    return read_schema(find_schema(path), root=Path.cwd()).schema


def _git(args: list[str], cwd: Path) -> bytes:
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, check=False, timeout=60
        )
    except FileNotFoundError:
        raise ConvexSchemaError(
            "git is not installed; name the schema file instead"
        ) from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ConvexSchemaError(
            f"git {' '.join(args[:2])}: {message[-1] if message else 'failed'}"
        )
    return done.stdout


def _from_git(spec: str, project: Path) -> Schema:
    ref, _, path_text = spec.partition(":")
    if not ref:
        raise ConvexSchemaError("write git:REF or git:REF:path, e.g. git:HEAD")
    top = Path(_git(["rev-parse", "--show-toplevel"], project).decode().strip())
    if path_text:
        schema_path = (top / path_text).resolve()
    else:
        schema_path = find_schema(project).resolve()
    folder = schema_path.parent if path_text else functions_dir(project).resolve()
    relative_folder = folder.relative_to(top)
    archive = _git(["archive", "--format=tar", ref, "--", str(relative_folder)], top)
    with tempfile.TemporaryDirectory(prefix="convex-schema-git-") as temp:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(temp, filter="data")
        target = Path(temp) / schema_path.relative_to(top)
        if not target.is_file():
            raise ConvexSchemaError(
                f"{schema_path.relative_to(top)} does not exist at {ref}"
            )
        return read_schema(target, root=Path(temp)).schema
