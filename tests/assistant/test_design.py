"""The design engine on many phrasings: tables, references, indexes, fields
and questions; every design passes `check` and survives render → read."""

from __future__ import annotations

from pathlib import Path

import pytest
from assistant_support import prompt_file

from convex_schema.assistant.engine import Design, design
from convex_schema.check import check_schema
from convex_schema.diagnostics import Severity
from convex_schema.model import ArrayV, Float64V, IdV, LiteralV, Schema, UnionV
from convex_schema.model.semantics import equal
from convex_schema.operations import apply_to_schema, from_json, to_json
from convex_schema.reader import read_schema
from convex_schema.writer.render import render_schema

EXTRA = [
    "I want to build a blog where authors write posts and readers can leave comments",
    "a podcast app: shows, episodes with an audio file and a duration, and listeners "
    "can subscribe to shows",
    "online store selling t-shirts: products with sizes and colors, orders, and "
    "customers with addresses",
    "a kanban app where boards have lists and lists have cards; cards can have "
    "checklists",
    "movie database: movies, actors, and a many-to-many between movies and actors "
    "with a character name",
    "employees belong to departments, each department has a manager who is an employee",
    "tournament bracket: tournaments, teams, matches between two teams with a score",
    "a shared shopping list app: lists shared with family members, items with a "
    "quantity and a checked flag",
    "github clone: repositories, issues, pull requests and stars",
    "quiz app: quizzes have ordered questions; each question has options",
    "a habit tracker where each user has habits",
    "document management: folders contain documents, documents have versions with a "
    "file",
]
DESIGNS = [p["text"] for p in prompt_file()["prompt"] if p["kind"] == "design"]


def fields(schema: Schema, table: str) -> dict[str, tuple[object, bool]]:
    found = schema.table(table)
    assert found is not None, f"no table {table}: {schema.table_names}"
    assert found.fields is not None
    return {f.name: (f.validator, f.optional) for f in found.fields.fields}


def indexes(schema: Schema, table: str) -> dict[str, tuple[str, ...]]:
    found = schema.table(table)
    assert found is not None
    return {i.name: tuple(getattr(i, "fields", ())) for i in found.indexes}


def literal_values(validator: object) -> set[object]:
    members = validator.members if isinstance(validator, UnionV) else (validator,)
    return {m.value for m in members if isinstance(m, LiteralV)}


@pytest.mark.parametrize("text", DESIGNS + EXTRA)
def test_every_design_passes_check_and_round_trips(text: str, tmp_path: Path) -> None:
    result = design(text)
    assert result.schema.tables
    problems = [d for d in check_schema(result.schema) if d.severity is Severity.ERROR]
    assert problems == []

    path = tmp_path / "schema.ts"
    path.write_text(render_schema(result.schema))
    back = read_schema(path, root=tmp_path).schema
    assert back.table_names == result.schema.table_names
    for mine, theirs in zip(result.schema.tables, back.tables, strict=True):
        assert equal(mine.document, theirs.document), mine.name
        assert mine.indexes == theirs.indexes, mine.name


@pytest.mark.parametrize("text", DESIGNS[:20] + EXTRA)
def test_the_operations_build_the_schema(text: str) -> None:
    result = design(text)
    built = Schema()
    for step in result.steps:
        op = from_json(to_json(step.operation))  # and they survive JSON
        built = apply_to_schema(built, op)
        assert step.why
    assert built.to_json() == result.schema.to_json()


def test_a_named_domain_brings_its_pattern() -> None:
    result = design("I need a blog system with posts, authors, and comments")

    assert result.domain == "blog"
    assert fields(result.schema, "posts")["authorId"] == (IdV("users"), False)
    assert fields(result.schema, "comments")["parentId"] == (IdV("comments"), True)
    assert "by_post" in indexes(result.schema, "comments")
    assert any("authors" in q and "users" in q for q in result.questions)


@pytest.mark.parametrize(
    "text",
    [
        "app for a plant nursery: plants, each plant has many watering logs, and a "
        "plant belongs to a greenhouse",
        "plants and greenhouses; a greenhouse has many plants; plants have many "
        "watering logs",
        "plants (each one belongs to a greenhouse) with watering logs per plant",
    ],
)
def test_relations_in_free_phrasing(text: str) -> None:
    result = design(text)

    assert fields(result.schema, "plants")["greenhouseId"][0] == IdV("greenhouses")
    logs = fields(result.schema, "wateringLogs")
    assert logs["plantId"][0] == IdV("plants")
    assert indexes(result.schema, "wateringLogs")["by_plant"] == ("plantId",)


