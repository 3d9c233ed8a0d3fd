"""A304: scheduling, or `ctx.run*`-ing, a public function (`api.…`).

A function that the server schedules or runs for itself should be internal:
a public one can also be called by any client, with any arguments, and its
checks must then hold for both callers (REFERENCE §8.1 #7). The fix changes
the reference to `internal.…` (and imports `internal` when the file imports
only `api`); the target must then be registered as an internal function,
which the hint names, so the fix is not marked safe.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tree_sitter import Node

from convex_schema.analyze.functions import Call, Project, SourceFacts
from convex_schema.analyze.registry import Category, Rule, Subject, rule
from convex_schema.diagnostics import Diagnostic, Severity
from convex_schema.reader.syntax import string_value

INTERNAL = {
    "query": "internalQuery",
    "mutation": "internalMutation",
    "action": "internalAction",
}


@rule(
    "A304",
    "public-function-scheduled",
    Severity.WARNING,
    Category.security,
    "ctx.scheduler.runAfter/runAt and ctx.run* should target internal.* "
    "functions: a public function scheduled by the server is also open to any "
    "client.",
)
def check(subject: Subject, rule: Rule) -> Iterator[Diagnostic]:
    project = subject.project
    bodies = [f.body for f in project.functions] + list(project.helpers.values())
    for body in bodies:
        for call in body.calls:
            target = call.target or ""
            if call.kind not in ("run", "schedule") or not target.startswith("api."):
                continue
            reference = "internal." + target.removeprefix("api.")
            name = _function_name(target)
            verb = "schedules" if call.kind == "schedule" else "runs"
            yield rule.finding(
                f"ctx.{_callee(call)} {verb} the public function {target}, which "
                "any client can also call",
                call.target_span or call.span,
                hint=_hint(project, name, reference),
                fix=_fix(project, call, reference),
                data={"target": target, "function": name},
            )


def _callee(call: Call) -> str:
    return f"scheduler.{call.name}" if call.kind == "schedule" else call.name


def _function_name(target: str) -> str:
    """`api.folder.messages.send` → `folder/messages:send`."""
    parts = target.split(".")[1:]
    return "/".join(parts[:-1]) + ":" + parts[-1] if len(parts) > 1 else target


def _hint(project: Project, name: str, reference: str) -> str:
    hint = f"use {reference}"
    registered = next((f for f in project.functions if f.name == name), None)
    if registered is not None and registered.public:
        internal = INTERNAL.get(registered.kind, "an internal registrar")
        hint += (
            f" and register {name} with {internal} (keep a public wrapper only "
            "if clients call it too)"
        )
    return hint


def _fix(project: Project, call: Call, reference: str) -> dict[str, Any] | None:
    where = call.target_span
    facts = project.files.get(where.file) if where is not None else None
    if where is None or facts is None:
        return None
    edits: list[dict[str, Any]] = [
        {
            "file": where.file,
            "start": where.start,
            "end": where.start + 3,
            "text": "internal",
        }
    ]
    edits += _import_internal(facts)
    return {
        "description": f"reference {reference}",
        "operations": [],
        "edits": edits,
        "safe": False,
    }


def _import_internal(facts: SourceFacts) -> list[dict[str, Any]]:
    """An edit adding `internal` to the file's `_generated/api` import, or
    none when it is there already (or there is no such import)."""
    for statement in facts.file.tree.root_node.named_children:
        source = statement.child_by_field_name("source")
        if statement.type != "import_statement" or source is None:
            continue
        if not string_value(facts.file, source).endswith("_generated/api"):
            continue
        names = _named_imports(statement)
        if names is None or any(_imported(n) == "internal" for n in names):
            return []
        last = names[-1]
        return [
            {
                "file": facts.relative,
                "start": last.end_byte,
                "end": last.end_byte,
                "text": ", internal",
            }
        ]
    return []


def _named_imports(statement: Node) -> list[Node] | None:
    for clause in statement.named_children:
        if clause.type != "import_clause":
            continue
        for child in clause.named_children:
            if child.type == "named_imports":
                specifiers = [
                    s for s in child.named_children if s.type == "import_specifier"
                ]
                return specifiers or None
    return None


def _imported(specifier: Node) -> str:
    alias = specifier.child_by_field_name("alias")
    name = alias or specifier.child_by_field_name("name")
    return name.text.decode() if name is not None and name.text else ""
