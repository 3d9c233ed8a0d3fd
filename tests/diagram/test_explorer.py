"""The explorer: one HTML file that works offline, checked in a real browser."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from convex_schema.cli.main import run
from convex_schema.diagram import explorer

ROOT = Path(__file__).resolve().parents[2]
BLOG = ROOT / "examples" / "blog"
ARTIFACTS = ROOT / "tests" / ".generated"
CHROMIUM = Path("/usr/bin/chromium")
CHECK = ROOT / "tools" / "explorer_check.mjs"

needs_assets = pytest.mark.skipif(
    not (ROOT / "src/convex_schema/diagram/assets" / explorer.LIBRARY).is_file(),
    reason="the graph library is not copied yet: run `make assets`",
)
needs_browser = pytest.mark.skipif(
    not CHROMIUM.is_file(),
    reason="Debian's Chromium is not installed (apt-get install chromium)",
)


def write_explorer(project: Path, out: Path, *extra: str) -> None:
    args = ["--project", str(project), "diagram", "--format", "html"]
    assert run([*args, "--out", str(out), *extra]) == 0


def page_data(page: str) -> dict[str, Any]:
    found = re.search(
        r'<script type="application/json" id="explorer-data">(.*?)</script>',
        page,
        re.S,
    )
    assert found is not None
    data: dict[str, Any] = json.loads(found.group(1))
    return data


@needs_assets
def test_the_page_is_self_contained(tmp_path: Path) -> None:
    out = tmp_path / "explorer.html"
    write_explorer(BLOG, out, "--data", str(BLOG / "snapshot.zip"))
    page = out.read_text(encoding="utf-8")

    assert not re.search(r'<(script|link|img)[^>]+(src|href)="https?:', page)
    assert "cytoscape" in page
    data = page_data(page)
    names = [t["name"] for t in data["tables"]]
    assert names == ["users", "posts", "comments", "postViews", "_storage"]
    assert data["analyzed"]
    assert data["measured"]


@needs_assets
def test_the_data_knows_usage_hotspots_and_statistics(tmp_path: Path) -> None:
    out = tmp_path / "explorer.html"
    write_explorer(BLOG, out, "--data", str(BLOG / "snapshot.zip"))
    tables = {t["name"]: t for t in page_data(out.read_text())["tables"]}

    posts = tables["posts"]
    assert {"filter", "collect"} <= set(posts["hotspots"])
    by_slug = [u for u in posts["functions"] if u["function"] == "posts:bySlug"]
    assert by_slug[0]["index"] == "by_slug"
    assert by_slug[0]["access"] == "read"
    writes = [u for u in tables["postViews"]["functions"] if u["access"] == "write"]
    assert {u["how"] for u in writes} == {"db.insert", "db.patch"}
    assert posts["stats"]["documents"] == 1000
    assert any(f["code"] == "A201" for f in posts["findings"])
    assert tables["_storage"]["kind"] == "system"


def test_a_missing_library_says_how_to_build_it(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(explorer, "LIBRARY", "not-there.min.js")
    args = ["--project", str(BLOG), "diagram", "--format", "html"]

    code = run([*args, "--out", str(tmp_path / "x.html")])

    assert code == 2
    assert "make assets" in capsys.readouterr().err
    assert not (tmp_path / "x.html").exists()


def test_data_is_only_for_the_explorer() -> None:
    args = ["--project", str(BLOG), "diagram", "--format", "mermaid"]
    assert run([*args, "--data", str(BLOG / "snapshot.zip")]) == 2


def run_check(spec: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed")
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec))
    done = subprocess.run(
        [node, str(CHECK), str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@needs_assets
@needs_browser
def test_the_blog_explorer_in_a_browser(tmp_path: Path) -> None:
    out = tmp_path / "blog-explorer.html"
    write_explorer(BLOG, out, "--data", str(BLOG / "snapshot.zip"))
    ARTIFACTS.mkdir(exist_ok=True)
    spec = {
        "html": str(out),
        "tables": ["users", "posts", "comments", "postViews", "_storage"],
        "pick": {
            "table": "posts",
            "fields": ["slug", "authorId", "Id<users>"],
            "indexes": ["by_slug", "by_author_and_status"],
            "query": {"function": "posts:bySlug", "index": "by_slug"},
        },
        "screenshot": str(ARTIFACTS / "explorer-blog.png"),
    }
    result = run_check(spec, tmp_path)

    assert result["tables"] == 5
    assert result["path"]["index"] == "by_slug"


def large_project(root: Path, count: int) -> None:
    """`count` tables, each referencing two others, and one query per table
    through an index (every tenth scans with `.filter` instead)."""
    tables = []
    for i in range(count):
        parent, peer = i // 2, (i * 7 + 3) % count
        tables.append(
            f"  t{i}: defineTable({{\n"
            "    name: v.string(),\n"
            f'    parentId: v.optional(v.id("t{parent}")),\n'
            f'    peers: v.array(v.id("t{peer}")),\n'
            '  }).index("by_parent", ["parentId"]),'
        )
    convex = root / "convex"
    convex.mkdir(parents=True)
    (convex / "schema.ts").write_text(
        'import { defineSchema, defineTable } from "convex/server";\n'
        'import { v } from "convex/values";\n'
        "export default defineSchema({\n" + "\n".join(tables) + "\n});\n"
    )
    queries = [
        f"export const list{i} = query({{ args: {{}}, handler: async (ctx) =>\n"
        + (
            f'  ctx.db.query("t{i}").filter((q) => q.eq(q.field("name"), "a"))'
            ".collect() });"
            if i % 10 == 0
            else f'  ctx.db.query("t{i}").withIndex("by_parent").take(10) }});'
        )
        for i in range(count)
    ]
    (convex / "queries.ts").write_text(
        'import { query } from "./_generated/server";\n' + "\n".join(queries) + "\n"
    )


@needs_assets
@needs_browser
def test_a_300_table_schema_opens_and_responds(tmp_path: Path) -> None:
    large_project(tmp_path / "big", 300)
    out = tmp_path / "big-explorer.html"
    write_explorer(tmp_path / "big", out)
    ARTIFACTS.mkdir(exist_ok=True)
    spec = {
        "html": str(out),
        "tables": [f"t{i}" for i in range(300)],
        "pick": {
            "table": "t151",
            "fields": ["name", "parentId", "Id<t75>"],
            "indexes": ["by_parent"],
            "query": {"function": "queries:list151", "index": "by_parent"},
        },
        "screenshot": str(ARTIFACTS / "explorer-300.png"),
    }
    result = run_check(spec, tmp_path)
    print(f"300 tables: {result}")  # noqa: T201 (the figures, for `pytest -s`)

    # Every table drawn, the search and the click answered; how fast is
    # measured by benchmarks/explorer.py, not asserted here.
    assert result["tables"] == 300
