"""Inline suppression comments.

    // convex-schema-disable-next-line A201
    await ctx.db.query("logs").collect(); // convex-schema-disable-line A202
    /* convex-schema-disable A204 */   (anywhere in a file: the whole file)

Codes are optional (no code: every rule) and may be separated by spaces or
commas. An `eslint-disable-next-line @convex-dev/<rule>` (or `-line`)
comment also silences the analyzer rule that covers that ESLint rule, so a
project that already suppressed a finding for ESLint is not told again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tree_sitter import Node, Tree

DIRECTIVE = re.compile(
    r"(convex-schema|eslint)-disable(-next-line|-line)?\b\s*([^\n*]*)"
)
ALL = "*"


@dataclass
class Suppressions:
    """Per line (1-based) the codes silenced there; `ALL` for any."""

    lines: dict[int, set[str]] = field(default_factory=dict)
    whole_file: set[str] = field(default_factory=set)

    def silences(self, code: str, line: int) -> bool:
        if ALL in self.whole_file or code in self.whole_file:
            return True
        codes = self.lines.get(line)
        return codes is not None and (ALL in codes or code in codes)


def read_suppressions(tree: Tree, eslint_codes: dict[str, str]) -> Suppressions:
    """The suppressions in a file's comments. `eslint_codes` maps an ESLint
    rule name (without its plugin prefix) to the analyzer code covering it."""
    out = Suppressions()
    stack: list[Node] = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.type == "comment":
            _comment(node, out, eslint_codes)
        stack.extend(node.children)
    return out


def _comment(node: Node, out: Suppressions, eslint_codes: dict[str, str]) -> None:
    text = node.text.decode("utf-8", "replace") if node.text else ""
    match = DIRECTIVE.search(text)
    if match is None:
        return
    tool, where, rest = match.groups()
    words = [w for w in re.split(r"[\s,]+", rest.split("--")[0].strip()) if w]
    if tool == "eslint":
        codes = {
            eslint_codes[w.split("/")[-1]]
            for w in words
            if w.startswith("@convex-dev/") and w.split("/")[-1] in eslint_codes
        }
        if not codes:
            return
    else:
        codes = {w.upper() for w in words} or {ALL}
    line = node.start_point[0] + 1
    if where == "-next-line":
        out.lines.setdefault(node.end_point[0] + 2, set()).update(codes)
    elif where == "-line":
        out.lines.setdefault(line, set()).update(codes)
    elif tool == "convex-schema":
        out.whole_file.update(codes)
