"""A105: `db.get / patch / replace / delete` called with an id and no table.

Convex's database calls take the table name first, `ctx.db.get("users", id)`
(REFERENCE §8.1 #12, since convex 1.31); the id-only form is the old one, which
still works and which Convex plans to deprecate: a warning, and an info with
no automatic fix where the project's convex is older than 1.31 (read from
`node_modules/convex` or package.json). Like ESLint's rule
this looks at every such call in every file, on `<x>.db`, and also on a bare
`db` bound to a database (destructured from ctx, or a parameter typed
`DatabaseReader`/`DatabaseWriter`), which ESLint only sees with type
information. When the code says which table the id belongs to (a
`v.id("t")` argument validator, an `Id<"t">` or `Doc<"t">` annotation, a
helper declared to return one, a document read from "t") the finding
carries the fix that inserts it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from convex_schema.analyze.common import convex_version
from convex_schema.analyze.functions import Call
from convex_schema.analyze.modules import ID_METHODS
from convex_schema.analyze.registry import Category, Rule, Subject, rule
from convex_schema.diagnostics import Diagnostic, Severity

# The convex version whose db.get/patch/replace/delete take the table first.
TABLE_FIRST = (1, 31, 0)


@rule(
    "A105",
    "explicit-table-ids",
    Severity.WARNING,
    Category.correctness,
    'db.get/patch/replace/delete should name the table first, db.get("users", id), '
    "so an id of another table cannot touch the wrong document (convex 1.31 and "
    "later; info, and no automatic fix, for a project on an older convex); fixed "
    "where the id's validator or type names the table.",
    eslint="explicit-table-ids",
)
def check(subject: Subject, rule: Rule) -> Iterator[Diagnostic]:
    version = convex_version(subject.root)
    older = ".".join(map(str, version)) if version and version < TABLE_FIRST else None
    for facts in subject.project.files.values():
        for call in facts.body.calls:
            if call.kind != "db" or not call.known_db or call.first_argument is None:
                continue
            if ID_METHODS.get(call.name) != call.arguments:
                continue
            receiver = re.sub(r"\s+", "", call.receiver)
            first = call.first_argument
            argument = facts.source[first.start : first.end].decode()
            if len(argument) > 40 or "\n" in argument:
                argument = "id"
            rest = ", …" if call.arguments > 1 else ""
            table = call.id_table
            where = "the table" if table else "the table the id belongs to"
            hint = (
                f"pass {where} first: {receiver}.{call.name}"
                f'("{table or "<table>"}", {argument}{rest})'
            )
            message = (
                f"{receiver}.{call.name}({argument}{rest}) does not name its table"
            )
            fix = _fix(call, f"{receiver}.{call.name}")
            severity = None
            if older:
                # The table-first form does not exist yet in this version.
                message += f" (the table-first form needs convex 1.31; this is {older})"
                hint = f"after upgrading convex to 1.31 or later, {hint}"
                fix = {**fix, "safe": False} if fix else None
                severity = Severity.INFO
            yield rule.finding(
                message,
                call.span,
                hint=hint,
                fix=fix,
                data={"table": table, "method": call.name},
                severity=severity,
            )


def _fix(call: Call, method: str) -> dict[str, object] | None:
    """Insert the table the id's type names before the id."""
    table = call.id_table
    if table is None or call.first_argument is None:
        return None
    at = call.first_argument.start
    return {
        "description": f'name table "{table}" in {method}',
        "operations": [],
        "edits": [
            {"file": call.span.file, "start": at, "end": at, "text": f'"{table}", '}
        ],
        "safe": True,
    }
