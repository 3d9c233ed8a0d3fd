"""The domain pattern library passes tools/check_domains.py."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from support import ROOT

sys.path.insert(0, str(ROOT / "tools"))

from check_domains import DOMAINS, check_domains, parse_type  # noqa: E402


def test_library_has_no_problems() -> None:
    assert check_domains(DOMAINS) == []


def test_library_covers_at_least_45_domains() -> None:
    assert len(list(DOMAINS.glob("*.toml"))) >= 45


@pytest.mark.parametrize(
    "text",
    [
        "string",
        "id:_storage",
        "array:id:tags",
        "literals:draft,published",
        "object:{line1:string;line2?:string;geo:object:{lat:number;lng:number}}",
        "record:string:array:number",
    ],
)
def test_type_language_parses(text: str) -> None:
    assert parse_type(text).kind == text.split(":")[0]


@pytest.mark.parametrize(
    "text",
    ["str", "id", "array:", "literals:", "object:{a:string", "record:id:users:number"],
)
def test_type_language_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="at character"):
        parse_type(text)


BROKEN = """\
name = "broken"
title = "Broken"
synonyms = ["Broken"]
summary = "A file with one of each mistake."

[[tables]]
name = "posts"
synonyms = ["post"]
why = "Posts."
core = true
fields = [
  { name = "authorId", type = "id:authors" },
  { name = "tagIds", type = "array:id:tags" },
  { name = "price", type = "number" },
  { name = "createdAt", type = "number" },
  { name = "title", type = "strng" },
  { name = "status", type = "literals:draft,published" },
]
indexes = [
  { name = "status", fields = ["status"] },
  { name = "by_title", fields = ["headline"] },
]

[[tables]]
name = "tags"
synonyms = ["post", "tag"]
why = "Tags."
core = false
fields = [{ name = "name", type = "string" }]
indexes = []
"""


def test_checker_reports_each_mistake(tmp_path: Path) -> None:
    (tmp_path / "broken.toml").write_text(BROKEN)
    problems = "\n".join(check_domains(tmp_path))

    for expected in [
        "synonym 'Broken' must be lowercase",
        "2 tables; a domain has 3 to 8",
        "synonym 'post' also names 'posts'",
        "references table 'authors', which this domain lacks",
        "an array of ids grows without bound",
        "core table references non-core table 'tags'",
        "named `priceCents`",
        "use the system field `_creationTime`",
        "unknown type 'strng'",
        "name it 'by_status'",
        "field 'headline' is not a field of the table",
    ]:
        assert expected in problems
    assert problems.startswith("broken.toml:")


def test_checker_reports_an_empty_folder(tmp_path: Path) -> None:
    assert check_domains(tmp_path) == [
        f"{tmp_path}: no domain files (*.toml); add one per domain"
    ]
