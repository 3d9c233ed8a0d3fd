"""References found in every kind of nesting, with their cardinality."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from convex_schema.diagram import Cardinality, TargetKind, find_relations
from convex_schema.diagram.relations import neighbourhood
from convex_schema.model import Schema

ONE, MAYBE, MANY = Cardinality.ONE, Cardinality.ZERO_OR_ONE, Cardinality.MANY

USERS = "users: defineTable({ name: v.string() }),"


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ('owner: v.id("users")', [("owner", ONE)]),
        ('owner: v.optional(v.id("users"))', [("owner", MAYBE)]),
        ('owner: v.union(v.id("users"), v.null())', [("owner", MAYBE)]),
        ('members: v.array(v.id("users"))', [("members[]", MANY)]),
        ('members: v.optional(v.array(v.id("users")))', [("members[]", MANY)]),
        ('author: v.object({ id: v.id("users") })', [("author.id", ONE)]),
        (
            'author: v.optional(v.object({ id: v.id("users") }))',
            [("author.id", MAYBE)],
        ),
        (
            'author: v.object({ id: v.optional(v.id("users")) })',
            [("author.id", MAYBE)],
        ),
        ('meta: v.record(v.string(), v.id("users"))', [("meta{}", MANY)]),
        ('meta: v.record(v.id("users"), v.number())', [("meta{key}", MANY)]),
        (
            'log: v.array(v.object({ by: v.id("users"), at: v.number() }))',
            [("log[].by", MANY)],
        ),
        (
            'grid: v.array(v.array(v.id("users")))',
            [("grid[][]", MANY)],
        ),
        (
            'by: v.union(v.object({ kind: v.literal("a"), user: v.id("users") }),'
            ' v.object({ kind: v.literal("b"), user: v.id("users") }))',
            [("by.user", ONE)],
        ),
        (
            'by: v.union(v.object({ kind: v.literal("a"), user: v.id("users") }),'
            ' v.object({ kind: v.literal("b") }))',
            [("by.user", MAYBE)],
        ),
        ("name: v.string(), count: v.number()", []),
    ],
)
def test_nesting_kinds(
    schema_from: Callable[[str], Schema],
    fields: str,
    expected: list[tuple[str, Cardinality]],
) -> None:
    schema = schema_from(f"{USERS}\nthings: defineTable({{ {fields} }}),")

    found = [r for r in find_relations(schema) if r.source == "things"]

    assert [(r.path, r.cardinality) for r in found] == expected
    assert all(r.target == "users" for r in found)
    assert all(r.target_kind is TargetKind.TABLE for r in found)


def test_a_union_of_two_tables_references_each_at_most_once(
    schema_from: Callable[[str], Schema],
) -> None:
    schema = schema_from(
        f"{USERS}\nteams: defineTable({{}}),\n"
        'things: defineTable({ owner: v.union(v.id("users"), v.id("teams")) }),'
    )

    found = [(r.path, r.target, r.cardinality) for r in find_relations(schema)]

    assert found == [("owner", "users", MAYBE), ("owner", "teams", MAYBE)]


def test_self_references_and_system_and_missing_tables(
    schema_from: Callable[[str], Schema],
) -> None:
    schema = schema_from(
        "files: defineTable({\n"
        '  parent: v.optional(v.id("files")),\n'
        '  blob: v.id("_storage"),\n'
        '  job: v.optional(v.id("_scheduled_functions")),\n'
        '  owner: v.id("ghosts"),\n'
        "}),"
    )

    found = {r.path: r for r in find_relations(schema)}

    assert found["parent"].self_reference
    assert found["parent"].target_kind is TargetKind.TABLE
    assert found["blob"].target_kind is TargetKind.SYSTEM
    assert found["job"].target_kind is TargetKind.SYSTEM
    assert found["job"].cardinality is MAYBE
    assert found["owner"].target_kind is TargetKind.MISSING
    assert not found["owner"].self_reference


def test_a_document_union_references_from_some_variants(
    schema_from: Callable[[str], Schema],
) -> None:
    schema = schema_from(
        f"{USERS}\nevents: defineTable(v.union(\n"
        '  v.object({ kind: v.literal("join"), user: v.id("users") }),\n'
        '  v.object({ kind: v.literal("ping"), user: v.id("users"), '
        'by: v.id("users") }),\n'
        ")),"
    )

    found = [(r.path, r.cardinality) for r in find_relations(schema)]

    assert found == [("user", ONE), ("by", MAYBE)]


def test_relations_carry_spans_and_fields(
    schema_from: Callable[[str], Schema],
) -> None:
    schema = schema_from(
        f'{USERS}\nposts: defineTable({{ author: v.object({{ id: v.id("users") }}) }}),'
    )

    (relation,) = find_relations(schema)

    assert relation.field == "author"
    assert relation.span is not None
    assert relation.span.line == 5
    assert relation.to_json() == {
        "source": "posts",
        "path": "author.id",
        "target": "users",
        "cardinality": "one",
        "targetKind": "table",
    }


def test_neighbourhood_follows_references_both_ways(
    schema_from: Callable[[str], Schema],
) -> None:
    schema = schema_from(
        f"{USERS}\n"
        'posts: defineTable({ author: v.id("users") }),\n'
        'comments: defineTable({ post: v.id("posts") }),\n'
        'likes: defineTable({ comment: v.id("comments") }),\n'
        "alone: defineTable({}),"
    )
    relations = find_relations(schema)

    assert neighbourhood(relations, "posts", 0) == {"posts"}
    assert neighbourhood(relations, "posts", 1) == {"posts", "users", "comments"}
    assert neighbourhood(relations, "users", 3) == {
        "users",
        "posts",
        "comments",
        "likes",
    }
