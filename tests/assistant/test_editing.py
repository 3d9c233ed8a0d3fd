"""The edit engine on an existing schema: requests resolved against its names,
operations that apply to the model and, as surgical text edits, to the file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from assistant_support import prompt_file

from convex_schema.assistant.editing import edit
from convex_schema.check import check_schema
from convex_schema.diagnostics import Severity
from convex_schema.model import Float64V, IdV, Int64V, LiteralV, Schema, UnionV
from convex_schema.model.semantics import equal
from convex_schema.reader import read_schema
from convex_schema.writer.edit import edit_schema_file

EDITS = [(p["base"], p["text"]) for p in prompt_file()["prompt"] if p["kind"] == "edit"]
EXTRA = [
    ("blog", "users should have a unique username"),
    ("blog", "add a bio to users"),
    ("blog", "remove the published field from posts"),
    ("blog", "posts need a cover image"),
    ("blog", "make posts searchable by title"),
    ("blog", "rename users to authors"),
    ("blog", "each post can have many likes"),
    ("blog", "comments can be nested"),
    ("blog", "add categories; each post belongs to a category"),
    ("shop", "products should have a list of image attachments"),
    ("shop", "add a sku to products and make it unique"),
    ("shop", "change price on products to priceCents"),
    ("shop", "drop the phone field from customers"),
    ("chat", "let users edit messages, track when they were edited"),
    ("chat", "rename channels to rooms"),
    ("tasks", "add labels to tasks (many-to-many)"),
    ("tasks", "projects can have members with a role of owner or editor"),
    ("tasks", "list tasks by assignee"),
    ("saas", "organizations can have many projects"),
    ("support", "add a vector index on documents with 768 dimensions"),
    ("support", "messages can have attachments"),
]


def field(schema: Schema, table: str, name: str) -> tuple[object, bool]:
    found = schema.table(table)
    assert found is not None, f"no table {table}: {schema.table_names}"
    assert found.fields is not None
    item = found.fields.field(name)
    assert item is not None, f"no field {table}.{name}: {found.fields.names}"
    return item.validator, item.optional


def index_fields(schema: Schema, table: str) -> set[tuple[str, ...]]:
    found = schema.table(table)
    assert found is not None
    return {tuple(getattr(i, "fields", ())) for i in found.indexes}


@pytest.mark.parametrize(("base", "text"), EDITS + EXTRA)
def test_edits_apply_to_the_file_and_pass_check(
    base: str, text: str, base_file: Callable[[str], Path]
) -> None:
    path = base_file(base)
    schema = read_schema(path, root=path.parent).schema
    result = edit(text, schema)

    assert result.steps, "the request changed nothing"
    errors = [d for d in check_schema(result.schema) if d.severity is Severity.ERROR]
    assert errors == []
    assert all(step.why for step in result.steps)

    path.write_text(edit_schema_file(path, [s.operation for s in result.steps]))
    back = read_schema(path, root=path.parent).schema
    assert back.table_names == result.schema.table_names
    for mine, theirs in zip(result.schema.tables, back.tables, strict=True):
        assert equal(mine.document, theirs.document), mine.name


def test_names_resolve_against_the_schema(bases: dict[str, Schema]) -> None:
    # "authors" are the users table; "customers" are users where there is none.
    result = edit("make the email on authors optional", bases["blog"])
    assert field(result.schema, "users", "email") == (
        field(result.schema, "users", "email")[0],
        True,
    )
    assert "authors" not in result.schema.table_names

    result = edit("customers need a unique email", bases["saas"])
    assert ("email",) in index_fields(result.schema, "users")
    assert any("customers" in q for q in result.questions)


def test_rename_table_moves_the_references(bases: dict[str, Schema]) -> None:
    result = edit("rename projects to boards", bases["tasks"])

    assert "projects" not in result.schema.table_names
    assert field(result.schema, "tasks", "boardId")[0] == IdV("boards")
    assert ("boardId",) in index_fields(result.schema, "tasks")
    assert any("migration" in w for s in result.steps for w in s.warnings)


def test_rename_a_field_everywhere(bases: dict[str, Schema]) -> None:
    result = edit("rename orgId to organizationId everywhere", bases["saas"])

    for table in ("members", "invites"):
        assert field(result.schema, table, "organizationId")[0] == IdV("organizations")
    assert ("organizationId",) in index_fields(result.schema, "members")


def test_required_field_warns_about_a_backfill(bases: dict[str, Schema]) -> None:
    result = edit(
        "a phone number is required for every customer from now on", bases["shop"]
    )

    step = next(s for s in result.steps if s.operation.op == "set_optional")
    assert any("backfill" in w for w in step.warnings)


def test_type_changes(bases: dict[str, Schema]) -> None:
    result = edit("change stock on products to an int64", bases["shop"])
    assert field(result.schema, "products", "stock")[0] == Int64V()

    result = edit(
        "dueDate should be a timestamp (a number) rather than a string", bases["tasks"]
    )
    assert field(result.schema, "tasks", "dueDate") == (Float64V(), True)

    result = edit("message roles should also allow system and tool", bases["support"])
    role = field(result.schema, "messages", "role")[0]
    assert isinstance(role, UnionV)
    assert [m.value for m in role.members if isinstance(m, LiteralV)] == [
        "user",
        "assistant",
        "system",
        "tool",
    ]


def test_an_embedded_array_becomes_a_table(bases: dict[str, Schema]) -> None:
    result = edit(
        "move the order items out of the orders document into their own table",
        bases["shop"],
    )

    assert field(result.schema, "orderItems", "orderId")[0] == IdV("orders")
    assert field(result.schema, "orderItems", "productId")[0] == IdV("products")
    assert ("orderId",) in index_fields(result.schema, "orderItems")
    orders = result.schema.table("orders")
    assert orders is not None
    assert orders.fields is not None
    assert "items" not in orders.fields.names


def test_access_patterns_become_indexes(bases: dict[str, Schema]) -> None:
    result = edit("I need to list a project's open tasks quickly", bases["tasks"])
    assert ("projectId", "done") in index_fields(result.schema, "tasks")

    result = edit(
        "sort a user's conversations by the time of their latest message",
        bases["support"],
    )
    assert ("userId", "lastMessageAt") in index_fields(result.schema, "conversations")


def test_new_fields_on_existing_tables_are_optional(bases: dict[str, Schema]) -> None:
    result = edit("let users upload a profile picture", bases["chat"])

    assert field(result.schema, "users", "profilePicture") == (IdV("_storage"), True)


def test_nothing_to_do(bases: dict[str, Schema]) -> None:
    result = edit("hello there", bases["blog"])

    assert result.steps == ()
    assert result.schema == bases["blog"]


def test_a_camel_case_name_the_user_types_keeps_its_capitals(
    bases: dict[str, Schema],
) -> None:
    schema = next(iter(bases.values()))
    table = schema.tables[0].name
    result = edit(f"add a viewCount number to {table}", schema)
    added = result.schema.table(table)
    assert added is not None
    assert added.field_at("viewCount") is not None
    assert added.field_at("viewcount") is None
