"""A302: a public function that does not check who is calling.

Anyone on the internet can call a public query, mutation or action. The
finding is a warning when neither the handler nor the helpers it calls
(`Function.reach`), nor its custom builder, read `ctx.auth`, call
`getAuthUserId`, an access helper (`requireUser`, `checkAccess`, …) or a
check listed under `access-checks` in the configuration.

ESLint's `require-access-control` asks for more: a call of a function named
like a check (`requireX`, `assertX`, `checkX`, `ensureX`, `canX`, `hasX`)
as a top-level statement of the handler, or in a top-level `if` test. A
function that checks access only further in (inside a `try` or a nested
block) gets an info finding on the same line, and so does one whose handler
starts by reading the identity (`ctx.auth.getUserIdentity()`,
`getCurrentUser(ctx)`, a project helper that does) with a message that says
so: the rule covers every function ESLint reports. `httpAction`s are left
out, as ESLint leaves them: they check requests their own way.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from convex_schema.analyze.functions import (
    Function,
    _access_helper_name,
    checks_access,
)
from convex_schema.analyze.registry import Category, Rule, Subject, rule
from convex_schema.diagnostics import Diagnostic, Severity

# The plugin's default `pattern` option.
CHECK_NAME = re.compile(r"^(require|assert|check|ensure|can)([A-Z_]|$)|^has[A-Z_]")


@rule(
    "A302",
    "missing-access-control",
    Severity.WARNING,
    Category.security,
    "A public function never checks who is calling: its handler, the helpers it "
    "calls and its builder read no ctx.auth and call no access check. Info for a "
    "query (public reads of public data are common), and for a function that "
    "checks, but not with a top-level check call at the start of the handler.",
    eslint="require-access-control",
)
def check(subject: Subject, rule: Rule) -> Iterator[Diagnostic]:
    project = subject.project
    configured = subject.options.access_checks
    for function in project.functions:
        if not function.public or function.kind == "httpAction":
            continue
        facts = project.files.get(function.file)
        if facts is None or not facts.entry_point or function.handler_span is None:
            continue
        if function.builder_checks_auth:
            continue
        if any(_is_check(name, configured) for name in function.guard_calls):
            continue
        evidence = _evidence(function, configured)
        what = f'public {function.kind} "{function.name}"'
        data = {"function": function.name, "checks": evidence}
        if not evidence:
            internal = "internal" + function.kind[0].upper() + function.kind[1:]
            yield rule.finding(
                f"anyone can call {what}: neither its handler nor the helpers it "
                "calls check who is calling",
                function.name_span,
                hint="check access at the start of the handler, e.g. "
                f"`await requireUser(ctx)`, or register it with {internal} if only "
                "your own functions call it",
                data=data,
                # A public read of public data (a published post) is common;
                # a write anyone can call rarely is.
                severity=Severity.INFO if function.kind == "query" else None,
            )
            continue
        checking = _checking_helpers(subject, function, configured)
        inline = [n for n in function.guard_calls if n in evidence or n in checking]
        if inline:
            # Checked where it should be, only not through a call named like
            # a check, which is what ESLint's require-access-control looks for.
            yield rule.finding(
                f"{what} checks the caller at the start of its handler with "
                f"{_shown(inline[0])}, but not through a call named like a check, "
                "which ESLint's require-access-control asks for",
                function.name_span,
                hint="nothing to fix if the result is tested and the handler "
                "throws when access is denied; to satisfy the ESLint rule too, "
                "move the check into a helper named like requireUser(ctx) (or "
                "list it under access-checks in the analyze configuration)",
                data=data,
                severity=Severity.INFO,
            )
            continue
        shown = ", ".join(_shown(name) for name in evidence[:2])
        yield rule.finding(
            f"{what} has no top-level access check; it reaches {shown} only "
            "further in, so make sure no path returns data without it",
            function.name_span,
            hint="start the handler with a check that throws when access is "
            "denied, named like requireUser, checkAccess, canEdit or hasRole (or "
            "listed under access-checks in the analyze configuration)",
            data=data,
            severity=Severity.INFO,
        )


def _is_check(name: str, configured: tuple[str, ...]) -> bool:
    return name in configured or CHECK_NAME.search(name) is not None


def _evidence(function: Function, configured: tuple[str, ...]) -> list[str]:
    """The auth reads and access checks the function reaches, in order."""
    found: list[str] = []
    for call in function.reach.calls:
        if call.kind == "auth":
            found.append(call.name)
    for name in function.reach.helper_names:
        if _is_check(name, configured) or _access_helper_name(name):
            found.append(name)
    return list(dict.fromkeys(found))


def _checking_helpers(
    subject: Subject, function: Function, configured: tuple[str, ...]
) -> set[str]:
    """The project helpers the handler calls that read the identity or call
    an access check themselves (`await verifyAdmin(ctx)`)."""
    names: set[str] = set()
    for key in function.body.helpers:
        body = subject.project.helper(key)
        if body is not None and checks_access(body, lambda n: _is_check(n, configured)):
            names.add(key[1])
    return names


def _shown(name: str) -> str:
    return "ctx.auth.getUserIdentity()" if name == "getUserIdentity" else f"{name}()"
