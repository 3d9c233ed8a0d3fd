"""Render → read gives back the same model, for every fixture."""

from __future__ import annotations

from pathlib import Path

import pytest

from convex_schema.model import Field, ObjectV, Schema, StringV, Table
from convex_schema.reader import read_schema
from convex_schema.writer.render import render_schema

from support import fixture_schemas


@pytest.mark.parametrize("path", fixture_schemas(), ids=lambda p: p.parts[-3])
def test_render_then_read_gives_the_same_schema(path: Path, tmp_path: Path) -> None:
    schema = read_schema(path).schema
    out = tmp_path / "schema.ts"
    out.write_text(render_schema(schema))
    again = read_schema(out)
    assert again.schema.to_json() == schema.to_json()
    assert again.diagnostics == ()


def test_render_is_idiomatic() -> None:
    users = Table(
        "users",
        ObjectV((Field("name", StringV()), Field("bio", StringV(), optional=True))),
    )
    text = render_schema(Schema((users,)))
    assert text == (
        'import { defineSchema, defineTable } from "convex/server";\n'
        'import { v } from "convex/values";\n'
        "\n"
        "export default defineSchema({\n"
        "  users: defineTable({\n"
        "    name: v.string(),\n"
        "    bio: v.optional(v.string()),\n"
        "  }),\n"
        "});\n"
    )
