"""Every schema rule, by code: sources that trigger it and close ones that do not.

Each case is a small `convex/schema.ts`. In a triggering case, every line the
rule must point at ends with the marker comment `// <-`; the test asserts the
rule reports exactly those lines, and that no rule outside the case's
expected set fires. A valid case must check clean.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from convex_schema.check import RULES, Rule
from convex_schema.diagnostics import Diagnostic, Severity

CheckSource = Callable[[str], list[Diagnostic]]

MARK = "// <-"
HEADER = (
    'import { defineSchema, defineTable } from "convex/server";\n'
    'import { v } from "convex/values";\n'
    "\n"
)
NO_VALIDATION = "{ schemaValidation: false }"
RULE_BY_CODE: dict[str, Rule] = {r.code: r for r in RULES}


def schema(tables: str, options: str = "") -> str:
    """A whole schema.ts around the table entries in `tables`."""
    body = textwrap.indent(textwrap.dedent(tables).strip("\n"), "  ")
    tail = f", {options}" if options else ""
    return f"{HEADER}export default defineSchema({{\n{body}\n}}{tail});\n"


def marked_lines(source: str) -> set[int]:
    return {n for n, line in enumerate(source.splitlines(), 1) if MARK in line}


@dataclass(frozen=True)
class Case:
    code: str
    name: str
    source: str
    also: frozenset[str] = frozenset()

    @property
    def id(self) -> str:
        return f"{self.code}-{self.name}"


def bad(
    code: str, name: str, tables: str, *, also: tuple[str, ...] = (), options: str = ""
) -> Case:
    """A source that triggers `code` on its marked lines (and only `also`)."""
    return Case(code, name, schema(tables, options), frozenset(also))


def good(code: str, name: str, tables: str, *, options: str = "") -> Case:
    """A source close to a triggering one, on which no rule fires."""
    return Case(code, name, schema(tables, options))


# -- generated sources ---------------------------------------------------------


def _mark(mark: bool) -> str:
    return f" {MARK}" if mark else ""


def many_tables(count: int, mark: bool) -> str:
    """`count` tables, ten to a line; the marker sits on `defineSchema(`."""
    entries = [f"t{i}: defineTable({{}})," for i in range(count)]
    lines = [" ".join(entries[i : i + 10]) for i in range(0, count, 10)]
    body = "\n".join(f"  {line}" for line in lines)
    return f"{HEADER}export default defineSchema({{{_mark(mark)}\n{body}\n}});\n"


def string_fields(names: list[str]) -> str:
    return "\n".join(f"  {name}: v.string()," for name in names)


def many_indexes(db: int, search: int = 0, mark: bool = False) -> str:
    names = [f"f{i}" for i in range(db + search)]
    indexes = [f'  .index("by_{n}", ["{n}"])' for n in names[:db]]
    indexes += [
        f'  .searchIndex("search_{n}", {{ searchField: "{n}" }})' for n in names[db:]
    ]
    body = "\n".join(indexes)
    return f"wide: defineTable({{{_mark(mark)}\n{string_fields(names)}\n}})\n{body},"


def wide_index(count: int, mark: bool) -> str:
    names = [f"f{i}" for i in range(count)]
    listed = ", ".join(f'"{n}"' for n in names)
    return (
        f"events: defineTable({{\n{string_fields(names)}\n}})\n"
        f'  .index("by_everything", [{listed}]),{_mark(mark)}'
    )


def many_filters(count: int, kind: str, mark: bool) -> str:
    names = [f"f{i}" for i in range(count)]
    listed = ", ".join(f'"{n}"' for n in names)
    if kind == "search":
        index = (
            f'.searchIndex("search_body", {{ searchField: "body", '
            f"filterFields: [{listed}] }})"
        )
    else:
        index = (
            '.vectorIndex("by_embedding", { vectorField: "embedding", '
            f"dimensions: 1536, filterFields: [{listed}] }})"
        )
    return (
        "docs: defineTable({\n"
        "  body: v.string(),\n"
        "  embedding: v.array(v.float64()),\n"
        f"{string_fields(names)}\n"
        f"}})\n  {index},{_mark(mark)}"
    )


def many_search_indexes(count: int, mark: bool) -> str:
    names = [f"s{i}" for i in range(count)]
    indexes = "\n".join(
        f'  .searchIndex("search_{n}", {{ searchField: "{n}" }})' for n in names
    )
    fields = string_fields(names)
    return f"articles: defineTable({{{_mark(mark)}\n{fields}\n}})\n{indexes},"


def many_vector_indexes(count: int, mark: bool) -> str:
    names = [f"e{i}" for i in range(count)]
    fields = "\n".join(f"  {n}: v.array(v.float64())," for n in names)
    indexes = "\n".join(
        f'  .vectorIndex("by_{n}", {{ vectorField: "{n}", dimensions: 768 }})'
        for n in names
    )
    return f"chunks: defineTable({{{_mark(mark)}\n{fields}\n}})\n{indexes},"


def deep_table(depth: int, kind: str, mark: bool) -> str:
    """A table whose documents nest `depth` levels (the document counts as 1)."""
    if kind == "object":
        inner = "v.string()"
        for level in range(depth, 1, -1):
            inner = f"v.object({{ level{level}: {inner} }})"
        return f"deep: defineTable({{ level1: {inner} }}),{_mark(mark)}"
    if kind == "array":
        inner = "v.number()"
        for _ in range(depth - 1):
            inner = f"v.array({inner})"
        return f"tensors: defineTable({{ data: {inner} }}),{_mark(mark)}"
    # Records and objects alternate; nullable unions add no level.
    inner = "v.boolean()"
    for level in range(depth - 1):
        if level % 2:
            inner = f"v.record(v.string(), {inner})"
        else:
            inner = f"v.nullable(v.object({{ node: {inner} }}))"
    return f"trees: defineTable({{ root: {inner} }}),{_mark(mark)}"


LONG = "a" * 64  # the longest identifier Convex accepts
TOO_LONG = "a" * 65


# -- the cases -------------------------------------------------------------------

TRIGGERS: list[Case] = [
    # S101 invalid-table-name
    bad(
        "S101",
        "hyphen",
        """
        posts: defineTable({ title: v.string() }),
        "blog-posts": defineTable({ title: v.string() }), // <-
        """,
    ),
    bad(
        "S101",
        "leading-digit",
        """
        "2fa_codes": defineTable({ code: v.string(), expiresAt: v.number() }), // <-
        """,
    ),
    bad(
        "S101",
        "too-long",
        f"""
        {TOO_LONG}: defineTable({{ title: v.string() }}), // <-
        """,
    ),
    bad(
        "S101",
        "space-and-dot",
        """
        "user profiles": defineTable({ bio: v.string() }), // <-
        "audit.log": defineTable({ action: v.string() }), // <-
        """,
    ),
    # S102 reserved-table-name
    bad(
        "S102",
        "underscore",
        """
        _migrations: defineTable({ name: v.string(), done: v.boolean() }), // <-
        """,
    ),
    bad(
        "S102",
        "system-table-redefined",
        """
        files: defineTable({ storageId: v.id("_storage") }),
        _storage: defineTable({ sha256: v.string() }), // <-
        """,
    ),
    # S103 too-many-tables
    Case("S103", "10001-tables", many_tables(10_001, mark=True)),
    # S104 invalid-field-name
    bad(
        "S104",
        "top-level-hyphen",
        """
        users: defineTable({
          "first-name": v.string(), // <-
          email: v.string(),
        }),
        """,
    ),
    bad(
        "S104",
        "nested-space",
        """
        users: defineTable({
          name: v.string(),
          address: v.object({
            street: v.string(),
            "zip code": v.string(), // <-
          }),
        }),
        """,
    ),
    bad(
        "S104",
        "nested-all-underscores",
        """
        users: defineTable({
          meta: v.object({ ___: v.string() }), // <-
        }),
        """,
    ),
    bad(
        "S104",
        "too-long",
        f"""
        users: defineTable({{
          {TOO_LONG}: v.string(), // <-
        }}),
        """,
    ),
    bad(
        "S104",
        "in-array-of-objects",
        """
        orders: defineTable({
          items: v.array(v.object({ "sku#": v.string(), qty: v.number() })), // <-
        }),
        """,
    ),
    bad(
        "S104",
        "in-union-document",
        """
        shapes: defineTable(
          v.union(
            v.object({ kind: v.literal("circle"), radius: v.number() }),
            v.object({ kind: v.literal("rect"), "width-px": v.number() }), // <-
          ),
        ),
        """,
    ),
    bad(
        "S104",
        "in-staged-fields",
        """
        users: defineTable({ name: v.string() }).staged({
          "display-name": v.string(), // <-
        }),
        """,
    ),
    # S105 reserved-field-name
    bad(
        "S105",
        "top-level",
        """
        users: defineTable({
          name: v.string(),
          _secret: v.string(), // <-
        }),
        """,
    ),
    bad(
        "S105",
        "all-underscores",
        """
        users: defineTable({
          name: v.string(),
          __: v.string(), // <-
        }),
        """,
        also=("S104",),
    ),
    bad(
        "S105",
        "in-union-document",
        """
        events: defineTable(
          v.union(
            v.object({ type: v.literal("click"), x: v.number() }),
            v.object({ type: v.literal("key"), _key: v.string() }), // <-
          ),
        ),
        """,
    ),
    # S106 declared-system-field
    bad(
        "S106",
        "id",
        """
        posts: defineTable({
          _id: v.id("posts"), // <-
          title: v.string(),
        }),
        """,
    ),
    bad(
        "S106",
        "creation-time",
        """
        posts: defineTable({
          title: v.string(),
          _creationTime: v.number(), // <-
        }),
        """,
    ),
    # S201 invalid-index-name
    bad(
        "S201",
        "hyphen",
        """
        posts: defineTable({ author: v.string() })
          .index("by-author", ["author"]), // <-
        """,
    ),
    bad(
        "S201",
        "leading-digit",
        """
        posts: defineTable({ author: v.string(), title: v.string() })
          .index("by_title", ["title"])
          .index("2nd_author", ["author"]), // <-
        """,
    ),
    bad(
        "S201",
        "too-long",
        f"""
        posts: defineTable({{ author: v.string() }})
          .index("{TOO_LONG}", ["author"]), // <-
        """,
    ),
    bad(
        "S201",
        "search-index",
        """
        posts: defineTable({ body: v.string() })
          .searchIndex("search body", { searchField: "body" }), // <-
        """,
    ),
    bad(
        "S201",
        "vector-index",
        """
        chunks: defineTable({ embedding: v.array(v.float64()) })
          .vectorIndex("by-embedding", { // <-
            vectorField: "embedding",
            dimensions: 1536,
          }),
        """,
    ),
    # S202 reserved-index-name
    bad(
        "S202",
        "by-id",
        """
        posts: defineTable({ slug: v.string() })
          .index("by_id", ["slug"]), // <-
        """,
    ),
    bad(
        "S202",
        "by-creation-time",
        """
        posts: defineTable({ createdAt: v.number() })
          .index("by_creation_time", ["createdAt"]), // <-
        """,
    ),
    bad(
        "S202",
        "underscore",
        """
        posts: defineTable({ author: v.string() })
          .index("_by_author", ["author"]), // <-
        """,
    ),
    # S203 duplicate-index-name
    bad(
        "S203",
        "two-db-indexes",
        """
        tasks: defineTable({ owner: v.string(), status: v.string() })
          .index("by_owner", ["owner"])
          .index("by_owner", ["owner", "status"]), // <-
        """,
    ),
    bad(
        "S203",
        "db-and-search",
        """
        posts: defineTable({ title: v.string() })
          .index("title", ["title"])
          .searchIndex("title", { searchField: "title" }), // <-
        """,
    ),
    bad(
        "S203",
        "staged",
        """
        tasks: defineTable({ owner: v.string(), status: v.string() })
          .index("by_status", ["status"])
          .index("by_status", { fields: ["owner", "status"], staged: true }), // <-
        """,
    ),
    # S204 too-many-indexes
    Case("S204", "33-db-indexes", schema(many_indexes(33, mark=True))),
    Case("S204", "30-db-3-search", schema(many_indexes(30, 3, mark=True))),
    # S205 too-many-index-fields
    Case("S205", "16-fields", schema(wide_index(16, mark=True))),
    # S206 empty-index
    bad(
        "S206",
        "empty-list",
        """
        tasks: defineTable({ owner: v.string() })
          .index("by_nothing", []), // <-
        """,
    ),
    bad(
        "S206",
        "empty-fields-option",
        """
        tasks: defineTable({ owner: v.string() })
          .index("by_owner", ["owner"])
          .index("by_nothing", { fields: [] }), // <-
        """,
    ),
    # S207 repeated-index-field
    bad(
        "S207",
        "repeated",
        """
        tasks: defineTable({ owner: v.string(), status: v.string() })
          .index("by_owner_status_owner", ["owner", "status", "owner"]), // <-
        """,
    ),
    bad(
        "S207",
        "nested-path",
        """
        tasks: defineTable({ meta: v.object({ team: v.string() }) })
          .index("by_team", ["meta.team", "meta.team"]), // <-
        """,
    ),
    # S208 index-on-system-field
    bad(
        "S208",
        "creation-time",
        """
        posts: defineTable({ author: v.string() })
          .index("by_author", ["author", "_creationTime"]), // <-
        """,
    ),
    bad(
        "S208",
        "id",
        """
        posts: defineTable({ author: v.string() })
          .index("by_id_author", ["_id", "author"]), // <-
        """,
    ),
    bad(
        "S208",
        "nested-underscore",
        """
        posts: defineTable({ meta: v.object({ _version: v.number() }) })
          .index("by_version", ["meta._version"]), // <-
        """,
    ),
    bad(
        "S208",
        "search-filter",
        """
        posts: defineTable({ body: v.string() })
          .searchIndex("search_body", { // <-
            searchField: "body",
            filterFields: ["_creationTime"],
          }),
        """,
    ),
    # S209 invalid-index-path
    bad(
        "S209",
        "hyphen-in-any",
        """
        contacts: defineTable({ data: v.any() })
          .index("by_first_name", ["data.first-name"]), // <-
        """,
    ),
    bad(
        "S209",
        "empty-component",
        """
        contacts: defineTable({ data: v.any() })
          .index("by_name", ["data..name"]), // <-
        """,
    ),
    bad(
        "S209",
        "search-filter-in-record",
        """
        docs: defineTable({
          body: v.string(),
          labels: v.record(v.string(), v.string()),
        })
          .searchIndex("search_body", { // <-
            searchField: "body",
            filterFields: ["labels.a b"],
          }),
        """,
    ),
    bad(
        "S209",
        "space-missing-field",
        """
        contacts: defineTable({ name: v.string() })
          .index("by_name", ["full name"]), // <-
        """,
    ),
    # S210 duplicate-index-fields
    bad(
        "S210",
        "same-fields",
        """
        posts: defineTable({ author: v.string() })
          .index("by_author", ["author"])
          .index("by_writer", ["author"]), // <-
        """,
    ),
    bad(
        "S210",
        "staged-copy",
        """
        posts: defineTable({ author: v.string(), status: v.string() })
          .index("by_author_status", ["author", "status"])
          .index("by_author_status_v2", { // <-
            fields: ["author", "status"],
            staged: true,
          }),
        """,
    ),
    # S211 index-field-missing
    bad(
        "S211",
        "db-index",
        """
        posts: defineTable({ author: v.id("users"), title: v.string() })
          .index("by_author", ["authorId"]), // <-
        users: defineTable({ name: v.string() }),
        """,
    ),
    bad(
        "S211",
        "nested-path",
        """
        posts: defineTable({ meta: v.object({ lang: v.string() }) })
          .index("by_locale", ["meta.locale"]), // <-
        """,
    ),
    bad(
        "S211",
        "path-into-array",
        """
        posts: defineTable({ tags: v.array(v.object({ name: v.string() })) })
          .index("by_tag", ["tags.name"]), // <-
        """,
    ),
    bad(
        "S211",
        "search-field",
        """
        posts: defineTable({ title: v.string() })
          .searchIndex("search_body", { searchField: "body" }), // <-
        """,
    ),
    bad(
        "S211",
        "filter-field",
        """
        posts: defineTable({ body: v.string() })
          .searchIndex("search_body", { // <-
            searchField: "body",
            filterFields: ["channel"],
          }),
        """,
    ),
    bad(
        "S211",
        "vector-field",
        """
        chunks: defineTable({ text: v.string() })
          .vectorIndex("by_embedding", { // <-
            vectorField: "embedding",
            dimensions: 1536,
          }),
        """,
    ),
    bad(
        "S211",
        "validation-explicitly-on",
        """
        posts: defineTable({ title: v.string() })
          .index("by_author", ["author"]), // <-
        """,
        options="{ schemaValidation: true }",
    ),
    # S301 search-field-not-string
    bad(
        "S301",
        "number",
        """
        posts: defineTable({ title: v.string(), views: v.number() })
          .searchIndex("search_views", { searchField: "views" }), // <-
        """,
    ),
    bad(
        "S301",
        "array-of-strings",
        """
        posts: defineTable({ tags: v.array(v.string()) })
          .searchIndex("search_tags", { searchField: "tags" }), // <-
        """,
    ),
    bad(
        "S301",
        "number-literal-union",
        """
        posts: defineTable({ rating: v.union(v.literal(1), v.literal(2), v.null()) })
          .searchIndex("search_rating", { searchField: "rating" }), // <-
        """,
    ),
    # S302 too-many-search-indexes
    Case("S302", "5-search-indexes", schema(many_search_indexes(5, mark=True))),
    # S303 too-many-filter-fields
    Case("S303", "search-17", schema(many_filters(17, "search", mark=True))),
    Case("S303", "vector-17", schema(many_filters(17, "vector", mark=True))),
    # S304 duplicate-search-index
    bad(
        "S304",
        "same-filters-other-order",
        """
        messages: defineTable({
          body: v.string(),
          channel: v.string(),
          author: v.string(),
        })
          .searchIndex("search_body", {
            searchField: "body",
            filterFields: ["channel", "author"],
          })
          .searchIndex("search_body_2", { // <-
            searchField: "body",
            filterFields: ["author", "channel"],
          }),
        """,
    ),
    bad(
        "S304",
        "no-filters",
        """
        messages: defineTable({ body: v.string() })
          .searchIndex("search_body", { searchField: "body" })
          .searchIndex("search_body_again", { // <-
            searchField: "body",
            filterFields: [],
          }),
        """,
    ),
    # S305 too-many-vector-indexes
    Case("S305", "5-vector-indexes", schema(many_vector_indexes(5, mark=True))),
    # S306 vector-field-not-float-array
    bad(
        "S306",
        "array-of-strings",
        """
        chunks: defineTable({ embedding: v.array(v.string()) })
          .vectorIndex("by_embedding", { // <-
            vectorField: "embedding",
            dimensions: 1536,
          }),
        """,
    ),
    bad(
        "S306",
        "string",
        """
        chunks: defineTable({ embedding: v.string() })
          .vectorIndex("by_embedding", { // <-
            vectorField: "embedding",
            dimensions: 1536,
          }),
        """,
    ),
    bad(
        "S306",
        "array-of-int64",
        """
        chunks: defineTable({ embedding: v.array(v.int64()) })
          .vectorIndex("by_embedding", { // <-
            vectorField: "embedding",
            dimensions: 1536,
          }),
        """,
    ),
    bad(
        "S306",
        "nullable-number",
        """
        chunks: defineTable({ embedding: v.nullable(v.number()) })
          .vectorIndex("by_embedding", { // <-
            vectorField: "embedding",
            dimensions: 1536,
          }),
        """,
    ),
    # S307 vector-dimensions-out-of-range
    bad(
        "S307",
        "one",
        """
        chunks: defineTable({ embedding: v.array(v.float64()) })
          .vectorIndex("by_embedding", { // <-
            vectorField: "embedding",
            dimensions: 1,
          }),
        """,
    ),
    bad(
        "S307",
        "4097",
        """
        chunks: defineTable({ embedding: v.array(v.float64()) })
          .vectorIndex("by_embedding", { // <-
            vectorField: "embedding",
            dimensions: 4097,
          }),
        """,
    ),
    bad(
        "S307",
        "fraction",
        """
        chunks: defineTable({ embedding: v.array(v.float64()) })
          .vectorIndex("by_embedding", { // <-
            vectorField: "embedding",
            dimensions: 1536.5,
          }),
        """,
    ),
    bad(
        "S307",
        "negative",
        """
        chunks: defineTable({ embedding: v.array(v.float64()) })
          .vectorIndex("by_embedding", { // <-
            vectorField: "embedding",
            dimensions: -768,
          }),
        """,
    ),
    # S308 duplicate-vector-index
    bad(
        "S308",
        "same-field-and-dimensions",
        """
        chunks: defineTable({ embedding: v.array(v.float64()), source: v.string() })
          .vectorIndex("by_embedding", { vectorField: "embedding", dimensions: 1536 })
          .vectorIndex("by_embedding_source", { // <-
            vectorField: "embedding",
            dimensions: 1536,
            filterFields: ["source"],
          }),
        """,
    ),
    # S401 invalid-document-type
    bad(
        "S401",
        "string",
        """
        settings: defineTable(v.string()), // <-
        """,
    ),
    bad(
        "S401",
        "array-of-objects",
        """
        batches: defineTable(v.array(v.object({ id: v.string() }))), // <-
        """,
    ),
    bad(
        "S401",
        "union-with-null",
        """
        profiles: defineTable(
          v.union( // <-
            v.object({ name: v.string() }),
            v.null(),
          ),
        ),
        """,
    ),
    bad(
        "S401",
        "staged-validator",
        """
        settings: defineTable({ theme: v.string() }).staged(v.string()), // <-
        """,
    ),
    # S402 invalid-record-key
    bad(
        "S402",
        "literal-key",
        """
        prices: defineTable({
          byCurrency: v.record(v.literal("a"), v.number()), // <-
        }),
        """,
    ),
    bad(
        "S402",
        "literal-union-key",
        """
        pages: defineTable({
          titles: v.record(v.union(v.literal("en"), v.literal("fr")), v.string()), // <-
        }),
        """,
    ),
    bad(
        "S402",
        "number-key",
        """
        scores: defineTable({
          byLevel: v.record(v.number(), v.number()), // <-
        }),
        """,
    ),
    bad(
        "S402",
        "nested",
        """
        games: defineTable({
          rounds: v.array(v.object({
            points: v.record(v.boolean(), v.number()), // <-
          })),
        }),
        """,
    ),
    # S403 unknown-id-table
    bad(
        "S403",
        "typo",
        """
        users: defineTable({ name: v.string() }),
        posts: defineTable({
          title: v.string(),
          authorId: v.id("user"), // <-
        }),
        """,
    ),
    bad(
        "S403",
        "nested-and-optional",
        """
        teams: defineTable({ name: v.string() }),
        projects: defineTable({
          members: v.array(v.object({ userId: v.id("members") })), // <-
          reviewer: v.optional(v.id("reviewers")), // <-
        }),
        """,
    ),
    bad(
        "S403",
        "not-a-system-table",
        """
        uploads: defineTable({ fileId: v.id("_files") }), // <-
        """,
        also=("S404",),
    ),
    # S404 invalid-id-table-name
    bad(
        "S404",
        "empty",
        """
        posts: defineTable({ authorId: v.id("") }), // <-
        """,
    ),
    bad(
        "S404",
        "hyphen",
        """
        posts: defineTable({
          profileId: v.id("user-profiles"), // <-
        }),
        """,
        also=("S403",),
    ),
    # S405 special-float-literal
    bad(
        "S405",
        "nan",
        """
        readings: defineTable({
          value: v.union(v.number(), v.literal(NaN)), // <-
        }),
        """,
    ),
    bad(
        "S405",
        "infinities",
        """
        ranges: defineTable({
          low: v.union(v.number(), v.literal(-Infinity)), // <-
          high: v.union(v.number(), v.literal(Infinity)), // <-
        }),
        """,
    ),
    # S406 empty-union
    bad(
        "S406",
        "field",
        """
        posts: defineTable({
          title: v.string(),
          status: v.union(), // <-
        }),
        """,
    ),
    bad(
        "S406",
        "nested-optional",
        """
        posts: defineTable({
          tags: v.optional(v.array(v.union())), // <-
        }),
        """,
    ),
    # S407 nesting-too-deep
    Case("S407", "objects-17", schema(deep_table(17, "object", mark=True))),
    Case("S407", "arrays-17", schema(deep_table(17, "array", mark=True))),
    Case("S407", "records-objects-17", schema(deep_table(17, "mixed", mark=True))),
]


VALID: list[Case] = [
    good(
        "S101",
        "identifiers",
        f"""
        blog_posts: defineTable({{ title: v.string() }}),
        BlogPosts2: defineTable({{ title: v.string() }}),
        {LONG}: defineTable({{ title: v.string() }}),
        """,
    ),
    good(
        "S102",
        "trailing-underscore",
        """
        migrations_: defineTable({ name: v.string(), done: v.boolean() }),
        files: defineTable({ storageId: v.id("_storage") }),
        """,
    ),
    Case("S103", "10000-tables", many_tables(10_000, mark=False)),
    good(
        "S104",
        "identifiers-and-record",
        f"""
        users: defineTable({{
          firstName: v.string(),
          {LONG}: v.string(),
          address: v.object({{ zipCode: v.string(), _version: v.number() }}),
          labels: v.record(v.string(), v.string()),
        }}).staged({{ displayName: v.string() }}),
        """,
    ),
    good(
        "S105",
        "no-underscore",
        """
        users: defineTable({
          name: v.string(),
          secret: v.string(),
          meta: v.object({ _internal: v.boolean() }),
        }),
        """,
    ),
    good(
        "S106",
        "similar-names",
        """
        posts: defineTable({
          id: v.string(),
          creationTime: v.number(),
        }),
        """,
    ),
    good(
        "S201",
        "identifier",
        f"""
        posts: defineTable({{ author: v.string(), body: v.string() }})
          .index("by_author", ["author"])
          .index("{LONG}", ["author", "body"])
          .searchIndex("search_body", {{ searchField: "body" }}),
        """,
    ),
    good(
        "S202",
        "similar-names",
        """
        posts: defineTable({ slug: v.string(), createdAt: v.number() })
          .index("by_identifier", ["slug"])
          .index("by_created_at", ["createdAt"]),
        """,
    ),
    good(
        "S203",
        "same-name-on-two-tables",
        """
        tasks: defineTable({ owner: v.string() }).index("by_owner", ["owner"]),
        notes: defineTable({ owner: v.string() }).index("by_owner", ["owner"]),
        """,
    ),
    Case("S204", "32-indexes", schema(many_indexes(29, 3))),
    Case("S205", "15-fields", schema(wide_index(15, mark=False))),
    good(
        "S206",
        "one-field",
        """
        tasks: defineTable({ owner: v.string() })
          .index("by_owner", { fields: ["owner"] }),
        """,
    ),
    good(
        "S207",
        "distinct-fields",
        """
        tasks: defineTable({ owner: v.string(), status: v.string() })
          .index("by_owner_status", ["owner", "status"]),
        """,
    ),
    good(
        "S208",
        "own-fields",
        """
        posts: defineTable({
          author: v.string(),
          createdAt: v.number(),
          meta: v.object({ version: v.number() }),
        })
          .index("by_author", ["author", "createdAt"])
          .index("by_version", ["meta.version"]),
        """,
    ),
    good(
        "S209",
        "path-into-any",
        """
        contacts: defineTable({ data: v.any() })
          .index("by_first_name", ["data.firstName"])
          .index("by_address_city", ["data.address.city"]),
        """,
    ),
    good(
        "S210",
        "prefix-and-other-order",
        """
        posts: defineTable({ author: v.string(), status: v.string() })
          .index("by_author", ["author"])
          .index("by_author_status", ["author", "status"])
          .index("by_status_author", ["status", "author"]),
        """,
    ),
    good(
        "S211",
        "fields-exist",
        """
        posts: defineTable({
          title: v.string(),
          meta: v.optional(v.object({ lang: v.string() })),
          embedding: v.array(v.float64()),
        })
          .index("by_lang", ["meta.lang"])
          .searchIndex("search_title", {
            searchField: "title",
            filterFields: ["meta.lang"],
          })
          .vectorIndex("by_embedding", { vectorField: "embedding", dimensions: 1536 }),
        """,
    ),
    good(
        "S211",
        "field-in-one-union-member",
        """
        events: defineTable(
          v.union(
            v.object({ kind: v.literal("click"), target: v.string() }),
            v.object({ kind: v.literal("view"), page: v.string() }),
          ),
        ).index("by_page", ["page"]),
        """,
    ),
    good(
        "S211",
        "validation-off",
        """
        posts: defineTable({ author: v.id("users"), title: v.string() })
          .index("by_author", ["authorId"]),
        users: defineTable({ name: v.string() }),
        """,
        options=NO_VALIDATION,
    ),
    good(
        "S301",
        "stringish",
        """
        posts: defineTable({
          body: v.string(),
          summary: v.optional(v.string()),
          status: v.union(v.literal("draft"), v.literal("live")),
          subtitle: v.nullable(v.string()),
        })
          .searchIndex("search_body", { searchField: "body" })
          .searchIndex("search_summary", { searchField: "summary" })
          .searchIndex("search_status", { searchField: "status" })
          .searchIndex("search_subtitle", { searchField: "subtitle" }),
        """,
    ),
    Case("S302", "4-search-indexes", schema(many_search_indexes(4, mark=False))),
    Case("S303", "search-16", schema(many_filters(16, "search", mark=False))),
    Case("S303", "vector-16", schema(many_filters(16, "vector", mark=False))),
    good(
        "S304",
        "different-search-fields",
        """
        messages: defineTable({
          body: v.string(),
          subject: v.string(),
          channel: v.string(),
        })
          .searchIndex("search_body", {
            searchField: "body",
            filterFields: ["channel"],
          })
          .searchIndex("search_subject", {
            searchField: "subject",
            filterFields: ["channel"],
          }),
        """,
    ),
    Case("S305", "4-vector-indexes", schema(many_vector_indexes(4, mark=False))),
    good(
        "S306",
        "float-arrays",
        """
        chunks: defineTable({
          a: v.array(v.float64()),
          b: v.optional(v.array(v.number())),
          c: v.union(v.array(v.float64()), v.null()),
        })
          .vectorIndex("by_a", { vectorField: "a", dimensions: 1536 })
          .vectorIndex("by_b", { vectorField: "b", dimensions: 1536 })
          .vectorIndex("by_c", { vectorField: "c", dimensions: 1536 }),
        """,
    ),
    good(
        "S306",
        "validation-off",
        """
        chunks: defineTable({ embedding: v.array(v.string()) })
          .vectorIndex("by_embedding", { vectorField: "embedding", dimensions: 1536 }),
        """,
        options=NO_VALIDATION,
    ),
    good(
        "S307",
        "bounds",
        """
        chunks: defineTable({
          small: v.array(v.float64()),
          large: v.array(v.float64()),
          openai: v.array(v.float64()),
        })
          .vectorIndex("by_small", { vectorField: "small", dimensions: 2 })
          .vectorIndex("by_large", { vectorField: "large", dimensions: 4096 })
          .vectorIndex("by_openai", { vectorField: "openai", dimensions: 1536.0 }),
        """,
    ),
    good(
        "S308",
        "other-dimensions",
        """
        chunks: defineTable({ embedding: v.array(v.float64()) })
          .vectorIndex("by_embedding_768", {
            vectorField: "embedding",
            dimensions: 768,
          })
          .vectorIndex("by_embedding_1536", {
            vectorField: "embedding",
            dimensions: 1536,
          }),
        """,
    ),
    good(
        "S401",
        "object-union-any",
        """
        settings: defineTable(v.object({ theme: v.string() })),
        shapes: defineTable(
          v.union(
            v.object({ kind: v.literal("circle"), radius: v.number() }),
            v.object({ kind: v.literal("square"), side: v.number() }),
          ),
        ),
        blobs: defineTable(v.any()),
        """,
    ),
    good(
        "S402",
        "string-and-id-keys",
        """
        users: defineTable({ name: v.string() }),
        teams: defineTable({ name: v.string() }),
        scores: defineTable({
          byName: v.record(v.string(), v.number()),
          byUser: v.record(v.id("users"), v.number()),
          byOwner: v.record(v.union(v.id("users"), v.id("teams")), v.boolean()),
        }),
        """,
    ),
    good(
        "S403",
        "known-and-system-tables",
        """
        posts: defineTable({
          authorId: v.id("users"),
          imageId: v.optional(v.id("_storage")),
          jobId: v.id("_scheduled_functions"),
        }),
        users: defineTable({ name: v.string() }),
        """,
    ),
    good(
        "S404",
        "identifier",
        """
        user_profiles: defineTable({ bio: v.string() }),
        posts: defineTable({ profileId: v.id("user_profiles") }),
        """,
    ),
    good(
        "S405",
        "finite-literals",
        """
        readings: defineTable({
          zero: v.literal(0),
          negativeZero: v.literal(-0),
          half: v.literal(1.5),
          big: v.literal(9007199254740993n),
          max: v.literal(1.7976931348623157e308),
        }),
        """,
    ),
    good(
        "S406",
        "one-member",
        """
        posts: defineTable({
          status: v.union(v.literal("draft")),
          title: v.union(v.string(), v.null()),
        }),
        """,
    ),
    Case("S407", "objects-16", schema(deep_table(16, "object", mark=False))),
    Case("S407", "arrays-16", schema(deep_table(16, "array", mark=False))),
    Case("S407", "records-objects-16", schema(deep_table(16, "mixed", mark=False))),
]


# -- the tests ---------------------------------------------------------------------


@pytest.mark.parametrize("case", TRIGGERS, ids=lambda c: c.id)
def test_rule_fires_on_marked_lines(case: Case, check_source: CheckSource) -> None:
    found = check_source(case.source)
    assert {d.code for d in found} == {case.code, *case.also}, [
        f"{d.code} {d.location()}: {d.message}" for d in found
    ]
    hits = [d for d in found if d.code == case.code]
    marked = marked_lines(case.source)
    assert marked, "a triggering case marks the lines the rule points at"
    assert {d.span.line for d in hits if d.span} == marked
    rule = RULE_BY_CODE[case.code]
    for diagnostic in hits:
        assert diagnostic.span is not None
        assert diagnostic.span.file == "schema.ts"
        assert diagnostic.severity is rule.severity
        assert diagnostic.message
        assert diagnostic.hint


@pytest.mark.parametrize("case", VALID, ids=lambda c: c.id)
def test_rule_quiet_on_valid_source(case: Case, check_source: CheckSource) -> None:
    assert MARK not in case.source
    found = check_source(case.source)
    assert [f"{d.code} {d.location()}: {d.message}" for d in found] == []


def test_every_rule_has_a_triggering_and_a_valid_case() -> None:
    codes = {r.code for r in RULES}
    assert codes - {c.code for c in TRIGGERS} == set(), (
        "rules without a triggering case"
    )
    assert codes - {c.code for c in VALID} == set(), "rules without a valid case"


def test_cases_name_existing_rules() -> None:
    codes = {r.code for r in RULES}
    for case in TRIGGERS + VALID:
        assert case.code in codes, case.id
        assert case.also <= codes, case.id
        assert case.code not in case.also, case.id
    ids = [c.id for c in TRIGGERS] + [c.id for c in VALID]
    assert len(ids) == len(set(ids))


def test_rule_codes_are_unique_and_documented() -> None:
    codes = [r.code for r in RULES]
    assert len(codes) == len(set(codes))
    names = [r.name for r in RULES]
    assert len(names) == len(set(names))
    for r in RULES:
        assert re.fullmatch(r"S\d{3}", r.code), r.code
        assert r.summary.strip(), r.code
        assert r.name.strip(), r.code
        assert isinstance(r.severity, Severity)


def test_severities_of_the_softer_rules() -> None:
    assert RULE_BY_CODE["S106"].severity is Severity.INFO
    assert RULE_BY_CODE["S403"].severity is Severity.WARNING
    assert RULE_BY_CODE["S406"].severity is Severity.WARNING
    assert RULE_BY_CODE["S301"].severity is Severity.WARNING
    softer = {"S106", "S301", "S403", "S406"}
    assert all(r.severity is Severity.ERROR for r in RULES if r.code not in softer)


VALIDATION_DEPENDENT = [
    pytest.param(
        "S211",
        """
        posts: defineTable({ title: v.string() })
          .index("by_author", ["author"])
          .searchIndex("search_body", {
            searchField: "body",
            filterFields: ["channel"],
          }),
        """,
        id="S211",
    ),
    pytest.param(
        "S306",
        """
        chunks: defineTable({ embedding: v.array(v.string()) })
          .vectorIndex("by_embedding", { vectorField: "embedding", dimensions: 1536 }),
        """,
        id="S306",
    ),
]


@pytest.mark.parametrize(("code", "tables"), VALIDATION_DEPENDENT)
def test_schema_validation_option_turns_rule_off(
    code: str, tables: str, check_source: CheckSource
) -> None:
    for options in (
        "",
        "{ schemaValidation: true }",
        "{ strictTableNameTypes: false }",
    ):
        codes = {d.code for d in check_source(schema(tables, options))}
        assert code in codes, options
    for options in (
        NO_VALIDATION,
        "{ schemaValidation: false, strictTableNameTypes: false }",
    ):
        codes = {d.code for d in check_source(schema(tables, options))}
        assert code not in codes, options


def test_unknown_id_table_suggests_close_name(check_source: CheckSource) -> None:
    found = check_source(
        schema(
            """
            users: defineTable({ name: v.string() }),
            posts: defineTable({ authorId: v.id("user"), editorId: v.id("zzzq") }),
            """
        )
    )
    hints = {d.message: d.hint for d in found if d.code == "S403"}
    assert len(hints) == 2
    assert any(h == 'Did you mean v.id("users")?' for h in hints.values())
    assert any(
        h == "Add the table to the schema or fix the name." for h in hints.values()
    )


def test_index_on_creation_time_hint(check_source: CheckSource) -> None:
    (found,) = check_source(
        schema(
            """
            posts: defineTable({ author: v.string() })
              .index("by_author", ["author", "_creationTime"]),
            """
        )
    )
    assert found.code == "S208"
    assert found.hint is not None
    assert "_creationTime" in found.hint


def test_record_key_messages(check_source: CheckSource) -> None:
    found = check_source(
        schema(
            """
            prices: defineTable({
              a: v.record(v.literal("a"), v.number()),
              b: v.record(v.number(), v.number()),
            }),
            """
        )
    )
    messages = [d.message for d in found if d.code == "S402"]
    assert len(messages) == 2
    assert "string literal keys" in messages[0]
    assert "must be strings" in messages[1]


def test_diagnostics_are_sorted_by_position(check_source: CheckSource) -> None:
    found = check_source(
        schema(
            """
            _jobs: defineTable({ _owner: v.string() }),
            posts: defineTable({ status: v.union(), ref: v.id("nope") })
              .index("by_id", ["ref"]),
            """
        )
    )
    positions = [(d.span.line, d.span.column) for d in found if d.span]
    assert positions == sorted(positions)
    assert [d.code for d in found] == ["S102", "S105", "S406", "S403", "S202"]


# -- known rule bugs: each test states the behaviour the rule should have ---------
#
# The backend behaviour cited is that of get-convex/convex-backend,
# crates/common/src/schemas/{json,mod,validator}.rs.


def lines_of(found: list[Diagnostic], code: str) -> list[int]:
    return sorted(d.span.line for d in found if d.code == code and d.span)


def test_reserved_field_in_staged_document(check_source: CheckSource) -> None:
    source = schema(
        """
        users: defineTable({ name: v.string() }).staged({
          _secret: v.string(), // <-
        }),
        """
    )
    assert lines_of(check_source(source), "S105") == sorted(marked_lines(source))


def test_index_on_empty_union_field_exists(check_source: CheckSource) -> None:
    found = check_source(
        schema(
            """
            posts: defineTable({ status: v.union() })
              .index("by_status", ["status"]),
            """
        )
    )
    assert [d.code for d in found] == ["S406"]


def test_index_path_into_record_is_missing(check_source: CheckSource) -> None:
    source = schema(
        """
        contacts: defineTable({ labels: v.record(v.string(), v.string()) })
          .index("by_team_label", ["labels.team"]), // <-
        """
    )
    assert lines_of(check_source(source), "S211") == sorted(marked_lines(source))


def test_search_indexes_with_same_field_and_other_filters(
    check_source: CheckSource,
) -> None:
    source = schema(
        """
        messages: defineTable({
          body: v.string(),
          channel: v.string(),
          author: v.string(),
        })
          .searchIndex("search_body", {
            searchField: "body",
            filterFields: ["channel"],
          })
          .searchIndex("search_body_by_author", { // <-
            searchField: "body",
            filterFields: ["author"],
          }),
        """
    )
    assert lines_of(check_source(source), "S304") == sorted(marked_lines(source))


def test_vector_field_array_of_any(check_source: CheckSource) -> None:
    found = check_source(
        schema(
            """
            chunks: defineTable({ embedding: v.array(v.any()) })
              .vectorIndex("by_embedding", {
                vectorField: "embedding",
                dimensions: 1536,
              }),
            """
        )
    )
    assert [f"{d.code} {d.message}" for d in found] == []


STAGED_DUPLICATES = [
    pytest.param("S104", '"first-name": v.string(),', id="S104"),
    pytest.param("S402", 'prices: v.record(v.literal("a"), v.number()),', id="S402"),
    pytest.param("S403", 'ownerId: v.id("user"),', id="S403"),
    pytest.param("S405", "value: v.literal(NaN),", id="S405"),
    pytest.param("S406", "status: v.union(),", id="S406"),
]


@pytest.mark.parametrize(("code", "field"), STAGED_DUPLICATES)
def test_staged_table_reports_unchanged_field_once(
    code: str, field: str, check_source: CheckSource
) -> None:
    source = schema(
        f"""
        users: defineTable({{ name: v.string() }}),
        accounts: defineTable({{
          {field} // <-
        }}).staged({{ plan: v.string() }}),
        """
    )
    assert lines_of(check_source(source), code) == sorted(marked_lines(source))
