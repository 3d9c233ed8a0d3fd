"""A208: `ctx.runQuery/runMutation/runAction` inside a query or mutation.

From a query or mutation, `ctx.runQuery(internal.x.y)` does what calling the
function's logic directly would do, plus the cost of a whole function call:
its arguments and return value are validated and copied, and it runs in a
fresh context (REFERENCE §8.1 #11). A plain TypeScript helper shared by both
functions is cheaper. Calls made from actions are A210's concern.
"""

from __future__ import annotations

from collections.abc import Iterator

from convex_schema.analyze.registry import Category, Rule, Subject, rule
from convex_schema.diagnostics import Diagnostic, Severity

TRANSACTIONS = ("query", "mutation")


@rule(
    "A208",
    "run-in-transaction",
    Severity.WARNING,
    Category.performance,
    "ctx.runQuery/runMutation/runAction inside a query or mutation costs a "
    "whole function call; call a plain TypeScript helper instead. Calls of a "
    "component's functions (components.*) are left out: ctx.run* is the only way "
    "to reach them.",
)
def check(subject: Subject, rule: Rule) -> Iterator[Diagnostic]:
    calls = subject.project.calls_of("run")
    for call, users in calls:
        if call.target is not None and call.target.startswith("components."):
            continue  # a component's functions are reached only through ctx.run*
        inside = sorted((u.kind, u.name) for u in users if u.kind in TRANSACTIONS)
        if not inside:
            continue
        shown = ", ".join(f'{kind} "{name}"' for kind, name in inside)
        target = call.target or "…"
        yield rule.finding(
            f"ctx.{call.name}({target}) inside {shown}: a whole function call "
            "where a helper would do",
            call.span,
            hint=f"move the logic of {target} into a plain function (e.g. in "
            "convex/model/) and call it from both places with ctx",
            data={"functions": [name for _, name in inside], "target": call.target},
        )
