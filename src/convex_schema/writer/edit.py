"""Applying operations to `schema.ts` as surgical text edits.

Each operation becomes a few byte-range replacements located through the
spans the reader recorded and tree-sitter's tree of the file. Everything
outside those ranges, comments and blank lines included, stays byte for byte.
After editing, the new text is read again and compared with the operation
applied to the model, so a wrong edit is refused instead of written.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from tree_sitter import Node

from convex_schema.errors import ConvexSchemaError
from convex_schema.model import Field, Schema, Span, Table
from convex_schema.model.semantics import equal
from convex_schema.operations import (
    AddField,
    AddIndex,
    AddTable,
    ChangeValidator,
    DropField,
    DropIndex,
    DropTable,
    Operation,
    OperationError,
    RenameField,
    RenameTable,
    SetOptional,
    apply_to_schema,
)
from convex_schema.reader import ReadResult, read_schema
from convex_schema.reader.syntax import SourceFile, unwrap
from convex_schema.writer.render import (
    INDENT,
    render_field,
    render_index,
    render_key,
    render_table,
    render_validator,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TextEdit:
    """Replace bytes [start, end) with `text`."""

    start: int
    end: int
    text: str


def apply_edits(source: bytes, edits: list[TextEdit]) -> bytes:
    out = source
    for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        out = out[: edit.start] + edit.text.encode("utf-8") + out[edit.end :]
    return out


def edit_schema_file(path: Path, operations: list[Operation]) -> str:
    """The text of `path` after applying `operations` in order, checked."""
    source = path.read_bytes()
    for op in operations:
        source = _apply_one(path, source, op)
    return source.decode("utf-8")


def _apply_one(path: Path, source: bytes, op: Operation) -> bytes:
    result = read_schema(path, root=path.parent, source=source)
    editor = _Editor(SourceFile(str(path), source, path.name), result)
    edits = editor.edits(op)
    new_source = apply_edits(source, edits)
    expected = apply_to_schema(result.schema, op)
    try:
        actual = read_schema(path, root=path.parent, source=new_source).schema
    except ConvexSchemaError as error:
        raise OperationError(
            f"{op.op} on {path.name} would leave a schema that no longer evaluates "
            f"({error.message}); the file was left unchanged"
        ) from None
    changed = _tables_differing(expected, actual)
    if changed:
        raise OperationError(
            f"{op.op} on {path.name} would also change table(s) "
            f"{', '.join(changed)}, which share the edited code (a shared const or "
            "helper); make this change by hand. The file was left unchanged."
        )
    logger.info("applied %s to %s", op.op, path.name)
    return new_source


def _tables_differing(expected: Schema, actual: Schema) -> list[str]:
    """Tables whose definition differs between two schemas (order aside)."""
    names = sorted(set(expected.table_names) | set(actual.table_names))
    out = []
    for name in names:
        left, right = expected.table(name), actual.table(name)
        if left is None or right is None:
            out.append(name)
            continue
        same_indexes = sorted(map(repr, left.indexes)) == sorted(
            map(repr, right.indexes)
        )
        staged_same = (left.staged_document is None) == (right.staged_document is None)
        if left.staged_document is not None and right.staged_document is not None:
            staged_same = equal(left.staged_document, right.staged_document)
        if not (equal(left.document, right.document) and same_indexes and staged_same):
            out.append(name)
    if expected.schema_validation != actual.schema_validation:
        out.append("(schema options)")
    return out


def _identifiers(node: Node) -> list[Node]:
    found = [node] if node.type == "identifier" else []
    for child in node.named_children:
        found += _identifiers(child)
    return found


class _Editor:
    def __init__(self, file: SourceFile, result: ReadResult) -> None:
        self.file = file
        self.source = file.source
        self.result = result
        self.schema = result.schema

    # -- dispatch -------------------------------------------------------------

    def edits(self, op: Operation) -> list[TextEdit]:
        apply_to_schema(self.schema, op)  # preconditions, with clear messages
        if isinstance(op, AddTable):
            return self._add_table(op.table)
        if isinstance(op, DropTable):
            return self._remove(self._table_node(op.table))
        if isinstance(op, RenameTable):
            return self._rename_key(self._table_node(op.table), op.new_name)
        if isinstance(op, AddField):
            return self._add_field(op)
        if isinstance(op, DropField):
            return self._remove(self._field_node(op.table, op.field))
        if isinstance(op, RenameField):
            return self._rename_key(self._field_node(op.table, op.field), op.new_name)
        if isinstance(op, ChangeValidator):
            return self._change_validator(op)
        if isinstance(op, SetOptional):
            return self._set_optional(op)
        if isinstance(op, AddIndex):
            return self._add_index(op)
        return self._drop_index(op)

    # -- locating -------------------------------------------------------------

    def _node_at(self, span: Span | None, what: str) -> Node:
        if span is None or span.file != self.file.display:
            where = f" (it is defined in {span.file}:{span.line})" if span else ""
            raise OperationError(
                f"{what} is not written in {self.file.display}{where}; edit it there"
            )
        node = self.file.tree.root_node.descendant_for_byte_range(span.start, span.end)
        while node is not None and not (
            node.start_byte == span.start and node.end_byte == span.end
        ):
            node = node.parent
        if node is None:
            raise OperationError(f"cannot find {what} in {self.file.display}")
        return node

    def _table_node(self, name: str) -> Node:
        table = self.schema.table(name)
        assert table is not None
        return self._node_at(table.span, f'table "{name}"')

    def _table_value(self, name: str) -> Node:
        """The expression defining a table, following a local const."""
        node = self._table_node(name)
        if node.type == "shorthand_property_identifier":
            return self._resolve(node)
        value = node.child_by_field_name("value")
        if node.type != "pair" or value is None:
            raise OperationError(
                f'table "{name}" is not written as `name: defineTable(...)`'
            )
        return self._resolve(value)

    def _resolve(self, node: Node) -> Node:
        """Follow an identifier to the value of its top-level declaration."""
        node = unwrap(node)
        if node.type not in ("identifier", "shorthand_property_identifier"):
            return node
        name = self.file.text(node)
        for statement in self.file.tree.root_node.named_children:
            declaration = statement
            if statement.type == "export_statement":
                declaration = statement.child_by_field_name("declaration") or statement
            if declaration.type not in ("lexical_declaration", "variable_declaration"):
                continue
            for declarator in declaration.named_children:
                ident = declarator.child_by_field_name("name")
                value = declarator.child_by_field_name("value")
                if (
                    ident is not None
                    and value is not None
                    and self.file.text(ident) == name
                ):
                    return self._resolve(value)
        source = self._import_source(name)
        where = f"imported from `{source}`" if source else "not declared in this file"
        raise OperationError(
            f"`{name}` is {where}; this change must be made where it is defined"
        )

    def _import_source(self, name: str) -> str | None:
        for statement in self.file.tree.root_node.named_children:
            if statement.type != "import_statement":
                continue
            names = [self.file.text(n) for n in _identifiers(statement)]
            source = statement.child_by_field_name("source")
            if name in names and source is not None:
                return self.file.text(source).strip("'\"")
        return None

    def _table_fields_object(self, name: str) -> Node:
        call = self._table_value(name)
        while call.type == "call_expression":
            function = unwrap(call.child_by_field_name("function") or call)
            if function.type != "member_expression":
                break
            call = self._resolve(function.child_by_field_name("object") or function)
        args = call.child_by_field_name("arguments")
        first = (
            args.named_children[0] if args is not None and args.named_children else None
        )
        if first is None:
            raise OperationError(f'table "{name}" has no fields object to edit')
        return self._object_literal(self._resolve(first), f'table "{name}"')

    def _object_literal(self, node: Node, what: str) -> Node:
        node = unwrap(node)
        if node.type == "call_expression":  # v.object({...}) or v.optional(...)
            args = node.child_by_field_name("arguments")
            if args is not None and args.named_children:
                return self._object_literal(self._resolve(args.named_children[0]), what)
        if node.type != "object":
            raise OperationError(f"the fields of {what} are not an object literal here")
        return node

    def _field_node(self, table: str, path: str) -> Node:
        item = self._field(table, path)
        return self._node_at(item.span, f'field "{path}" of "{table}"')

    def _field(self, table_name: str, path: str) -> Field:
        table = self.schema.table(table_name)
        assert table is not None
        current = table.document
        item: Field | None = None
        for part in path.split("."):
            fields = getattr(current, "fields", ())
            item = next((f for f in fields if getattr(f, "name", None) == part), None)
            if item is None:
                raise OperationError(f'table "{table_name}" has no field "{path}"')
            current = item.validator
        assert item is not None
        return item

    # -- text helpers ---------------------------------------------------------

    def _line_start(self, offset: int) -> int:
        return self.source.rfind(b"\n", 0, offset) + 1

    def _indent_of(self, node: Node) -> str:
        start = self._line_start(node.start_byte)
        prefix = self.source[start : node.start_byte].decode("utf-8", "replace")
        return (
            prefix
            if prefix.strip() == ""
            else " " * (len(prefix) - len(prefix.lstrip()))
        )

    def _comma_after(self, node: Node) -> Node | None:
        sibling = node.next_sibling
        while sibling is not None and sibling.type == "comment":
            sibling = sibling.next_sibling
        return sibling if sibling is not None and sibling.type == "," else None

    def _line_end(self, offset: int) -> int:
        end = self.source.find(b"\n", offset)
        return len(self.source) if end < 0 else end

    def _remove(self, node: Node) -> list[TextEdit]:
        comma = self._comma_after(node)
        end = comma.end_byte if comma is not None else node.end_byte
        line_start = self._line_start(node.start_byte)
        before = self.source[line_start : node.start_byte]
        line_end = self._line_end(end)
        after = self.source[end:line_end].strip()
        # Alone on its line (a trailing `// comment` goes with it): drop the line.
        if before.strip() == b"" and (after == b"" or after.startswith(b"//")):
            return [TextEdit(line_start, min(line_end + 1, len(self.source)), "")]
        while end < len(self.source) and self.source[end : end + 1] in (b" ", b"\t"):
            end += 1
        return [TextEdit(node.start_byte, end, "")]

    def _rename_key(self, node: Node, new_name: str) -> list[TextEdit]:
        if node.type == "shorthand_property_identifier":
            text = f"{render_key(new_name)}: {self.file.text(node)}"
            return [TextEdit(node.start_byte, node.end_byte, text)]
        key = node.child_by_field_name("key")
        if node.type != "pair" or key is None:
            raise OperationError(
                "this name comes from a spread; rename it where it is defined"
            )
        return [TextEdit(key.start_byte, key.end_byte, render_key(new_name))]

    def _insert_into(self, obj: Node, render: str) -> list[TextEdit]:
        """Add `render` (one property) as the last property of object `obj`."""
        items = [c for c in obj.named_children if c.type != "comment"]
        indent = self._indent_of(obj)
        if not items:
            text = "{\n" + indent + INDENT + render + ",\n" + indent + "}"
            return [TextEdit(obj.start_byte, obj.end_byte, text)]
        last = items[-1]
        comma = self._comma_after(last)
        multiline = self.source[obj.start_byte : obj.end_byte].count(b"\n") > 0
        edits: list[TextEdit] = []
        if not multiline:
            anchor = comma.end_byte if comma is not None else last.end_byte
            text = (
                (" " if comma is not None else ", ") + render + ("," if comma else "")
            )
            return [TextEdit(anchor, anchor, text)]
        item_indent = self._indent_of(last)
        trailing = "," if comma is not None else ""
        after_last = comma.end_byte if comma is not None else last.end_byte
        anchor = self._line_end(after_last)
        if anchor > obj.end_byte:
            # The closing brace shares the last property's line: put the new
            # property on its own line and the brace on the next.
            text = f",\n{item_indent}{render}{trailing}\n{indent}"
            return [TextEdit(last.end_byte, obj.end_byte - 1, text)]
        if comma is None:
            edits.append(TextEdit(last.end_byte, last.end_byte, ","))
        edits.append(TextEdit(anchor, anchor, f"\n{item_indent}{render}{trailing}"))
        return edits

    def _level(self, node: Node) -> int:
        return len(self._indent_of(node)) // len(INDENT)

    # -- operations -------------------------------------------------------------

    def _tables_object(self) -> Node:
        span = self.schema.span
        if span is None or span.file != self.file.display:
            raise OperationError("defineSchema(...) is not written in the schema file")
        call = self._node_at(span, "defineSchema(...)")
        args = call.child_by_field_name("arguments")
        if call.type != "call_expression" or args is None or not args.named_children:
            raise OperationError("cannot find the tables of defineSchema(...)")
        return self._object_literal(self._resolve(args.named_children[0]), "the schema")

    def _add_table(self, table: Table) -> list[TextEdit]:
        tables = self._tables_object()
        items = [c for c in tables.named_children if c.type != "comment"]
        level = self._level(items[-1]) if items else self._level(tables) + 1
        text = f"{render_key(table.name)}: {render_table(table, level)}"
        return self._insert_into(tables, text)

    def _add_field(self, op: AddField) -> list[TextEdit]:
        parents = op.field.split(".")[:-1]
        if parents:
            parent = self._field_node(op.table, ".".join(parents))
            value = parent.child_by_field_name("value")
            if value is None:
                raise OperationError(f'"{".".join(parents)}" is not written as a field')
            obj = self._object_literal(self._resolve(value), f'"{".".join(parents)}"')
        else:
            obj = self._table_fields_object(op.table)
        items = [c for c in obj.named_children if c.type != "comment"]
        level = self._level(items[-1]) if items else self._level(obj) + 1
        name = op.field.split(".")[-1]
        return self._insert_into(
            obj, render_field(Field(name, op.validator, op.optional), level)
        )

    def _pair_value(self, table: str, path: str) -> Node:
        node = self._field_node(table, path)
        value = node.child_by_field_name("value")
        if node.type != "pair" or value is None:
            raise OperationError(
                f'field "{path}" of "{table}" comes from a spread or shorthand; '
                "edit it where it is defined"
            )
        return value

    def _change_validator(self, op: ChangeValidator) -> list[TextEdit]:
        item = self._field(op.table, op.field)
        value = self._pair_value(op.table, op.field)
        text = render_validator(op.validator, self._level(value))
        if item.optional:
            text = f"v.optional({text})"
        return [TextEdit(value.start_byte, value.end_byte, text)]

    def _set_optional(self, op: SetOptional) -> list[TextEdit]:
        item = self._field(op.table, op.field)
        value = self._pair_value(op.table, op.field)
        if item.optional == op.optional:
            return []
        text = self.file.text(value)
        if op.optional:
            return [TextEdit(value.start_byte, value.end_byte, f"v.optional({text})")]
        inner = unwrap(value)
        function = inner.child_by_field_name("function")
        args = inner.child_by_field_name("arguments")
        if (
            inner.type != "call_expression"
            or function is None
            or not self.file.text(function).endswith("optional")
            or args is None
            or not args.named_children
        ):
            raise OperationError(
                f'field "{op.field}" is optional through `{text}`; make it required '
                "there"
            )
        return [
            TextEdit(
                value.start_byte, value.end_byte, self.file.text(args.named_children[0])
            )
        ]

    def _add_index(self, op: AddIndex) -> list[TextEdit]:
        value = self._table_value(op.table)
        table = self.schema.table(op.table)
        assert table is not None
        call = render_index(op.index)
        last_call = table.indexes[-1].span if table.indexes else None
        if last_call is not None and last_call.file == self.file.display:
            dot_line = self._line_start(last_call.start)
            if self.source[dot_line : last_call.start].strip() == b"":
                indent = self.source[dot_line : last_call.start].decode()
                return [TextEdit(last_call.end, last_call.end, f"\n{indent}{call}")]
            return [TextEdit(last_call.end, last_call.end, call)]
        return [TextEdit(value.end_byte, value.end_byte, call)]

    def _drop_index(self, op: DropIndex) -> list[TextEdit]:
        table = self.schema.table(op.table)
        assert table is not None
        index = table.index(op.name)
        assert index is not None
        span = index.span
        if span is None or span.file != self.file.display:
            raise OperationError(
                f'index "{op.name}" is not written in {self.file.display}'
            )
        start = span.start
        line_start = self._line_start(start)
        if self.source[line_start:start].strip() == b"":
            start = line_start - 1  # the newline before a chained call on its own line
        return [TextEdit(start, span.end, "")]
