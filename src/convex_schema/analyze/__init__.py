"""`analyze`: a review of a Convex project's schema and functions together.

`analyze_project` reads the schema (when there is one) and every function
file, runs each registered rule (`rules/`, one module each), the schema's own
`check` rules, and the index advisor, drops what configuration or inline
comments silence, and scores what is left.
"""

from __future__ import annotations

import contextlib
import fnmatch
import gc
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from convex_schema import runtime
from convex_schema.analyze import rules as _rules  # noqa: F401  (registers the rules)
from convex_schema.analyze.advisor import Suggestion, advise
from convex_schema.analyze.config import Config, load_config
from convex_schema.analyze.functions import Project, read_project
from convex_schema.analyze.registry import RULES, Category, Options, Rule, Subject
from convex_schema.analyze.score import Score, health_score
from convex_schema.analyze.suppress import Suppressions, read_suppressions
from convex_schema.check import check_schema
from convex_schema.diagnostics import Diagnostic, Severity
from convex_schema.errors import ConvexSchemaError
from convex_schema.model import Schema, Span
from convex_schema.reader import read_schema
from convex_schema.reader.project import functions_dir
from convex_schema.reader.syntax import parse

__all__ = ["RULES", "Analysis", "Rule", "analyze_project"]


@dataclass
class Analysis:
    root: Path
    project: Project
    schema: Schema | None
    schema_file: str | None
    findings: list[Diagnostic]
    suggestions: list[Suggestion]
    score: Score
    suppressed: int = 0
    config: Config = field(default_factory=Config)


def analyze_project(
    root: Path,
    schema_path: Path | None = None,
    config: Config | None = None,
    data: object = None,
) -> Analysis:
    """Analyze the Convex project at `root` (the folder holding `convex/`).

    Paths in findings are relative to `root`."""
    with collector_paused():
        return _analyze(root, schema_path, config, data)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Analysis allocates a few hundred thousand small objects and no cycles
    worth collecting: with the collector's passes over them it takes half as
    long again on a large project. Paused here, as it is while the findings
    are printed. In the console script, which ends with the command, it
    stays off: turning it back on would start a pass over all of them."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting and not runtime.one_shot:
            gc.enable()


def _analyze(
    root: Path, schema_path: Path | None, config: Config | None, data: object
) -> Analysis:
    config = config if config is not None else load_config(root)
    folder = functions_dir(root)
    schema: Schema | None = None
    schema_file: str | None = None
    findings: list[Diagnostic] = []
    path = schema_path or folder / "schema.ts"

    def read_the_schema() -> None:
        nonlocal schema, schema_file
        if path.is_file():
            schema_file = _relative(path, root)
            try:
                result = read_schema(path, root=root)
            except ConvexSchemaError as error:
                # The functions are still reviewed; what needs the schema is not.
                found = list(error.diagnostics) or [_unreadable(error, path, root)]
                skipped = "The analyzer could not read the schema, so the rules "
                skipped += "that need it were skipped."
                found[0] = replace(found[0], hint=f"{found[0].hint or ''} {skipped}")
                findings.extend(found)
                return
            schema = result.schema
            findings.extend([*result.diagnostics, *check_schema(schema)])

    # The schema is read while a worker process reads functions, if one does.
    project = read_project(root, folder, meanwhile=read_the_schema)
    if config.ignore:
        _ignore(project, config.ignore)
    for message, span in project.errors:
        findings.append(
            Diagnostic(
                "A001",
                Severity.ERROR,
                message,
                span,
                "fix the syntax; the analyzer read what it could of this file",
            )
        )
    checks = list(config.access_checks)
    stand_ins = frozenset(
        (f.span.file, f.span.start) for f in findings if f.code == "R002" and f.span
    )
    subject = Subject(
        root, project, schema, schema_file, Options(tuple(checks), data), stand_ins
    )
    for rule in RULES:
        if rule.code in config.disable:
            continue
        for finding in rule.check(subject, rule):
            level = config.severity.get(finding.code)
            findings.append(replace(finding, severity=level) if level else finding)
    findings = [f for f in findings if f.code not in config.disable]
    kept, suppressed = _unsuppressed(root, project, schema_file, findings)
    kept = _unique(kept)
    categories = {r.code: r.category for r in RULES}
    return Analysis(
        root=root,
        project=project,
        schema=schema,
        schema_file=schema_file,
        findings=kept,
        suggestions=advise(project, schema),
        score=health_score(kept, categories),
        suppressed=suppressed,
        config=config,
    )


def _unreadable(error: ConvexSchemaError, path: Path, root: Path) -> Diagnostic:
    return Diagnostic(
        "R007",
        Severity.ERROR,
        f"the schema cannot be read: {error.message}",
        Span(_relative(path, root), 1, 1, 1, 1),
        "fix it (convex-schema check shows why).",
    )


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _ignore(project: Project, patterns: tuple[str, ...]) -> None:
    def ignored(file: str) -> bool:
        return any(fnmatch.fnmatch(file, p) for p in patterns)

    project.files = {k: v for k, v in project.files.items() if not ignored(k)}
    project.functions = [f for f in project.functions if not ignored(f.file)]
    project.helpers = {k: v for k, v in project.helpers.items() if not ignored(k[0])}
    project.changed()


def _unsuppressed(
    root: Path, project: Project, schema_file: str | None, findings: list[Diagnostic]
) -> tuple[list[Diagnostic], int]:
    eslint = {r.eslint: r.code for r in RULES if r.eslint}
    cache: dict[str, Suppressions] = {}

    def suppressions(file: str) -> Suppressions:
        if file not in cache:
            facts = project.files.get(file)
            if facts is not None:
                source, tree = facts.source, None
            else:
                path = root / file
                source = path.read_bytes() if path.is_file() else b""
                tree = None
            if b"-disable" not in source:  # no directive: no need to walk it
                cache[file] = Suppressions()
            else:
                if tree is None and facts is not None:
                    tree = facts.file.tree
                cache[file] = read_suppressions(tree or parse(source), eslint)
        return cache[file]

    kept = []
    for finding in findings:
        span = finding.span
        if span is not None and suppressions(span.file).silences(
            finding.code, span.line
        ):
            continue
        kept.append(finding)
    return kept, len(findings) - len(kept)


def _unique(findings: list[Diagnostic]) -> list[Diagnostic]:
    seen: set[tuple[str, object, str]] = set()
    out = []
    for finding in findings:
        key = (finding.code, finding.span, finding.message)
        if key not in seen:
            seen.add(key)
            out.append(finding)
    return sorted(out, key=_position)


def _position(finding: Diagnostic) -> tuple[str, int, int, str]:
    span = finding.span
    if span is None:
        return ("", 0, 0, finding.code)
    return (span.file, span.line, span.column, finding.code)


def categories() -> dict[str, Category]:
    return {r.code: r.category for r in RULES}
