"""Golden Mermaid and DOT for fixture schemas; Mermaid parsed by `mermaid`.

Regenerate the goldens with `UPDATE_GOLDEN=1 .venv/bin/pytest tests/diagram`,
and read every changed file before keeping it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from convex_schema.diagram.dot import render_dot
from convex_schema.diagram.graph import build_diagram
from convex_schema.diagram.mermaid import render_mermaid
from convex_schema.errors import UsageError
from convex_schema.model import Schema
from convex_schema.reader import read_schema

from support import FIXTURES, ROOT

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
SCHEMAS = {
    "blog": ROOT / "examples" / "blog" / "convex" / "schema.ts",
    "social": FIXTURES / "58_social_network_large" / "convex" / "schema.ts",
}
RENDERERS = {"mmd": render_mermaid, "dot": render_dot}


def _schema(name: str) -> Schema:
    return read_schema(SCHEMAS[name], root=ROOT).schema


@pytest.mark.parametrize("name", sorted(SCHEMAS))
@pytest.mark.parametrize("suffix", sorted(RENDERERS))
def test_golden(name: str, suffix: str) -> None:
    text = RENDERERS[suffix](build_diagram(_schema(name)))
    golden = GOLDEN / f"{name}.{suffix}"

    if UPDATE:
        golden.write_text(text)

    assert text == golden.read_text()


def test_mermaid_parses_with_the_mermaid_package(
    tmp_path: Path, schema_from: Callable[[str], Schema]
) -> None:
    if shutil.which("node") is None or not (ROOT / "node_modules" / "mermaid").exists():
        pytest.fail("the Mermaid check needs node and `npm ci` (make test does both)")
    odd = schema_from(
        "files: defineTable({\n"
        '  parent: v.optional(v.id("files")),\n'
        '  blob: v.id("_storage"),\n'
        '  job: v.optional(v.id("_scheduled_functions")),\n'
        '  owner: v.id("ghosts"),\n'
        '  "kebab-name": v.string(),\n'
        '  meta: v.record(v.id("files"), v.array(v.id("ghosts"))),\n'
        "  either: v.union(v.string(), v.number(), v.null()),\n"
        "}),"
    )
    files = [GOLDEN / "blog.mmd", GOLDEN / "social.mmd", tmp_path / "odd.mmd"]
    files[2].write_text(render_mermaid(build_diagram(odd)))
    broken = tmp_path / "broken.mmd"
    broken.write_text("erDiagram\n  a ||--o{ : \n")

    done = subprocess.run(
        ["node", str(ROOT / "tools" / "mermaid_parse.mjs"), *map(str, files), broken],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    results = {Path(r["file"]).name: r for r in json.loads(done.stdout)}

    for path in files:
        assert results[path.name]["ok"], results[path.name]["error"]
        assert results[path.name]["type"] == "er"
    assert not results["broken.mmd"]["ok"]


def test_dot_draws_with_graphviz(schema_from: Callable[[str], Schema]) -> None:
    if shutil.which("dot") is None:
        pytest.skip("Graphviz is not installed (.ci/run installs it)")
    text = render_dot(build_diagram(_schema("social")))

    done = subprocess.run(
        ["dot", "-Tsvg"], input=text, capture_output=True, text=True, check=False
    )

    assert done.returncode == 0
    assert "Warning" not in done.stderr
    assert "Error" not in done.stderr
    assert done.stdout.startswith("<?xml")


def test_missing_and_system_tables_are_drawn_apart(
    schema_from: Callable[[str], Schema],
) -> None:
    schema = schema_from(
        'files: defineTable({ blob: v.id("_storage"), owner: v.id("ghosts") }),'
    )
    picture = build_diagram(schema)

    mermaid = render_mermaid(picture)
    dot = render_dot(picture)

    assert picture.system == ("_storage",)
    assert picture.missing == ("ghosts",)
    assert 'ghosts["ghosts (not in the schema)"] {' in mermaid
    assert '    _storage ||--o{ files : "blob"' in mermaid
    assert (
        '"ghosts" [label="ghosts (not in the schema)|<id> _id\\l", style=dashed' in dot
    )
    assert '"files":f_blob -> "_storage":id [label="blob", arrowhead=teetee];' in dot


def test_cardinalities_become_crows_feet(schema_from: Callable[[str], Schema]) -> None:
    schema = schema_from(
        "users: defineTable({}),\n"
        "teams: defineTable({\n"
        '  owner: v.id("users"),\n'
        '  deputy: v.optional(v.id("users")),\n'
        '  members: v.array(v.id("users")),\n'
        "}),"
    )

    mermaid = render_mermaid(build_diagram(schema)).splitlines()
    dot = render_dot(build_diagram(schema))

    assert mermaid[-3:] == [
        '    users ||--o{ teams : "owner"',
        '    users |o--o{ teams : "deputy"',
        '    users }o--o{ teams : "members[]"',
    ]
    assert "arrowhead=teetee" in dot
    assert "arrowhead=teeodot" in dot
    assert "arrowhead=crowodot" in dot


def test_mermaid_types_are_one_word(schema_from: Callable[[str], Schema]) -> None:
    schema = schema_from(
        "things: defineTable({\n"
        '  owner: v.id("things"),\n'
        "  tags: v.array(v.string()),\n"
        '  kind: v.union(v.literal("a"), v.literal("b")),\n'
        "  maybe: v.union(v.number(), v.null()),\n"
        "  blob: v.optional(v.bytes()),\n"
        "}),"
    )

    lines = render_mermaid(build_diagram(schema)).splitlines()

    assert lines[1:10] == [
        "    things {",
        "        id_things _id PK",
        "        number _creationTime",
        "        id_things owner FK",
        "        string_array tags",
        "        enum kind",
        "        number_or_null maybe",
        '        bytes blob "optional"',
        "    }",
    ]


def test_tables_and_around_narrow_the_diagram() -> None:
    schema = _schema("blog")

    only = build_diagram(schema, tables=["posts", "users"])
    near = build_diagram(schema, around="postViews", depth=1)
    alone = build_diagram(schema, around="users", depth=0)

    assert [t.name for t in only.tables] == ["users", "posts"]
    assert [(r.source, r.target) for r in only.relations] == [
        ("posts", "users"),
        ("posts", "_storage"),
    ]
    assert [t.name for t in near.tables] == ["posts", "postViews"]
    assert [t.name for t in alone.tables] == ["users"]
    assert not alone.relations


def test_an_unknown_table_names_the_closest() -> None:
    with pytest.raises(UsageError, match='no table "post".*did you mean "posts"'):
        build_diagram(_schema("blog"), tables=["post"])
