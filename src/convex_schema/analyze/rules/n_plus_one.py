"""A206: a loop that awaits a read on every iteration (N+1 reads).

`for (const id of ids) { await ctx.db.get(id) }` waits for each read before
starting the next. The rule looks at awaits in a loop's body (and its
condition, which also runs every iteration) whose expression reads:
`db.get`, a `db.query(...)` chain, `ctx.runQuery/runMutation/runAction`, or a
call of a project helper that reads the database or runs a function. It does
not fire for:

- reads started inside a callback, such as `Promise.all(ids.map(async ...))`:
  they run together;
- the iterable of a `for-of` or the initializer of a `for`, which run once;
- loops that only write (`db.insert/patch/replace/delete`): a mutation that
  writes each item of a batch is normal, and writes are not round trips;
- loops of `ctx.runQuery/runMutation` reached only from actions: A210
  reports those, with the action's own fix (one internal function, one
  transaction).
"""

from __future__ import annotations

from collections.abc import Iterator

from convex_schema.analyze.common import each_once
from convex_schema.analyze.functions import Function, LoopRead, Project
from convex_schema.analyze.registry import Category, Rule, Subject, rule
from convex_schema.diagnostics import Diagnostic, Severity

ACTIONS = ("action", "httpAction")
A210_RUNS = ("ctx.runQuery", "ctx.runMutation")


@rule(
    "A206",
    "n-plus-one",
    Severity.WARNING,
    Category.performance,
    "A loop awaits a database read (db.get, db.query, a helper that reads) or a "
    "ctx.run* call on every iteration, one after another: N+1 reads. Read "
    "together with Promise.all, or read one range through an index or a join "
    "table. Loops that only write, loops that run until what they read says "
    "stop (a retry, a walk page by page), and actions' loops of ctx.runQuery/"
    "runMutation (A210), are not reported.",
)
def check(subject: Subject, rule: Rule) -> Iterator[Diagnostic]:
    project = subject.project
    loops: dict[tuple[str, int], list[tuple[LoopRead, list[Function]]]] = {}
    for read, users in each_once(project, lambda b: b.loop_reads, lambda r: r.span):
        if read.read_decides:
            continue  # each read needs the one before: nothing to read together
        loops.setdefault((read.loop.file, read.loop.start), []).append((read, users))
    for entries in loops.values():
        reads = sorted((r for r, _ in entries), key=lambda r: r.span.start)
        users = _unique(u for _, us in entries for u in us)
        what = _what(project, reads)
        if not what:
            continue
        transactions = all(kind in A210_RUNS for kind in what.values())
        if transactions and users and all(u.kind in ACTIONS for u in users):
            continue  # A210: one transaction instead of a loop of them
        first = reads[0]
        yield rule.finding(
            f"{first.loop_kind} loop awaits {', '.join(what)} on every "
            "iteration, one after another (N+1 reads)",
            first.span,
            hint=_hint(what),
            data={
                "functions": sorted(u.name for u in users),
                "reads": list(what),
            },
        )


def _what(project: Project, reads: list[LoopRead]) -> dict[str, str]:
    """What the loop reads, in order: shown name -> kind (`db` or `ctx.run*`)."""
    out: dict[str, str] = {}
    for read in reads:
        for name in read.reads:
            out.setdefault(name, name if name.startswith("ctx.run") else "db")
        for key, name in zip(read.helpers, read.helper_names, strict=True):
            kind = _helper_reads(project, key)
            if kind is not None:
                out.setdefault(f"{name}()", kind)
    return out


def _helper_reads(project: Project, key: tuple[str, str]) -> str | None:
    body = project.helper(key)
    if body is None:
        return None
    if body.queries or any(
        c.kind == "db" and c.name in ("get", "query") for c in body.calls
    ):
        return "db"
    runs = [c.name for c in body.calls if c.kind == "run"]
    return f"ctx.{runs[0]}" if runs else None


def _hint(what: dict[str, str]) -> str:
    if all(kind.startswith("ctx.run") for kind in what.values()):
        return (
            "move the loop into one internal function and call it once: "
            "one transaction instead of one per item"
        )
    return (
        "start the reads together, e.g. await Promise.all(ids.map((id) => "
        "ctx.db.get(id))), or read one range through an index (a join table "
        "indexed by the parent's id) instead of one read per item"
    )


def _unique(functions: Iterator[Function]) -> list[Function]:
    out: list[Function] = []
    for function in functions:
        if not any(f is function for f in out):
            out.append(function)
    return out
