"""A107: a module of the Convex runtime imports a `"use node"` module.

Files without `"use node"` are bundled for Convex's own runtime, which has
no Node built-ins, so importing a `"use node"` file there pulls Node code
into it and the push fails. Unlike ESLint's rule this also follows
`./x.js` specifiers (written for `x.ts`) and `export … from`. ESLint also
reports two imports that are harmless: a type-only import (erased when
compiled) and an import from a file that is itself `"use node"`; those are
info findings here, so every line ESLint reports has a finding.
"""

from __future__ import annotations

from collections.abc import Iterator

from convex_schema.analyze.registry import Category, Rule, Subject, rule
from convex_schema.diagnostics import Diagnostic, Severity


@rule(
    "A107",
    "wrong-runtime-import",
    Severity.ERROR,
    Category.correctness,
    'A file of the Convex runtime imports a "use node" file, pulling Node code '
    "into a runtime without it. Info for a type-only import or one between two "
    '"use node" files, which ESLint also reports.',
    eslint="import-wrong-runtime",
)
def check(subject: Subject, rule: Rule) -> Iterator[Diagnostic]:
    project = subject.project
    for file, facts in project.files.items():
        if not facts.entry_point:
            continue
        for item in facts.import_list:
            imported = project.files.get(item.target) if item.target else None
            if imported is None or not imported.use_node:
                continue
            target = item.target
            data = {"module": target, "type_only": item.type_only}
            if facts.use_node or item.type_only:
                why = (
                    "both files run in Node"
                    if facts.use_node
                    else "a type-only import is erased when compiled"
                )
                yield rule.finding(
                    f'imports "use node" module {target}; {why}, so this is fine',
                    item.span,
                    hint="nothing to change; ESLint's import-wrong-runtime reports "
                    "it all the same",
                    data=data,
                    severity=Severity.INFO,
                )
                continue
            names = ", ".join(local for _, local in item.bindings)
            what = f" ({names})" if names else ""
            yield rule.finding(
                f'{file} runs in the Convex runtime but imports "use node" module '
                f"{target}",
                item.span,
                hint=f'move what it takes{what} to a file without "use node", '
                "reach the Node code through an action (ctx.runAction, "
                'ctx.scheduler), or mark this file "use node" if it defines only '
                "actions",
                data=data,
            )
