"""A106: a file the schema imports reads the schema while it loads.

When `schema.ts` imports `validators.ts` (directly or through other files)
and `validators.ts` imports the schema back, one of the two runs first and
sees the other's exports still undefined: `doc(schema, "users")` at the top
of `validators.ts` fails with "Cannot read properties of undefined". Reads
inside functions run later and are fine, and so are type-only uses
(`typeof schema`). Like ESLint's rule, any file named `schema.*` counts as
the schema, and each read is reported where it is written.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from pathlib import PurePosixPath

from convex_schema.analyze.functions import Project
from convex_schema.analyze.modules import eager_uses
from convex_schema.analyze.registry import Category, Rule, Subject, rule
from convex_schema.diagnostics import Diagnostic, Severity


@rule(
    "A106",
    "schema-import-cycle",
    Severity.ERROR,
    Category.correctness,
    "A file that the schema imports reads the schema value while it loads (e.g. "
    "schema.tables.users.validator at top level); the schema is still undefined "
    "then. Use v.id() and plain validators there.",
    eslint="no-schema-import-cycle",
)
def check(subject: Subject, rule: Rule) -> Iterator[Diagnostic]:
    project = subject.project
    for file, facts in project.files.items():
        if _stem(file) == "schema":
            continue
        for item in facts.import_list:
            target = item.target
            if item.type_only or target is None:
                continue
            if _stem(target) != "schema":
                continue
            uses = eager_uses(facts, item)
            if not uses:
                continue
            chain = _import_chain(project, target, file)
            if chain is None:
                continue
            shown = " → ".join(PurePosixPath(step).name for step in chain)
            for name, span, exported in uses:
                if exported:
                    yield rule.finding(
                        f'passes on "{name}" with export {{ … }}; {target} imports '
                        f"this file ({shown}), but an export only hands the binding "
                        "on, so this is fine",
                        span,
                        hint="nothing to change; ESLint's no-schema-import-cycle "
                        "reports it all the same",
                        data={"schema": target, "chain": chain, "name": name},
                        severity=Severity.INFO,
                    )
                    continue
                yield rule.finding(
                    f"{target} imports this file ({shown}), so "
                    f'"{name}" is still undefined when this line runs while the '
                    "module loads",
                    span,
                    hint='use v.id("table") and plain validators here instead of '
                    "values read from the schema, or move this code to a file the "
                    "schema does not import",
                    data={"schema": target, "chain": chain, "name": name},
                )


def _stem(path: str) -> str:
    """`PurePosixPath(path).stem`, without making a path of every import."""
    name = path.rpartition("/")[2]
    dot = name.rfind(".")
    return name[:dot] if 0 < dot < len(name) - 1 else name


def _import_chain(project: Project, start: str, goal: str) -> list[str] | None:
    """The shortest chain of value imports from `start` to `goal`."""
    queue = deque([[start]])
    seen = {start}
    while queue:
        chain = queue.popleft()
        facts = project.files.get(chain[-1])
        if facts is None:
            continue
        for item in facts.import_list:
            target = item.target
            if item.type_only or target is None or target in seen:
                continue
            if target == goal:
                return [*chain, target]
            seen.add(target)
            queue.append([*chain, target])
    return None