@pytest.mark.parametrize(
    ("text", "join", "left", "right"),
    [
        ("tasks and tags are many-to-many", "taskTags", "taskId", "tagId"),
        ("users and teams, many-to-many", "teamMembers", "teamId", "userId"),
        (
            "books and authors; a book can have several authors",
            "bookAuthors",
            "bookId",
            "authorId",
        ),
        (
            "recipes and ingredients shared across recipes",
            "recipeIngredients",
            "recipeId",
            "ingredientId",
        ),
        (
            "gym: members and classes; members book classes",
            "bookings",
            "classId",
            "memberId",
        ),
    ],
)
def test_many_to_many_is_a_join_table(
    text: str, join: str, left: str, right: str
) -> None:
    result = design(text)

    found = fields(result.schema, join)
    assert isinstance(found[left][0], IdV)
    assert isinstance(found[right][0], IdV)
    starts = {fields_[0] for fields_ in indexes(result.schema, join).values()}
    assert {left, right} <= starts
    for table in result.schema.tables:
        for item in table.fields.fields if table.fields else ():
            arrays_of_ids = isinstance(item.validator, ArrayV) and isinstance(
                item.validator.element, IdV
            )
            assert not arrays_of_ids, f"{table.name}.{item.name}"


@pytest.mark.parametrize(
    ("text", "table", "field"),
    [
        ("comments can reply to other comments", "comments", "parentId"),
        ("messages with threaded replies", "messages", "parentId"),
        ("folders inside folders", "folders", "parentId"),
        ("pages nested under other pages", "pages", "parentId"),
        ("issues that have subtasks", "issues", "parentId"),
        (
            "employees; each employee has a manager who is also an employee",
            "employees",
            "managerId",
        ),
    ],
)
def test_self_references(text: str, table: str, field: str) -> None:
    result = design(text)

    assert fields(result.schema, table)[field] == (IdV(table), True)
    assert any(
        fields_[0] == field for fields_ in indexes(result.schema, table).values()
    )


def test_attributes_get_types_from_their_words() -> None:
    result = design(
        "events with a title, a start time, an optional end date, a price, a "
        "cover image, a website url, a published flag, tags and a capacity"
    )
    found = fields(result.schema, "events")

    assert found["startAt"][0] == Float64V()
    assert found["endAt"] == (Float64V(), True)
    assert found["priceCents"][0] == Float64V()
    assert found["coverImage"][0] == IdV("_storage")
    assert found["published"][0].kind == "boolean"
    assert found["tags"][0] == ArrayV(found["title"][0])
    assert found["capacity"][0] == Float64V()


@pytest.mark.parametrize(
    ("text", "table", "field", "values"),
    [
        (
            "orders with a status (pending, paid, shipped)",
            "orders",
            "status",
            {"pending", "paid", "shipped"},
        ),
        (
            "members whose role is one of admin, editor, viewer",
            "users",
            "role",
            {"admin", "editor", "viewer"},
        ),
        (
            "tickets have a priority of low, normal or high",
            "tickets",
            "priority",
            {"low", "normal", "high"},
        ),
        (
            "entries are one of feature, fix, or breaking",
            "entries",
            "kind",
            {"feature", "fix", "breaking"},
        ),
    ],
)
def test_enumerations_are_unions_of_literals(
    text: str, table: str, field: str, values: set[str]
) -> None:
    result = design(text)

    assert literal_values(fields(result.schema, table)[field][0]) == values


def test_unique_searchable_soft_delete_and_timestamps() -> None:
    result = design(
        "users with a unique email, an optional phone number, a searchable bio, "
        "timestamps, and soft delete"
    )
    found = fields(result.schema, "users")
    steps = {
        s.operation.index.name: s for s in result.steps if s.operation.op == "add_index"
    }  # type: ignore[attr-defined]

    assert found["email"] == (found["email"][0], False)
    assert "by_email" in steps
    assert any("no unique constraint" in w for w in steps["by_email"].warnings)
    assert found["phone"][1] is True
    assert "search_bio" in steps
    assert found["deletedAt"] == (Float64V(), True)
    assert found["updatedAt"][0] == Float64V()
    assert "createdAt" not in found


def test_vector_index_with_dimensions_and_filter() -> None:
    result = design("text chunks with 768-dimensional embeddings, filterable by user")
    chunks = result.schema.table("chunks")
    assert chunks is not None
    vector = [i for i in chunks.indexes if i.__class__.__name__ == "VectorIndex"]

    assert fields(result.schema, "chunks")["embedding"][0] == ArrayV(Float64V())
    assert [(v.dimensions, v.filter_fields) for v in vector] == [(768, ("userId",))]  # type: ignore[attr-defined]


def test_ordered_children_get_a_position_and_an_index() -> None:
    result = design("courses have ordered lessons")

    assert fields(result.schema, "lessons")["position"][0] == Float64V()
    assert ("courseId", "position") in indexes(result.schema, "lessons").values()


def test_unstated_relations_are_assumed_and_asked() -> None:
    result = design("wine cellar: wines, bottles and racks")

    assert fields(result.schema, "bottles")["wineId"][0] == IdV("wines")
    assert any("bottle belong to a wine" in q for q in result.questions)


def test_json_shape() -> None:
    data = design("a todo app").to_json()

    assert set(data) >= {"schema", "operations", "explanation", "questions"}
    assert len(data["operations"]) == len(data["explanation"])
    assert all(
        {"op", "why", "practice", "warnings"} <= set(e) for e in data["explanation"]
    )
    assert data["schema"]["tables"]


def test_design_is_deterministic() -> None:
    text = "two-sided marketplace: sellers list items, buyers place orders"
    first: Design = design(text)
    assert design(text).to_json() == first.to_json()
