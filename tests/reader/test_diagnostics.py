"""Each reader diagnostic (R001-R007) on a small source: its code, its place
(line and column of the offending token) and a message and hint that help."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from convex_schema.diagnostics import Diagnostic, Severity
from convex_schema.errors import ConvexSchemaError
from convex_schema.reader import read_schema

HEAD = (
    'import { defineSchema, defineTable } from "convex/server";\n'
    'import { v } from "convex/values";\n'
)


def schema(body: str) -> str:
    return HEAD + body


@dataclass(frozen=True)
class Case:
    id: str
    files: dict[str, str]
    code: str
    # Where the span starts: in `file`, the `offset`-th character of the first
    # occurrence of `needle` (after `after`, when given).
    needle: str
    offset: int = 0
    file: str = "schema.ts"
    after: str = ""
    message: tuple[str, ...] = ()
    hint: tuple[str, ...] = ()


CASES = [
    # -- R001: syntax errors ---------------------------------------------------
    Case(
        "R001-unclosed-call",
        {
            "schema.ts": schema(
                "export default defineSchema({\n"
                "  t: defineTable({ a: v.string( }),\n"
                "});\n"
            )
        },
        "R001",
        needle="v.string( }",
        offset=8,
        message=("syntax error", "`(`"),
        hint=("tsc",),
    ),
    Case(
        "R001-stray-token",
        {
            "schema.ts": schema(
                "export default defineSchema({\n"
                "  t: defineTable({ a: v.string() @ }),\n"
                "});\n"
            )
        },
        "R001",
        needle="@",
        message=("syntax error", "`@`"),
        hint=("tsc",),
    ),
    Case(
        "R001-in-imported-file",
        {
            "schema.ts": schema(
                'import { shared } from "./shared";\n'
                "export default defineSchema({ t: defineTable({ a: shared }) });\n"
            ),
            "shared.ts": (
                'import { v } from "convex/values";\n'
                "export const shared = v.object({ x: v.string() # });\n"
            ),
        },
        "R001",
        file="shared.ts",
        needle="#",
        message=("syntax error", "`#`"),
    ),
    # -- R002: not statically evaluable (a warning; v.any() stands in) ---------
    Case(
        "R002-process-env",
        {
            "schema.ts": schema(
                "export default defineSchema({\n"
                "  t: defineTable({ a: process.env.X ? v.string() : v.number() }),\n"
                "});\n"
            )
        },
        "R002",
        needle="process.env.X ?",
        message=('"a"', "process.env.X", "statically"),
        hint=("v.any()",),
    ),
    # -- R003: missing module or export ----------------------------------------
    Case(
        "R003-missing-module",
        {
            "schema.ts": schema(
                'import { fields } from "./nope";\n'
                "export default defineSchema({ t: defineTable(fields) });\n"
            )
        },
        "R003",
        needle="fields",
        message=("./nope",),
        hint=("path",),
    ),
    Case(
        "R003-missing-export",
        {
            "schema.ts": schema(
                'import { other, missing } from "./lib";\n'
                "export default defineSchema({\n"
                "  t: defineTable({ a: missing, b: other }),\n"
                "});\n"
            ),
            "lib.ts": (
                'import { v } from "convex/values";\nexport const other = v.string();\n'
            ),
        },
        "R003",
        needle="missing",
        message=("`missing`", "lib.ts"),
        hint=("Export",),
    ),
    # -- R004: circular references ----------------------------------------------
    Case(
        "R004-import-cycle",
        {
            "schema.ts": schema(
                'import { a } from "./a";\n'
                "export default defineSchema({ t: defineTable({ a }) });\n"
            ),
            "a.ts": (
                'import { v } from "convex/values";\n'
                'import { b } from "./b";\n'
                "export const a = v.object({ b });\n"
            ),
            "b.ts": (
                'import { v } from "convex/values";\n'
                'import { a } from "./a";\n'
                "export const b = v.array(a);\n"
            ),
        },
        "R004",
        file="a.ts",
        needle="a = v.object",
        message=("`a`", "circular"),
        hint=("circular imports",),
    ),
    Case(
        "R004-self-reference",
        {
            "schema.ts": schema(
                "const tree = v.object({ children: v.array(tree) });\n"
                "export default defineSchema({ t: defineTable({ tree }) });\n"
            )
        },
        "R004",
        needle="tree = ",
        message=("`tree`", "still being defined"),
    ),
    # -- R005: undefined validators and values ----------------------------------
    Case(
        "R005-field-undefined",
        {
            "schema.ts": schema(
                "export default defineSchema({\n"
                "  t: defineTable({ a: v.string(), b: undefined }),\n"
                "});\n"
            )
        },
        "R005",
        needle="b: undefined",
        message=('"b"', "undefined"),
        hint=("circular imports",),
    ),
    Case(
        "R005-undefined-argument",
        {
            "schema.ts": schema(
                "const nothing = undefined;\n"
                "export default defineSchema({\n"
                "  t: defineTable({ a: v.array(nothing) }),\n"
                "});\n"
            )
        },
        "R005",
        needle=".array(nothing)",
        message=("undefined", "v.array()"),
    ),
    Case(
        "R005-member-of-undefined",
        {
            "schema.ts": schema(
                "const nothing = undefined;\n"
                "export default defineSchema({\n"
                "  t: defineTable({ a: nothing.fields }),\n"
                "});\n"
            )
        },
        "R005",
        needle="nothing.fields",
        message=("`fields`", "undefined"),
    ),
    # -- R006: arguments the convex package throws on -----------------------------
    Case(
        "R006-misspelled-validator",
        {
            "schema.ts": schema(
                "export default defineSchema({\n"
                "  t: defineTable({ a: v.strin() }),\n"
                "});\n"
            )
        },
        "R006",
        needle="v.strin()",
        message=("v.strin",),
        hint=("v.string",),
    ),
    Case(
        "R006-record-optional-values",
        {
            "schema.ts": schema(
                "export default defineSchema({\n"
                "  t: defineTable({\n"
                "    a: v.record(v.string(), v.optional(v.string())),\n"
                "  }),\n"
                "});\n"
            )
        },
        "R006",
        needle=".record(",
        message=("Record validator cannot have optional values",),
    ),
    Case(
        "R006-staged-twice",
        {
            "schema.ts": schema(
                "export default defineSchema({\n"
                "  t: defineTable({ a: v.string() })\n"
                "    .staged({ b: v.string() })\n"
                "    .staged({ c: v.string() }),\n"
                "});\n"
            )
        },
        "R006",
        needle=".staged(",
        after="b: v.string()",
        message=("more than one staged",),
    ),
    Case(
        "R006-table-not-defineTable",
        {
            "schema.ts": schema(
                "export default defineSchema({\n"
                "  ok: defineTable({ a: v.string() }),\n"
                "  posts: { title: v.string() },\n"
                "});\n"
            )
        },
        "R006",
        needle="posts:",
        message=('"posts"', "not defineTable"),
        hint=("defineTable(...)",),
    ),
    Case(
        "R006-not-a-function",
        {
            "schema.ts": schema(
                "const notFn = 3;\n"
                "export default defineSchema({\n"
                "  t: defineTable({ a: notFn() }),\n"
                "});\n"
            )
        },
        "R006",
        needle="notFn()",
        message=("not a function",),
    ),
    # -- R007: no `export default defineSchema(...)` -----------------------------
    Case(
        "R007-no-default-export",
        {"schema.ts": schema("export const s = defineSchema({});\n")},
        "R007",
        needle="import",
        message=("no default export",),
        hint=("export default defineSchema",),
    ),
    Case(
        "R007-default-is-a-number",
        {"schema.ts": schema("export default 42;\n")},
        "R007",
        needle="42",
        message=("a number", "defineSchema"),
        hint=("export default defineSchema",),
    ),
    # -- R009: a key written twice ---------------------------------------------
    Case(
        "R009-duplicate-table",
        {
            "schema.ts": schema(
                "export default defineSchema({\n"
                "  imports: defineTable({ a: v.string() }),\n"
                "  imports: defineTable({ b: v.string() }),\n"
                "});\n"
            )
        },
        "R009",
        needle="imports",
        after="v.string() }),\n",
        message=('"imports" is written twice', "TS1117"),
    ),
    Case(
        "R007-default-is-a-table",
        {
            "schema.ts": schema(
                "const t = defineTable({ a: v.string() });\nexport default t;\n"
            )
        },
        "R007",
        needle="t;",
        message=("not defineSchema",),
    ),
]


def position(
    source: str, needle: str, offset: int = 0, after: str = ""
) -> tuple[int, int]:
    """1-based line and column of `needle` (+ offset) in `source`."""
    start = source.index(after) + len(after) if after else 0
    index = source.index(needle, start) + offset
    line = source.count("\n", 0, index) + 1
    column = index - (source.rfind("\n", 0, index) + 1) + 1
    return line, column


def write(tmp_path: Path, files: dict[str, str]) -> Path:
    folder = tmp_path / "convex"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder / "schema.ts"


def diagnose(path: Path, code: str) -> Diagnostic:
    """The diagnostic with `code` from reading `path` (raised or reported)."""
    if code in ("R002", "R009"):  # reading goes on: reported, not raised
        result = read_schema(path, root=path.parent)
        matching = [d for d in result.diagnostics if d.code == code]
        assert matching, f"no {code} among {result.diagnostics}"
        return matching[0]
    with pytest.raises(ConvexSchemaError) as caught:
        read_schema(path, root=path.parent)
    error = caught.value
    assert len(error.diagnostics) == 1, error.message
    diagnostic = error.diagnostics[0]
    # The one-line message names the place first.
    assert error.message.startswith(diagnostic.location() + ": "), error.message
    assert diagnostic.message in error.message
    assert diagnostic.severity is Severity.ERROR
    return diagnostic


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_diagnostic_code_place_and_text(tmp_path: Path, case: Case) -> None:
    path = write(tmp_path, case.files)
    diagnostic = diagnose(path, case.code)

    assert diagnostic.code == case.code, diagnostic
    assert diagnostic.span is not None
    assert diagnostic.span.file == case.file
    expected = position(case.files[case.file], case.needle, case.offset, case.after)
    assert (diagnostic.span.line, diagnostic.span.column) == expected, diagnostic
    for part in case.message:
        assert part in diagnostic.message, diagnostic.message
    for part in case.hint:
        assert diagnostic.hint is not None
        assert part in diagnostic.hint, diagnostic.hint


def test_every_reader_code_is_covered() -> None:
    assert {c.code for c in CASES} == {f"R00{n}" for n in range(1, 8)} | {"R009"}


def test_r002_reads_with_a_warning_and_any_stand_in(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        {
            "schema.ts": schema(
                "export default defineSchema({\n"
                "  t: defineTable({\n"
                "    a: process.env.X ? v.string() : v.number(),\n"
                "    b: v.string(),\n"
                "  }),\n"
                "});\n"
            )
        },
    )
    result = read_schema(path, root=path.parent)
    assert [d.code for d in result.diagnostics] == ["R002"]
    assert result.diagnostics[0].severity is Severity.WARNING
    (table,) = result.schema.to_json()["tables"]
    fields = table["documentType"]["value"]
    assert fields["a"] == {"fieldType": {"type": "any"}, "optional": False}
    assert fields["b"] == {"fieldType": {"type": "string"}, "optional": False}


def test_spans_count_characters_not_bytes(tmp_path: Path) -> None:
    """A non-ASCII line before the token must not shift its column."""
    path = write(
        tmp_path,
        {
            "schema.ts": schema(
                "export default defineSchema({\n"
                '  t: defineTable({ "é€😀": v.string(), a: v.strin() }),\n'
                "});\n"
            )
        },
    )
    diagnostic = diagnose(path, "R006")
    assert diagnostic.span is not None
    source = path.read_text(encoding="utf-8")
    assert (diagnostic.span.line, diagnostic.span.column) == position(
        source, "v.strin()"
    )


def test_undefined_name_and_deep_nesting_are_located_errors(tmp_path: Path) -> None:
    header = (
        'import { defineSchema, defineTable } from "convex/server";\n'
        'import { v } from "convex/values";\n'
    )
    schema = tmp_path / "schema.ts"
    schema.write_text(
        header + "export default defineSchema({ a: defineTable(base) });\n"
    )
    with pytest.raises(ConvexSchemaError) as caught:
        read_schema(schema)
    (diagnostic,) = caught.value.diagnostics
    assert (diagnostic.code, diagnostic.span.line) == ("R005", 3)
    assert "`base` is not defined" in diagnostic.message

    deep = "v.array(" * 70 + "v.string()" + ")" * 70
    schema.write_text(
        header
        + f"export default defineSchema({{ a: defineTable({{ x: {deep} }}) }});\n"
    )
    with pytest.raises(ConvexSchemaError) as caught:
        read_schema(schema)
    assert caught.value.diagnostics[0].code == "R008"
