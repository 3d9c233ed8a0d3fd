"""Where the functions in `convex/` use tables, indexes and fields.

A light reading of every function file with tree-sitter, enough to tell a
migration what breaks: `ctx.db.query("t")`, `db.insert("t", {...})`,
`db.get/patch/replace/delete("t", ...)` name tables; `.withIndex("name", q =>
q.eq("field", ...))` names an index and its fields, on the table of the
query it follows; `q.field("f")` in `.filter(...)` and the keys of objects
written with insert/patch/replace name fields, and so does any `x.field`
property read (whatever `x` is: a conservative match, since a read through
`doc.field` names no table). Each use keeps its place.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tree_sitter import Node

from convex_schema.model import Span
from convex_schema.reader.syntax import SourceFile, string_value, unwrap

TABLE_METHODS = {"query", "insert", "get", "patch", "replace", "delete"}
WRITE_METHODS = {"insert", "patch", "replace"}


@dataclass(frozen=True)
class Use:
    kind: str  # table | index | field
    table: str | None
    name: str
    span: Span


def scan_project(functions: Path) -> list[Use]:
    """Every use in the function files under `functions` (not the schema)."""
    uses: list[Use] = []
    for path in sorted(functions.rglob("*.ts")):
        relative = path.relative_to(functions)
        if relative.parts[0] in ("_generated", "node_modules") or path.name in (
            "schema.ts",
            "convex.config.ts",
        ):
            continue
        file = SourceFile(str(path), path.read_bytes(), str(path))
        uses += list(_walk(file, file.tree.root_node))
    return uses


def _walk(file: SourceFile, node: Node) -> Iterator[Use]:
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "call_expression":
            yield from _call(file, current)
        elif current.type == "member_expression":
            # `doc.title`: a read of a field, on whatever table `doc` is from.
            prop = current.child_by_field_name("property")
            if prop is not None and prop.type == "property_identifier":
                yield Use("property", None, file.text(prop), file.span(prop))
        stack.extend(reversed(current.named_children))


def _method(node: Node) -> tuple[str, Node] | None:
    function = unwrap(node.child_by_field_name("function") or node)
    if function.type != "member_expression":
        return None
    prop = function.child_by_field_name("property")
    target = function.child_by_field_name("object")
    if prop is None or target is None:
        return None
    return prop.text.decode() if prop.text else "", target


def _args(node: Node) -> list[Node]:
    arguments = node.child_by_field_name("arguments")
    return (
        [c for c in arguments.named_children if c.type != "comment"]
        if arguments
        else []
    )


def _string(file: SourceFile, node: Node | None) -> str | None:
    if node is not None and node.type == "string":
        return string_value(file, node)
    return None


def _call(file: SourceFile, node: Node) -> Iterator[Use]:
    found = _method(node)
    if found is None:
        return
    method, target = found
    args = _args(node)
    first = _string(file, args[0]) if args else None
    if method in TABLE_METHODS and first is not None and _is_db(file, target):
        yield Use("table", first, first, file.span(args[0]))
        if method in WRITE_METHODS and len(args) >= 2:
            yield from _written_fields(file, first, args[-1])
    elif method == "withIndex" and first is not None:
        table = _query_table(file, target)
        yield Use("index", table, first, file.span(args[0]))
        if len(args) >= 2:
            yield from _compared_fields(file, table, args[1])
    elif method == "filter" and args:
        yield from _compared_fields(file, _query_table(file, target), args[0])


def _is_db(file: SourceFile, target: Node) -> bool:
    text = file.text(unwrap(target))
    return text == "db" or text.endswith(".db")


def _query_table(file: SourceFile, node: Node) -> str | None:
    """The table of the `db.query("t")` a chain of calls starts from."""
    current = unwrap(node)
    while current.type == "call_expression":
        found = _method(current)
        if found is None:
            return None
        method, target = found
        args = _args(current)
        if method == "query" and _is_db(file, target) and args:
            return _string(file, args[0])
        current = unwrap(target)
    return None


def _compared_fields(file: SourceFile, table: str | None, node: Node) -> Iterator[Use]:
    """`q.eq("f", ...)`, `q.gt("f", ...)` in an index range; `q.field("f")`."""
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "call_expression":
            found = _method(current)
            args = _args(current)
            if found is not None and args:
                name = _string(file, args[0])
                if name is not None and found[0] in (
                    "eq",
                    "gt",
                    "gte",
                    "lt",
                    "lte",
                    "field",
                ):
                    yield Use("field", table, name, file.span(args[0]))
        stack.extend(current.named_children)


def _written_fields(file: SourceFile, table: str, node: Node) -> Iterator[Use]:
    value = unwrap(node)
    if value.type != "object":
        return
    for item in value.named_children:
        key = item.child_by_field_name("key") if item.type == "pair" else None
        if item.type == "shorthand_property_identifier":
            key = item
        if key is not None:
            name = _string(file, key) or file.text(key)
            yield Use("field", table, name, file.span(key))


def uses_of(
    uses: list[Use], kind: str, table: str, name: str | None = None
) -> list[Use]:
    """The uses of a table, or of one of its indexes or fields (a use whose
    table could not be told counts for every table)."""
    out = []
    for use in uses:
        if use.kind != kind and not (kind == "field" and use.kind == "property"):
            continue
        if kind == "table" and use.name == table:
            out.append(use)
        elif kind != "table" and use.name == name and use.table in (table, None):
            out.append(use)
        elif kind == "field" and use.kind == "property" and use.name == name:
            out.append(use)
    return out
