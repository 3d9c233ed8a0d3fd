"""A001: a function file that does not parse, and TypeScript that parses
although tree-sitter's grammar predates it."""

from __future__ import annotations

from pathlib import Path

from analyze_projects import analyze, found, lines

HEADER = 'import { query } from "./_generated/server";\n'


def test_a_syntax_error_is_reported_where_it_is(tmp_path: Path) -> None:
    result = analyze(
        tmp_path,
        {
            "broken.ts": HEADER
            + "export const list = query({\n"
            + "  args: {},\n"
            + '  handler: async (ctx) => ctx.db.query("messages").take(5),\n'
            + "});\n"
            + "const half = ;\n",
        },
    )
    assert lines(result, "A001") == [("convex/broken.ts", 6)]
    # What could be read still is: the function and its query.
    assert [f.name for f in result.project.functions] == ["broken:list"]


def test_newer_typescript_is_not_a_syntax_error(tmp_path: Path) -> None:
    result = analyze(
        tmp_path,
        {
            "types.ts": 'export type * from "./model";\n'
            'export type * as Model from "./model";\n'
            "export interface Box<in out T> { value: T }\n"
            "export type Reader<out T> = () => T;\n"
            "export type Pair<K, in V> = (key: K, value: V) => void;\n",
            "model.ts": "export type Id = string;\n",
        },
    )
    assert found(result, "A001") == []
