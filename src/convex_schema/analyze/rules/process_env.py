"""A502: Convex code reading `process.env`.

Environment variables are declared in `convex/convex.config.ts` and read
from the typed `env` object that `_generated/server` exports, so a missing
variable is a type error rather than an `undefined` at run time. Every read
of the global `process.env` in a function file is reported (a local named
`process` is not the global). `process.env.X` and `const { X } =
process.env` come with the rewrite to `env`, importing it when needed; the
fix is safe when the generated `env` already declares the names, and is
offered otherwise (it compiles once they are declared).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from convex_schema.analyze.functions import Project, SourceFacts, _relative
from convex_schema.analyze.modules import GENERATED_SERVER, EnvRead
from convex_schema.analyze.registry import Category, Rule, Subject, rule
from convex_schema.diagnostics import Diagnostic, Severity

UNTYPED_ENV = re.compile(r"export\s+(?:declare\s+)?const\s+env\s*:\s*Record<")
ENV_TYPE = re.compile(r"type\s+Env\s*=\s*\{([^}]*)\}")
ENV_MEMBER = re.compile(r"readonly\s+([A-Za-z_$][\w$]*)\s*\??\s*:")
IDENTIFIER = re.compile(r"^[A-Za-z_$][\w$]*$")
ALL = "*"


@rule(
    "A502",
    "process-env",
    Severity.WARNING,
    Category.maintainability,
    "Convex code reads process.env; declare the variable in convex/convex.config.ts "
    "and read it from the typed env object of _generated/server.",
    eslint="no-process-env",
)
def check(subject: Subject, rule: Rule) -> Iterator[Diagnostic]:
    project = subject.project
    declared = _declared(project.functions_dir)
    config = _relative(project.functions_dir / "convex.config.ts", project.root)
    for facts in project.files.values():
        if not facts.env_reads:
            continue
        module = _server_module(project, facts)
        for read in facts.env_reads:
            yield rule.finding(
                _message(read),
                read.span,
                hint=_hint(read, config, module),
                fix=_fix(facts, read, declared, module),
                data={"names": list(read.names), "form": read.form},
            )


def _hint(read: EnvRead, config: str, module: str) -> str:
    if read.form == "write":
        return (
            "set deployment variables with npx convex env set, and keep values "
            "computed at run time in ordinary variables"
        )
    where = f'(import {{ env }} from "{module}")'
    if read.form in ("member", "destructure"):
        first = _access("env", read.names[0])
        return f"declare {', '.join(read.names)} in {config}, then read {first} {where}"
    return f"declare each variable in {config} and read it from env {where}"


def _message(read: EnvRead) -> str:
    typed = "the typed env object of _generated/server"
    if read.form == "member":
        return f"reads {_access('process.env', read.names[0])} instead of {typed}"
    if read.form == "destructure":
        return (
            f"destructures {', '.join(read.names)} from process.env instead of {typed}"
        )
    if read.form == "write":
        return f"changes {_access('process.env', read.names[0])} at run time"
    if read.form == "dynamic":
        return f"reads process.env with a computed key instead of {typed}"
    return f"uses the whole process.env object instead of {typed}"


def _access(holder: str, name: str) -> str:
    return f"{holder}.{name}" if IDENTIFIER.match(name) else f'{holder}["{name}"]'


def _fix(
    facts: SourceFacts, read: EnvRead, declared: set[str] | None, module: str
) -> dict[str, object] | None:
    if read.form not in ("member", "destructure") or read.access is None:
        return None
    name = read.env_name
    if name is None:
        return None
    text = _access(name, read.names[0]) if read.form == "member" else name
    edits: list[dict[str, object]] = [
        {
            "file": facts.relative,
            "start": read.access.start,
            "end": read.access.end,
            "text": text,
        }
    ]
    if not read.env_imported:
        edits.append(_import_edit(facts, module))
    safe = declared is not None and (ALL in declared or set(read.names) <= declared)
    return {
        "description": f"read {', '.join(read.names)} from env",
        "operations": [],
        "edits": edits,
        "safe": safe,
    }


def _import_edit(facts: SourceFacts, module: str) -> dict[str, object]:
    """Add `env` to the file's import from `_generated/server`, or import it
    before the first import."""
    imports = [i for i in facts.import_list if not i.reexport]
    for item in imports:
        if GENERATED_SERVER.search(item.module) and not item.type_only:
            if item.named_end is not None:
                at = item.named_end
                return {"file": facts.relative, "start": at, "end": at, "text": ", env"}
    at = imports[0].span.start if imports else 0
    line = f'import {{ env }} from "{module}";\n'
    return {"file": facts.relative, "start": at, "end": at, "text": line}


def _server_module(project: Project, facts: SourceFacts) -> str:
    """How this file imports `_generated/server`."""
    inside = PurePosixPath(_relative(facts.path, project.functions_dir))
    depth = len(inside.parts) - 1
    prefix = "../" * depth if depth else "./"
    with_extension = any(
        i.module.startswith(".") and i.module.endswith(".js") for i in facts.import_list
    )
    return f"{prefix}_generated/server" + (".js" if with_extension else "")


def _declared(functions_dir: Path) -> set[str] | None:
    """The names the generated `env` object declares ({"*"} when it is an
    untyped record), or None when the generated code has no `env`."""
    for name in ("server.d.ts", "server.ts"):
        path = functions_dir / "_generated" / name
        try:
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if UNTYPED_ENV.search(source):
            return {ALL}
        declared = ENV_TYPE.search(source)
        if declared is not None:
            return set(ENV_MEMBER.findall(declared.group(1)))
    return None
