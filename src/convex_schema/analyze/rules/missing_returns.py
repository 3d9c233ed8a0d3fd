"""A501: a public function without a `returns` validator.

Without `returns`, the server does not check what a function sends back
(a document with a field the client should not see goes out as is), and
clients get only the type TypeScript infers from the handler (REFERENCE
§8.1 #5). HTTP actions return a Response and take no validators, so they are
not reported; nor are internal functions, whose callers are the project's
own code.
"""

from __future__ import annotations

from collections.abc import Iterator

from convex_schema.analyze.registry import Category, Rule, Subject, rule
from convex_schema.diagnostics import Diagnostic, Severity


@rule(
    "A501",
    "missing-returns",
    Severity.INFO,
    Category.maintainability,
    "A public query, mutation or action has no returns validator: what it sends "
    "back is neither checked nor exactly typed for clients.",
)
def check(subject: Subject, rule: Rule) -> Iterator[Diagnostic]:
    for function in subject.project.functions:
        if not function.public or function.kind == "httpAction":
            continue
        facts = subject.project.files.get(function.file)
        if facts is not None and not facts.entry_point:
            continue  # Convex does not deploy it (a test file, say)
        if function.has_returns:
            continue
        yield rule.finding(
            f'public {function.kind} "{function.name}" has no returns validator',
            function.name_span,
            hint="add returns: with the shape it sends back (v.null() when it "
            "returns nothing); the server then checks every result",
            data={"function": function.name},
        )
