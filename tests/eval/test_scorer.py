"""The scorer on hand-made schemas, and the evaluation prompts it reads."""

from __future__ import annotations

import tomllib
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from scorer import check, count, score, type_matches, validate

from convex_schema.diagnostics import Severity
from convex_schema.reader import read_schema

from support import ROOT

PROMPTS = Path(__file__).with_name("prompts.toml")
DOMAINS = ROOT / "src" / "convex_schema" / "assistant" / "domains"


def field(validator: dict[str, Any], optional: bool = False) -> dict[str, Any]:
    return {"fieldType": validator, "optional": optional}


def table(
    name: str, fields: dict[str, Any], indexes: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    return {
        "tableName": name,
        "indexes": [
            {"indexDescriptor": n, "fields": f} for n, f in (indexes or {}).items()
        ],
        "searchIndexes": [],
        "vectorIndexes": [],
        "documentType": {"type": "object", "value": fields},
    }


STRING = {"type": "string"}
NUMBER = {"type": "number"}
STATUS = {
    "type": "union",
    "value": [{"type": "literal", "value": v} for v in ("draft", "published")],
}


@pytest.fixture
def blog() -> dict[str, Any]:
    posts = table(
        "posts",
        {
            "title": field(STRING),
            "body": field(STRING),
            "authorId": field({"type": "id", "tableName": "users"}),
            "status": field(STATUS),
            "publishedAt": field(NUMBER, optional=True),
        },
        {
            "by_author": ["authorId"],
            "by_status_and_publishedAt": ["status", "publishedAt"],
        },
    )
    posts["searchIndexes"] = [
        {
            "indexDescriptor": "search_body",
            "searchField": "body",
            "filterFields": ["status"],
        }
    ]
    comments = table(
        "comments",
        {
            "postId": field({"type": "id", "tableName": "posts"}),
            "body": field(STRING),
            "parentId": field({"type": "id", "tableName": "comments"}, optional=True),
        },
        {"by_post": ["postId"], "by_parent": ["parentId"]},
    )
    chunks = table(
        "chunks",
        {"embedding": field({"type": "array", "value": NUMBER})},
    )
    chunks["vectorIndexes"] = [
        {
            "indexDescriptor": "by_embedding",
            "vectorField": "embedding",
            "dimensions": 1536,
        }
    ]
    users = table("users", {"email": field(STRING)}, {"by_email": ["email"]})
    return {"tables": [users, posts, comments, chunks], "schemaValidation": True}


BLOG_EXPECT = {
    "tables": [["posts", "articles"], ["comments"], ["users", "authors"]],
    "fields": [
        "posts.title:string",
        "posts.authorId:id:users|authors",
        "comments.postId:id:posts",
        "comments.parentId?:id:comments",
    ],
    "indexes": ["comments:postId", "posts:authorId"],
    "absent": ["posts.createdAt"],
}


def test_a_perfect_match_scores_one(blog: dict[str, Any]) -> None:
    assert score(BLOG_EXPECT, blog) == 1.0


def test_an_empty_expectation_scores_one(blog: dict[str, Any]) -> None:
    assert score({}, blog) == 1.0


def test_a_missing_table_lowers_the_score(blog: dict[str, Any]) -> None:
    blog["tables"] = [t for t in blog["tables"] if t["tableName"] != "comments"]

    results = {item: met for _, item, met in check(BLOG_EXPECT, blog)}

    assert results["['comments']"] is False
    assert results["comments.postId:id:posts"] is False
    assert results["comments:postId"] is False
    assert score(BLOG_EXPECT, blog) == pytest.approx(6 / 10)


def test_alternatives_are_accepted(blog: dict[str, Any]) -> None:
    expect = {
        "tables": [["articles", "posts"]],
        "fields": [
            "articles|posts.content|body:string",
            "posts.authorId:id:authors|users",
            "posts.status:boolean|literals",
        ],
        "indexes": ["posts:userId|authorId"],
    }
    assert score(expect, blog) == 1.0


def test_the_optional_and_required_marks(blog: dict[str, Any]) -> None:
    expect = {
        "fields": [
            "posts.publishedAt?:number",
            "posts.title!:string",
            "posts.title?:string",
            "posts.publishedAt!:number",
        ]
    }
    assert [met for _, _, met in check(expect, blog)] == [True, True, False, False]


def test_absent_covers_tables_fields_and_indexes(blog: dict[str, Any]) -> None:
    assert score({"absent": ["drafts", "posts.body:number", "posts:slug"]}, blog) == 1
    assert score({"absent": ["posts|drafts"]}, blog) == 0
    assert score({"absent": ["posts.body"]}, blog) == 0
    assert score({"absent": ["posts:status"]}, blog) == 0


def test_index_checks_match_a_prefix(blog: dict[str, Any]) -> None:
    expect = {
        "indexes": [
            "posts:status",
            "posts:status,publishedAt",
            "posts:publishedAt",
            "posts:status,publishedAt,title",
        ]
    }
    assert [met for _, _, met in check(expect, blog)] == [True, True, False, False]


def test_search_and_vector_checks(blog: dict[str, Any]) -> None:
    expect = {
        "search": [
            "posts:body",
            "posts:body:status",
            "posts:body:authorId",
            "posts:title",
        ],
        "vector": ["chunks:embedding", "chunks:embedding:1536", "chunks:embedding:768"],
    }
    met = [met for _, _, met in check(expect, blog)]
    assert met == [True, True, False, False, True, True, False]


def test_the_design_output_wrapper_is_accepted(blog: dict[str, Any]) -> None:
    wrapped = {"schema": blog, "operations": [], "explanation": []}
    assert score(BLOG_EXPECT, wrapped) == 1.0


@pytest.mark.parametrize(
    ("spec", "validator", "expected"),
    [
        ("string", STRING, True),
        ("number", NUMBER, True),
        ("number", {"type": "bigint"}, False),
        ("int64", {"type": "bigint"}, True),
        ("boolean", {"type": "boolean"}, True),
        ("id:users", {"type": "id", "tableName": "users"}, True),
        ("id:users", {"type": "id", "tableName": "teams"}, False),
        ("id:users", STRING, False),
        ("array:string", {"type": "array", "value": STRING}, True),
        (
            "array:id:tags",
            {"type": "array", "value": {"type": "id", "tableName": "tags"}},
            True,
        ),
        ("array:number", {"type": "array", "value": STRING}, False),
        ("literals", STATUS, True),
        ("literals:draft", {"type": "literal", "value": "draft"}, True),
        ("literals:draft,published", STATUS, True),
        ("literals:draft,archived", STATUS, False),
        ("literals", {"type": "union", "value": [STRING, {"type": "null"}]}, False),
        ("object", {"type": "object", "value": {}}, True),
        ("object", STRING, False),
        ("record", {"type": "record", "keys": STRING, "values": field(STRING)}, True),
    ],
)
def test_type_matcher(spec: str, validator: dict[str, Any], expected: bool) -> None:
    assert type_matches(spec, validator) is expected


@pytest.mark.parametrize(
    "expect",
    [
        {"field": ["posts.title:string"]},
        {"fields": ["posts:title"]},
        {"fields": ["posts.title:strin"]},
        {"indexes": ["posts"]},
        {"tables": ["posts"]},
        {"vector": ["chunks:embedding:many"]},
    ],
)
def test_malformed_expectations_are_reported(expect: dict[str, Any]) -> None:
    assert validate(expect) != []


# The evaluation set itself.


def load_prompts() -> dict[str, Any]:
    with PROMPTS.open("rb") as file:
        return tomllib.load(file)


PROMPT_FILE = load_prompts()
ALL = PROMPT_FILE["prompt"]
EDITS = [p for p in ALL if p["kind"] == "edit"]


def test_the_set_is_large_and_mixed() -> None:
    kinds = Counter(p["kind"] for p in ALL)

    assert len(ALL) >= 120
    assert set(kinds) == {"design", "edit"}
    assert kinds["design"] >= 65
    assert kinds["edit"] >= 45
    assert len({p["id"] for p in ALL}) == len(ALL)


def test_design_prompts_cover_40_library_domains() -> None:
    domains = {p["domain"] for p in ALL if "domain" in p}
    library = {path.stem for path in DOMAINS.glob("*.toml")}

    assert domains <= library
    assert len(domains) >= 40
    assert any(p["kind"] == "design" and "domain" not in p for p in ALL)


@pytest.mark.parametrize("prompt", ALL, ids=[p["id"] for p in ALL])
def test_each_prompt_is_well_formed(prompt: dict[str, Any]) -> None:
    keys = {"id", "kind", "text", "expect", "domain", "base"}

    assert set(prompt) <= keys
    assert ("base" in prompt) == (prompt["kind"] == "edit")
    assert "domain" not in prompt or prompt["kind"] == "design"
    assert prompt["text"].strip()
    assert validate(prompt["expect"]) == []
    assert 3 <= count(prompt["expect"]) <= 8


def base_json(name: str, tmp_path: Path) -> dict[str, Any]:
    source = PROMPT_FILE["bases"][name]["ts"].encode()
    result = read_schema(tmp_path / "convex" / "schema.ts", source=source)
    assert [d for d in result.diagnostics if d.severity >= Severity.ERROR] == []
    return result.schema.to_json()


def test_every_base_is_used() -> None:
    assert {p["base"] for p in EDITS} == set(PROMPT_FILE["bases"])


@pytest.mark.parametrize("prompt", EDITS, ids=[p["id"] for p in EDITS])
def test_an_edit_asks_for_a_change(prompt: dict[str, Any], tmp_path: Path) -> None:
    # The base alone must fail some check, or the prompt tests nothing.
    assert score(prompt["expect"], base_json(prompt["base"], tmp_path)) < 1.0
