"""Every schema the engine writes is one the real `convex` package agrees
with: for each design prompt of the evaluation and held-out sets the rendered
`schema.ts` (what `design --out` writes), and for each edit prompt its base
file edited in place (what `edit --apply` writes), export exactly our model's
JSON when the real package evaluates them, and typecheck with `tsc --strict`."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

from convex_schema.assistant.editing import edit
from convex_schema.assistant.engine import design
from convex_schema.reader import read_schema
from convex_schema.writer.edit import edit_schema_file
from convex_schema.writer.render import render_schema

from support import ROOT, run_oracle, run_tsc

HERE = Path(__file__).parent
WORK = ROOT / "tests" / ".generated" / "assistant-oracle"


def _prompts() -> tuple[list[dict[str, object]], dict[str, dict[str, str]]]:
    prompts: list[dict[str, object]] = []
    bases: dict[str, dict[str, str]] = {}
    for name in ("prompts.toml", "heldout.toml"):
        with (HERE / name).open("rb") as handle:
            data = tomllib.load(handle)
        prompts += data["prompt"]
        bases |= data.get("bases", {})
    return prompts, bases


def test_every_engine_schema_matches_the_package_and_typechecks() -> None:
    shutil.rmtree(WORK, ignore_errors=True)
    prompts, bases = _prompts()
    written: dict[Path, dict[str, object]] = {}
    for prompt in prompts:
        folder = WORK / str(prompt["id"]) / "convex"
        folder.mkdir(parents=True)
        path = folder / "schema.ts"
        if prompt["kind"] == "design":
            schema = design(str(prompt["text"])).schema
            path.write_text(render_schema(schema))  # what `design --out` writes
        else:
            # What `edit --apply` writes: the base file, edited in place.
            path.write_text(bases[str(prompt["base"])]["ts"])
            result = edit(str(prompt["text"]), read_schema(path).schema)
            schema = result.schema
            operations = [step.operation for step in result.steps]
            if operations:
                path.write_text(edit_schema_file(path, operations))
        written[path] = schema.to_json()
    assert len(written) >= 180
    exported = run_oracle([p.relative_to(ROOT) for p in written])
    mismatched = [
        str(path.relative_to(WORK))
        for path, expected in written.items()
        if exported[path].get("export") != expected
    ]
    assert mismatched == []
    done = run_tsc(WORK, "*/convex/schema.ts")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
