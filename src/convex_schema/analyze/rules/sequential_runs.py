"""A210: an action that runs many queries and mutations, each its own
transaction.

Every `ctx.runQuery` / `ctx.runMutation` from an action is a separate
transaction: the reads of one do not see a consistent state with the next,
and each is a round trip (REFERENCE §8.1 #10). The rule fires for an action
(or HTTP action), counting the helpers it calls, that

- awaits `ctx.runQuery/runMutation` (or a helper that does) inside a loop:
  reported at the loop's first such await; or
- makes three or more `ctx.runQuery/runMutation` calls in all: reported at
  the action. Calls started together (`Promise.all`) count too, since they
  are still separate transactions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from convex_schema.analyze.functions import Function, LoopRead, Project
from convex_schema.analyze.registry import Category, Rule, Subject, rule
from convex_schema.diagnostics import Diagnostic, Severity

ACTIONS = ("action", "httpAction")
RUNS = ("runQuery", "runMutation")
MANY = 3


@rule(
    "A210",
    "sequential-runs-in-action",
    Severity.INFO,
    Category.performance,
    "An action makes several ctx.runQuery/runMutation calls (three or more, or "
    "any inside a loop), each a separate transaction; batch them into one "
    "internal function.",
)
def check(subject: Subject, rule: Rule) -> Iterator[Diagnostic]:
    hint = (
        "do the reads and writes in one internalMutation (or internalQuery) and "
        "call it once: one transaction sees one consistent state and costs one "
        "round trip"
    )
    for function in subject.project.functions:
        if function.kind not in ACTIONS:
            continue
        runs = [c for c in function.reach.calls if c.kind == "run" and c.name in RUNS]
        data = {
            "function": function.name,
            "calls": [str(c.span) for c in runs],
        }
        looped = _loop_run(subject.project, function)
        if looped is not None:
            read, name = looped
            yield rule.finding(
                f'action "{function.name}" awaits {name} in a {read.loop_kind} '
                "loop: a separate transaction on every iteration",
                read.span,
                hint=hint,
                data=data,
            )
        elif len(runs) >= MANY:
            counts = Counter(c.name for c in runs)
            shown = ", ".join(f"{n} ctx.{name}" for name, n in sorted(counts.items()))
            yield rule.finding(
                f'action "{function.name}" runs {len(runs)} separate '
                f"transactions ({shown})",
                function.name_span,
                hint=hint,
                data=data,
            )


def _loop_run(project: Project, function: Function) -> tuple[LoopRead, str] | None:
    """The first await in a loop that runs a query or mutation, and what it
    runs (`ctx.runMutation`, or `helper()`)."""
    reads = sorted(
        function.reach.loop_reads,
        key=lambda r: (r.span.file != function.file, r.span.file, r.span.start),
    )
    for read in reads:
        for name in read.reads:
            if name.removeprefix("ctx.") in RUNS:
                return read, name
        for key, name in zip(read.helpers, read.helper_names, strict=True):
            body = project.helper(key)
            if body is not None and any(
                c.kind == "run" and c.name in RUNS for c in body.calls
            ):
                return read, f"{name}()"
    return None
