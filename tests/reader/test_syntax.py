"""Spans and grammar ids: the shortcuts the reader takes give what the slow
way gives, in both the TypeScript and the TSX grammar."""

from __future__ import annotations

import dataclasses

import pytest
from tree_sitter import Node

from convex_schema.model import Span
from convex_schema.reader.syntax import (
    SPAN_FIELDS,
    TSX_GRAMMAR,
    TYPESCRIPT_GRAMMAR,
    Grammar,
    SourceFile,
)

SOURCE = """\
import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";

export default defineSchema({
  posts: defineTable({
    title: v.string(), // the headline
    "body": v /* comment */ .optional(v.string()),
    tags: v.array(v.literal(`tag`)),
  }).index("by_title", ["title"]),
});
"""


def nodes(node: Node) -> list[Node]:
    found = [node]
    for child in node.children:
        found += nodes(child)
    return found


def test_span_fields_are_the_models() -> None:
    assert SPAN_FIELDS == tuple(f.name for f in dataclasses.fields(Span))


@pytest.mark.parametrize("text", [SOURCE, SOURCE.replace("headline", "tête")])
def test_spans_equal_those_the_dataclass_builds(text: str) -> None:
    file = SourceFile("schema.ts", text.encode())
    for node in nodes(file.tree.root_node):
        span = file.span(node)
        start_row, start_byte_column = node.start_point
        end_row, end_byte_column = node.end_point
        expected = Span(
            "schema.ts",
            start_row + 1,
            file.column(start_row, start_byte_column),
            end_row + 1,
            file.column(end_row, end_byte_column),
            node.start_byte,
            node.end_byte,
        )
        assert type(span) is Span
        assert span == expected
        assert hash(span) == hash(expected)
        assert repr(span) == repr(expected)


@pytest.mark.parametrize(
    ("path", "grammar"), [("schema.ts", TYPESCRIPT_GRAMMAR), ("s.tsx", TSX_GRAMMAR)]
)
def test_grammar_ids_name_the_same_nodes(path: str, grammar: Grammar) -> None:
    file = SourceFile(path, SOURCE.encode())
    assert file.grammar is grammar
    kinds = {
        "member_expression": grammar.member_expression,
        "pair": grammar.pair,
        "property_identifier": grammar.property_identifier,
        "template_string": grammar.template_string,
        ".": grammar.dot,
    }
    fields = ("arguments", "function", "key", "object", "property", "value")
    seen = set()
    for node in nodes(file.tree.root_node):
        for name, ids in kinds.items():
            assert (node.kind_id in ids) == (node.type == name)
            seen.add(node.type)
        for name in fields:
            by_id = node.child_by_field_id(getattr(grammar, name))
            by_name = node.child_by_field_name(name)
            assert (by_id.id if by_id else None) == (by_name.id if by_name else None)
    assert set(kinds) <= seen
