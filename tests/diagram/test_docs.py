"""`convex-schema docs`: descriptions from comments, sections, stable output."""

from __future__ import annotations

from pathlib import Path

import pytest

from convex_schema.cli.main import run
from convex_schema.diagram.docs import render_docs
from convex_schema.reader import read_schema

SCHEMA = """\
import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";

export default defineSchema({
  // Everyone who signs in.
  users: defineTable({
    // The name shown to others,
    // never an email address.
    name: v.string(),
    email: v.string(), // unique; checked on sign-up
    /**
     * Settings | preferences
     * chosen by the user.
     */
    prefs: v.optional(v.object({
      theme: v.string(), /* "dark" or "light" */
    })),

    // (a blank line above keeps this apart from prefs)
    team: v.optional(v.id("teams")),
  }).index("by_email", ["email"]),
  posts: defineTable({
    author: v.id("users"),
    editors: v.array(v.id("users")),
    cover: v.optional(v.id("_storage")),
    embedding: v.array(v.number()),
  })
    .searchIndex("search_title", { searchField: "author", filterFields: ["cover"] })
    .vectorIndex("by_embedding", { vectorField: "embedding", dimensions: 3 }),
});
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    schema = tmp_path / "convex" / "schema.ts"
    schema.parent.mkdir()
    schema.write_text(SCHEMA)
    return tmp_path


def _docs(project: Path) -> str:
    schema = read_schema(project / "convex" / "schema.ts", root=project).schema
    return render_docs(schema, project, "convex/schema.ts")


def test_descriptions_come_from_comments(project: Path) -> None:
    text = _docs(project)

    assert "## users\n\nEveryone who signs in.\n" in text
    assert (
        "| `name` | `string` |  | The name shown to others, never an email "
        "address. |" in text
    )
    assert "| `email` | `string` |  | unique; checked on sign-up |" in text
    assert (
        "| `prefs` | `{ theme: string }` | yes | Settings \\| preferences chosen "
        in text
    )
    assert '| `prefs.theme` | `string` | yes | "dark" or "light" |' in text
    assert "| `team` | `Id<teams>` | yes | (a blank line above" in text


def test_indexes_and_references_both_ways(project: Path) -> None:
    text = _docs(project)
    users = text.split("## users")[1].split("## posts")[0]
    posts = text.split("## posts")[1]

    assert "| `by_email` | index | `email` |" in users
    assert "| `team` | `teams` (**not in the schema**) | zero or one |" in users
    assert "| [posts](#posts) | `author` | exactly one |" in users
    assert "| [posts](#posts) | `editors[]` | many |" in users
    assert "| `cover` | `_storage` (system table) | zero or one |" in posts
    assert "| `search_title` | search index | `author`; filters `cover` |" in posts
    assert "| `by_embedding` | vector index, 3 dimensions | `embedding` |" in posts


def test_the_overview_has_the_diagram_and_the_tables(project: Path) -> None:
    text = _docs(project)

    assert text.startswith("# Schema\n")
    assert "```mermaid\nerDiagram\n    users {\n" in text
    assert "| [users](#users) | 4 | 1 | 1 | 2 | Everyone who signs in. |" in text


def test_the_command_writes_identical_files_again(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = project / "out"
    args = ["--project", str(project), "docs", "--out", str(out)]

    assert run(args) == 0
    first = (out / "README.md").read_bytes()
    assert run(args) == 0

    assert (out / "README.md").read_bytes() == first
    assert "is up to date" in capsys.readouterr().err
    assert "from `convex/schema.ts`" in first.decode()
    assert "Everyone who signs in." in first.decode()
    assert str(project) not in first.decode()


def test_the_default_folder_is_docs_schema(project: Path) -> None:
    assert run(["--project", str(project), "docs"]) == 0

    assert (project / "docs" / "schema" / "README.md").is_file()


def test_a_missing_schema_exits_2(tmp_path: Path) -> None:
    assert run(["--project", str(tmp_path), "docs"]) == 2


def test_indexes_name_their_functions_and_tables_their_data(tmp_path: Path) -> None:
    blog = Path(__file__).resolve().parents[2] / "examples" / "blog"
    out = tmp_path / "docs"
    argv = ["--project", str(blog), "docs", "--out", str(out)]
    assert run([*argv, "--data", str(blog / "snapshot.zip")]) == 0
    text = (out / "README.md").read_text()
    assert "| `by_slug` | index | `slug` | `posts:bySlug` |" in text
    assert "| `by_status_and_published_at` | index | `status`, `publishedAt` |" in text
    assert "1,000 documents; document size p95" in text
    assert "| `slug` | 99.9% | 999 |" in text
