"""A301: a registered function without an `args` validator.

Every Convex function, internal ones too, should validate its arguments:
for a public function they are whatever a client sends. The ESLint rule's
default (`ignoreUnusedArguments: false`) is kept: a handler that takes no
arguments still gets `args: {}`, which makes calls with unexpected
arguments fail. That case has a fix; when the handler does take arguments,
the hint turns their TypeScript type into validators where it is simple.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from convex_schema.analyze.functions import Function, Project
from convex_schema.analyze.registry import Category, Rule, Subject, rule
from convex_schema.diagnostics import Diagnostic, Severity

SIMPLE_TYPES = {
    "string": "v.string()",
    "number": "v.number()",
    "boolean": "v.boolean()",
    "bigint": "v.int64()",
    "null": "v.null()",
}
FIELD = re.compile(r"^\s*([A-Za-z_$][\w$]*)\s*(\?)?\s*:\s*(.+?)\s*$", re.S)
ID_TYPE = re.compile(r"""^Id<\s*["']([^"']+)["']\s*>$""")
LITERAL = re.compile(r"""^(["'])[^"']*\1$""")


@rule(
    "A301",
    "missing-args-validator",
    Severity.ERROR,
    Category.security,
    "A registered function (internal ones too) has no args validator, so its "
    "arguments reach the handler unchecked; add args, args: {} when it takes none.",
    eslint="require-args-validator",
)
def check(subject: Subject, rule: Rule) -> Iterator[Diagnostic]:
    project = subject.project
    for function in project.functions:
        if function.kind == "httpAction" or function.has_args:
            continue
        if function.definition_span is None:  # `query(config)`: not readable
            continue
        message, hint = _describe(function)
        fix = None
        if function.old_syntax:
            hint += "; first move the handler into the object form (A104's fix)"
            span = function.span
        else:
            span = function.definition_span
            if not function.args_parameter:
                fix = _fix(project, function)
        yield rule.finding(
            message, span, hint=hint, fix=fix, data={"function": function.name}
        )


def _describe(function: Function) -> tuple[str, str]:
    """The message and the hint."""
    scope = "" if function.public else "internal "
    what = f'{scope}{function.kind} "{function.name}" has no args validator'
    if not function.args_parameter:
        return what, "add args: {} so calls that pass arguments are rejected"
    validators = _validators(function.args_type)
    hint = (
        f"add args: {validators}"
        if validators
        else "add args with a validator for each argument the handler reads"
    )
    return what + ", but its handler takes arguments", hint


def _validators(annotation: str | None) -> str | None:
    """`{ channelId: string; body?: string }` → validators, when every field
    has a plain type."""
    if annotation is None:
        return None
    text = annotation.strip()
    if not (text.startswith("{") and text.endswith("}")):
        return None
    inner = text[1:-1]
    if "{" in inner or "(" in inner:
        return None
    fields = []
    for part in re.split(r"[;,\n]", inner):
        if not part.strip():
            continue
        match = FIELD.match(part)
        if match is None:
            return None
        name, optional, kind = match.groups()
        validator = _validator(kind)
        if validator is None:
            return None
        fields.append(
            f"{name}: v.optional({validator})" if optional else f"{name}: {validator}"
        )
    return "{ " + ", ".join(fields) + " }" if fields else "{}"


def _validator(kind: str) -> str | None:
    if kind in SIMPLE_TYPES:
        return SIMPLE_TYPES[kind]
    if kind.endswith("[]"):
        element = _validator(kind[:-2])
        return f"v.array({element})" if element else None
    identifier = ID_TYPE.match(kind)
    if identifier:
        return f'v.id("{identifier.group(1)}")'
    if LITERAL.match(kind):
        return f'v.literal("{kind[1:-1]}")'
    return None


def _fix(project: Project, function: Function) -> dict[str, object] | None:
    """Insert `args: {},` first in the registration's object, on its own
    line at the properties' indentation when they are on their own lines."""
    span = function.definition_span
    facts = project.files.get(function.file)
    if span is None or facts is None:
        return None
    source = facts.source
    after = span.start + 1  # just after `{`
    layout = re.match(rb"[ \t]*\r?\n([ \t]*)", source[after : span.end])
    text = f"\n{layout.group(1).decode()}args: {{}}," if layout else " args: {},"
    return {
        "description": f'add args: {{}} to "{function.name}"',
        "operations": [],
        "edits": [{"file": function.file, "start": after, "end": after, "text": text}],
        "safe": True,
    }
