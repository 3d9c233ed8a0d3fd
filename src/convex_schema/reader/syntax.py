"""Tree-sitter's TypeScript grammar, and reading literals off its nodes."""

from __future__ import annotations

import bisect
import functools
import re

import tree_sitter_typescript
from tree_sitter import Language, Node, Parser, Tree

from convex_schema.model.span import Span

TYPESCRIPT = Language(tree_sitter_typescript.language_typescript())
TSX = Language(tree_sitter_typescript.language_tsx())

# Wrappers that only carry TypeScript types; evaluation looks through them.
TYPE_WRAPPERS = frozenset(
    {
        "as_expression",
        "satisfies_expression",
        "non_null_expression",
        "type_assertion",
        "parenthesized_expression",
    }
)


class Grammar:
    """The ids the evaluator reads nodes by, in one grammar (the TypeScript
    and TSX grammars number them differently). Reading a child by field id
    costs a third of reading it by field name, and comparing a node's kind id
    saves the string that `node.type` builds on every call."""

    def __init__(self, language: Language) -> None:
        self.language = language
        self.arguments = self._field("arguments")
        self.function = self._field("function")
        self.key = self._field("key")
        self.object = self._field("object")
        self.property = self._field("property")
        self.value = self._field("value")
        self.dot = self.kinds(".")
        self.call_expression = self.kinds("call_expression")
        self.identifier = self.kinds("identifier")
        self.member_expression = self.kinds("member_expression")
        self.wrappers = frozenset().union(*(self.kinds(k) for k in TYPE_WRAPPERS))
        self.pair = self.kinds("pair")
        self.property_identifier = self.kinds("property_identifier")
        self.template_string = self.kinds("template_string")

    def kinds(self, name: str) -> frozenset[int]:
        """The kind ids whose `node.type` is `name` (there may be several)."""
        count = self.language.node_kind_count
        return frozenset(
            kind
            for kind in range(count)
            if self.language.node_kind_for_id(kind) == name
        )

    def _field(self, name: str) -> int:
        found = self.language.field_id_for_name(name)
        assert found is not None, name
        return found


TYPESCRIPT_GRAMMAR = Grammar(TYPESCRIPT)
TSX_GRAMMAR = Grammar(TSX)


@functools.cache
def _parser(tsx: bool) -> Parser:
    return Parser(TSX if tsx else TYPESCRIPT)


def parse(source: bytes, tsx: bool = False) -> Tree:
    return _parser(tsx).parse(source)


# A read makes a span for nearly every field and call. Filling the slots of a
# new Span directly takes half the time of the frozen dataclass's __init__
# (which goes through object.__setattr__ once per field), for the same value.
SPAN_FIELDS = ("file", "line", "column", "end_line", "end_column", "start", "end")
_new = object.__new__
_set_file, _set_line, _set_column, _set_end_line, _set_end_column = (
    getattr(Span, name).__set__ for name in SPAN_FIELDS[:5]
)
_set_start, _set_end = (getattr(Span, name).__set__ for name in SPAN_FIELDS[5:])


