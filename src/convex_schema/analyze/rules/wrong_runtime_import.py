"""A107: a module of the Convex runtime imports a `"use node"` module, or one
of Node's built-in modules.

Files without `"use node"` are bundled for Convex's own runtime, which has
no Node built-ins, so importing a `"use node"` file there pulls Node code
into it and the push fails. So does importing `node:fs` or `worker_threads`
directly (a bare name such as `buffer` works when a package of that name is
installed, as the bundler then takes it). Unlike ESLint's rule this also follows
`./x.js` specifiers (written for `x.ts`) and `export … from`. ESLint also
reports two imports that are harmless: a type-only import (erased when
compiled) and an import from a file that is itself `"use node"`; those are
info findings here, so every line ESLint reports has a finding.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from convex_schema.analyze.modules import Import
from convex_schema.analyze.registry import Category, Rule, Subject, rule
from convex_schema.diagnostics import Diagnostic, Severity


@rule(
    "A107",
    "wrong-runtime-import",
    Severity.ERROR,
    Category.correctness,
    'A file of the Convex runtime imports a "use node" file, or a Node built-in '
    "module (node:fs, worker_threads), pulling Node code into a runtime without "
    'it. Info for a type-only import or one between two "use node" files, which '
    "ESLint also reports.",
    eslint="import-wrong-runtime",
)
def check(subject: Subject, rule: Rule) -> Iterator[Diagnostic]:
    project = subject.project
    for file, facts in project.files.items():
        if not facts.entry_point:
            continue
        for item in facts.import_list:
            builtin = _node_builtin(item.module)
            if builtin and not facts.use_node and not item.type_only:
                if item.module.startswith("node:") or not _installed(
                    facts.path.parent, builtin
                ):
                    yield _builtin_finding(rule, file, item)
                continue
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


# Node's built-in modules (`require("module").builtinModules` of Node 20).
NODE_BUILTINS = frozenset(
    """assert assert/strict async_hooks buffer child_process cluster console
    constants crypto dgram diagnostics_channel dns dns/promises domain events fs
    fs/promises http http2 https inspector inspector/promises module net os path
    path/posix path/win32 perf_hooks process punycode querystring readline
    readline/promises repl stream stream/consumers stream/promises stream/web
    string_decoder sys timers timers/promises tls trace_events tty url util
    util/types v8 vm wasi worker_threads zlib""".split()
)


def _node_builtin(module: str) -> str | None:
    """The built-in module a specifier names (`node:fs`, `fs/promises`)."""
    name = module.removeprefix("node:")
    return name if name in NODE_BUILTINS else None


def _installed(folder: Path, module: str) -> bool:
    """Whether a package of the same name (a polyfill such as `buffer` or
    `events`) is installed where the bundler looks, from `folder` up: the
    bundler then takes it, and the import works."""
    package = module.split("/")[0]
    for parent in (folder, *folder.parents):
        if (parent / "node_modules" / package).is_dir():
            return True
    return False


def _builtin_finding(rule: Rule, file: str, item: Import) -> Diagnostic:
    return rule.finding(
        f"{file} runs in the Convex runtime, which has no Node built-ins, but "
        f'imports "{item.module}": the push fails to bundle it',
        item.span,
        hint=f'mark this file "use node" if it defines only actions, or move the '
        f'code that needs {item.module} to a "use node" file and reach it through '
        "an action",
        data={"module": item.module, "type_only": False, "builtin": True},
    )
