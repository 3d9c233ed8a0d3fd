"""A303: a public function that takes the user it acts for from its args.

Any client can call a public function with any arguments, so an argument
naming the user (`userId`, `authorId`, `ownerId`, `creatorId`, `…UserId`,
`email`, `tokenIdentifier`, `clerkId`, or any argument validated by
`v.id("users")`) lets one user act as another. The server knows who is
calling: `ctx.auth.getUserIdentity()`, or `getAuthUserId(ctx)` with Convex
Auth (REFERENCE §8.1 #6).

A function that also checks auth (through `ctx.auth`, an access helper, a
custom builder that checks it, or a configured access check) may be an admin
acting on another user, so it is reported at info level. Internal functions
are not reported: only the project's own code can call them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from convex_schema.analyze.functions import Function
from convex_schema.analyze.registry import Category, Options, Rule, Subject, rule
from convex_schema.diagnostics import Diagnostic, Severity

IDENTITY_NAME = re.compile(
    r"(email|userId|authorId|ownerId|creatorId|\w+UserId|tokenIdentifier|"
    r"clerkId|clerkUserId|\w+ClerkId)\Z"
)
USER_ID = re.compile(r"""(v\.optional\(\s*)?v\.id\(\s*["'`]users["'`]\s*\)""")


@rule(
    "A303",
    "identity-from-args",
    Severity.WARNING,
    Category.security,
    "A public function takes a user's identity from its args (email, userId, "
    "authorId, ownerId, creatorId, *UserId, tokenIdentifier, clerkId, or "
    'v.id("users")), so a client can '
    "act as anyone; derive the user from ctx.auth. Info for a query (reading by a "
    "user id is often fine) and when the function also checks auth; internal "
    "functions are not reported.",
)
def check(subject: Subject, rule: Rule) -> Iterator[Diagnostic]:
    for function in subject.project.functions:
        if not function.public or function.kind == "httpAction":
            continue
        facts = subject.project.files.get(function.file)
        if facts is not None and not facts.entry_point:
            continue  # Convex does not deploy it (a test file, say)
        checked: bool | None = None  # worked out at the first identity arg
        for name, validator in function.args.items():
            if not (IDENTITY_NAME.match(name) or USER_ID.match(validator)):
                continue
            if checked is None:
                checked = _checks_auth(function, subject.options)
            what = "email" if name == "email" else "id"
            message = (
                f'public {function.kind} "{function.name}" takes the user '
                f'"{name}" from its args: a client can pass any user\'s {what}'
            )
            if checked:
                message += "; it also checks auth, so this may be an admin action"
            yield rule.finding(
                message,
                function.arg_spans.get(name) or function.args_span,
                hint="derive the user on the server: getAuthUserId(ctx) with "
                "Convex Auth, or (await ctx.auth.getUserIdentity()) otherwise, "
                "and drop the argument; keep it only where an authorized user "
                "acts on someone else",
                data={"function": function.name, "arg": name},
                # Reading by a user id (an author's public posts) is common;
                # writing as whoever the client names is the hole.
                severity=Severity.INFO if checked or function.kind == "query" else None,
            )


def _checks_auth(function: Function, options: Options) -> bool:
    reach = function.reach
    return (
        function.builder_checks_auth
        or any(call.kind == "auth" for call in reach.calls)
        or any(name in options.access_checks for name in reach.helper_names)
    )
