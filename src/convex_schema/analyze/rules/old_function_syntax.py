"""A104: a function registered with a bare handler, `query(async (ctx) => …)`.

The old form cannot carry `args` or `returns` validators. The fix is the
plugin's own autofix: the handler moves into `{ args: {}, handler: … }`,
without `args` when the handler takes arguments (A301 then asks for their
validators, which only a person can write). Functions made with a custom
builder (`authedQuery(async (ctx) => …)`) are reported too: the builders of
convex-helpers take the object form as well.
"""

from __future__ import annotations

from collections.abc import Iterator

from convex_schema.analyze.functions import Function, Project
from convex_schema.analyze.registry import Category, Rule, Subject, rule
from convex_schema.diagnostics import Diagnostic, Severity


@rule(
    "A104",
    "old-function-syntax",
    Severity.ERROR,
    Category.correctness,
    "A function registered with a bare handler, query(async (ctx) => …), cannot "
    "carry args or returns validators; use the object form { args, handler }.",
    eslint="no-old-registered-function-syntax",
)
def check(subject: Subject, rule: Rule) -> Iterator[Diagnostic]:
    project = subject.project
    for function in project.functions:
        facts = project.files.get(function.file)
        if not function.old_syntax:
            continue
        if facts is None or not facts.entry_point:
            continue
        registrar = function.name_span
        callee = facts.source[registrar.start : registrar.end].decode()
        yield rule.finding(
            f"{'' if function.public else 'internal '}{function.kind} "
            f'"{function.name}" is registered with a bare handler',
            function.span,
            hint=f"pass an object instead: {callee}({{ args: {{ … }}, handler }}), "
            "so it can validate its arguments",
            fix=_fix(project, function),
            data={"function": function.name},
        )


def _fix(project: Project, function: Function) -> dict[str, object] | None:
    span = function.definition_span
    facts = project.files.get(function.file)
    if span is None or facts is None:
        return None
    source = facts.source
    line_start = source.rfind(b"\n", 0, function.span.start) + 1
    line = source[line_start : function.span.start].decode()
    indent = line[: len(line) - len(line.lstrip())]
    # The handler moves one level in: its later lines gain two spaces.
    handler = source[span.start : span.end].decode().replace("\n", "\n  ")
    args = "" if function.args_parameter else f"{indent}  args: {{}},\n"
    text = f"{{\n{args}{indent}  handler: {handler},\n{indent}}}"
    return {
        "description": f'use the object form for "{function.name}"',
        "operations": [],
        "edits": [
            {"file": function.file, "start": span.start, "end": span.end, "text": text}
        ],
        "safe": True,
    }
