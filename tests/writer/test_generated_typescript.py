"""Every schema.ts we render is accepted by the real `convex` package (same
export JSON) and typechecks with `tsc --strict`."""

from __future__ import annotations

import shutil

from convex_schema.reader import read_schema
from convex_schema.writer.render import render_schema

from support import ROOT, fixture_schemas, run_oracle, run_tsc

GENERATED = ROOT / "tests" / ".generated" / "rendered"


def _render_all() -> dict[str, dict[str, object]]:
    shutil.rmtree(GENERATED, ignore_errors=True)
    expected: dict[str, dict[str, object]] = {}
    for path in fixture_schemas():
        name = path.parts[-3] if path.parent.name == "convex" else path.parts[-4]
        out = GENERATED / name / "schema.ts"
        out.parent.mkdir(parents=True)
        schema = read_schema(path).schema
        out.write_text(render_schema(schema))
        expected[str(out.relative_to(ROOT))] = schema.to_json()
    return expected


def test_rendered_schemas_match_the_package_and_typecheck() -> None:
    expected = _render_all()
    oracle = run_oracle([ROOT / p for p in expected])
    for path, schema_json in expected.items():
        record = oracle[ROOT / path]
        assert record.get("export") == schema_json, (path, record.get("error"))

    done = run_tsc(GENERATED, "**/*.ts")
    assert done.returncode == 0, done.stdout[-3000:]