class SourceFile:
    """One file's bytes, its tree, and span arithmetic over it."""

    def __init__(self, path: str, source: bytes, display: str | None = None) -> None:
        self.path = path
        self.display = display or path
        self.source = source
        tsx = path.endswith((".tsx", ".jsx"))
        self._tree: Tree | None = parse(source, tsx=tsx)
        self.grammar = TSX_GRAMMAR if tsx else TYPESCRIPT_GRAMMAR
        self._ascii = source.isascii()

    @property
    def tree(self) -> Tree:
        if self._tree is None:
            # A file that came back from the analyzer's worker process is
            # parsed again only when something asks for its tree.
            self._tree = parse(self.source, tsx=self.path.endswith((".tsx", ".jsx")))
        return self._tree

    def __getstate__(self) -> dict[str, object]:
        """Pickled without the tree and grammar (tree-sitter objects do not
        pickle): the analyzer's worker process sends back files it read."""
        return {"path": self.path, "display": self.display, "source": self.source}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        tsx = self.path.endswith((".tsx", ".jsx"))
        self._tree = None
        self.grammar = TSX_GRAMMAR if tsx else TYPESCRIPT_GRAMMAR
        self._ascii = self.source.isascii()

    @functools.cached_property
    def _line_starts(self) -> list[int]:
        """Where each line starts; only non-ASCII files and `span_at` need it."""
        return [0] + [m.end() for m in re.finditer(b"\n", self.source)]

    def text(self, node: Node) -> str:
        return self.source[node.start_byte : node.end_byte].decode("utf-8", "replace")

    def column(self, row: int, byte_column: int) -> int:
        """1-based character column for a 0-based row and byte column."""
        if self._ascii:
            return byte_column + 1
        start = self._line_starts[row] if row < len(self._line_starts) else 0
        prefix = self.source[start : start + byte_column]
        return len(prefix.decode("utf-8", "replace")) + 1

    def span(self, node: Node, end: Node | None = None) -> Span:
        last = end or node
        start_row, start_column = node.start_point
        end_row, end_column = last.end_point
        if self._ascii:
            # Most files are ASCII: columns are byte columns, and the span's
            # slots are filled directly (see SPAN_FIELDS).
            span: Span = _new(Span)
            _set_file(span, self.display)
            _set_line(span, start_row + 1)
            _set_column(span, start_column + 1)
            _set_end_line(span, end_row + 1)
            _set_end_column(span, end_column + 1)
            _set_start(span, node.start_byte)
            _set_end(span, last.end_byte)
            return span
        return Span(
            self.display,
            start_row + 1,
            self.column(start_row, start_column),
            end_row + 1,
            self.column(end_row, end_column),
            node.start_byte,
            last.end_byte,
        )

    def span_at(self, start: int, end: int) -> Span:
        """A span for a byte range of this file."""
        row = bisect.bisect_right(self._line_starts, start) - 1
        end_row = bisect.bisect_right(self._line_starts, end) - 1
        return Span(
            file=self.display,
            line=row + 1,
            column=self.column(row, start - self._line_starts[row]),
            end_line=end_row + 1,
            end_column=self.column(end_row, end - self._line_starts[end_row]),
            start=start,
            end=end,
        )


def unwrap(node: Node) -> Node:
    """Look through parentheses and type-only wrappers (`x as T`, `x!`)."""
    while node.type in TYPE_WRAPPERS:
        inner = node.named_children[0] if node.named_children else None
        if node.type == "type_assertion":
            inner = node.named_children[-1]
        if inner is None:
            return node
        node = inner
    return node


_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "b": "\b",
    "f": "\f",
    "v": "\v",
    "0": "\0",
}


def string_value(file: SourceFile, node: Node) -> str:
    """The value of a string literal node (quotes removed, escapes applied)."""
    out: list[str] = []
    for child in node.named_children:
        text = file.text(child)
        if child.type == "escape_sequence":
            out.append(_unescape(text))
        elif child.type in ("string_fragment", "html_character_reference"):
            out.append(text)
    return "".join(out)


def _unescape(text: str) -> str:
    body = text[1:]
    if body.startswith("u{"):
        return chr(int(body[2:-1], 16))
    if body.startswith("u") and len(body) == 5:
        return chr(int(body[1:], 16))
    if body.startswith("x") and len(body) == 3:
        return chr(int(body[1:], 16))
    if body in ("\n", "\r\n", "\r"):
        return ""  # a line continuation
    return _ESCAPES.get(body, body)


def number_value(text: str) -> float | int:
    """A JavaScript numeric literal: a float for numbers, an int for `123n`."""
    clean = text.replace("_", "")
    if clean.endswith("n"):
        return int(clean[:-1], 0) if clean[1:2].isalpha() else int(clean[:-1])
    lowered = clean.lower()
    if lowered.startswith(("0x", "0o", "0b")):
        return float(int(clean, 0))
    if len(clean) > 1 and clean[0] == "0" and clean.isdigit():
        # A legacy octal literal such as 017 (and 08, which is decimal).
        return float(int(clean, 8) if set(clean) <= set("01234567") else int(clean))
    return float(clean)
