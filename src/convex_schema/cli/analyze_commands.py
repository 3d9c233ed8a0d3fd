"""`analyze`: findings grouped by file, index suggestions, the health score,
and `--fix` for the safe fixes."""

from __future__ import annotations

import enum
import json
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from convex_schema import runtime
from convex_schema.cli.context import Context
from convex_schema.cli.output import (
    STYLES,
    code_frame,
    escape,
    print_json,
    sarif,
    stderr,
    stdout,
    summary_line,
)
from convex_schema.diagnostics import Diagnostic, Severity, worst
from convex_schema.errors import UsageError
from convex_schema.fsutil import write_atomic

if TYPE_CHECKING:
    from convex_schema.analyze import Analysis

# The analyzer and its rules are imported when `analyze` runs, not when the
# CLI starts: other commands do not pay for them.


class AnalyzeFormat(enum.StrEnum):
    text = "text"
    json = "json"
    sarif = "sarif"


def analyze(
    ctx: typer.Context,
    schema: Annotated[
        Path | None,
        typer.Option("--schema", help="The schema file (default: the project's)."),
    ] = None,
    data: Annotated[
        Path | None,
        typer.Option("--data", help="A snapshot, to measure sizes against limits."),
    ] = None,
    suggestions: Annotated[
        bool,
        typer.Option("--suggestions", help="Show each finding's fix as a diff."),
    ] = False,
    fix: Annotated[
        bool,
        typer.Option("--fix", help="Apply the safe fixes (after showing the diff)."),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="With --fix: show the diff only.")
    ] = False,
    output_format: Annotated[
        AnalyzeFormat, typer.Option("--format", help="text, json or sarif.")
    ] = AnalyzeFormat.text,
    fail_on: Annotated[
        str,
        typer.Option("--fail-on", help="Exit 1 at or above: error, warning, info."),
    ] = "error",
    disable: Annotated[
        list[str] | None,
        typer.Option("--disable", help="A rule code not to run (repeatable)."),
    ] = None,
    list_rules: Annotated[
        bool, typer.Option("--rules", help="List the rules and exit.")
    ] = False,
) -> None:
    """Review the schema and functions: performance, security, design; a score."""
    from convex_schema.analyze import RULES, analyze_project, collector_paused
    from convex_schema.analyze.config import load_config

    if list_rules:
        _print_rules(output_format)
        return
    context: Context = ctx.obj
    try:
        threshold = Severity.parse(fail_on)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--fail-on") from None
    root = context.project
    _check_project(root, schema)
    config = load_config(root)
    config.disable |= {code.upper() for code in disable or []}
    profile = _profile(data, output_format) if data is not None else None
    runtime.fast_exit = True  # the analysis is large, and nothing is left open
    with collector_paused():
        analysis = analyze_project(root, schema, config, profile)
        runtime.keep(analysis)
        if fix:
            _fix(analysis, dry_run, output_format)
            if not dry_run:
                analysis = analyze_project(root, schema, config, profile)
                runtime.keep(analysis)
        if output_format is AnalyzeFormat.json:
            print_json(_json(analysis))
        elif output_format is AnalyzeFormat.sarif:
            print_json(sarif(analysis.findings, RULES))
        else:
            _print_text(analysis, suggestions)
    highest = worst(analysis.findings)
    if highest is not None and highest >= threshold:
        raise typer.Exit(1)


def _profile(data: Path, output_format: AnalyzeFormat) -> dict[str, Any]:
    from convex_schema.snapshot.profile import profile_snapshot
    from convex_schema.snapshot.reader import Snapshot

    if output_format is AnalyzeFormat.text:
        stderr.print(f"measuring {data} ...")
    with Snapshot(data) as snapshot:
        return profile_snapshot(snapshot, [])


def _json(analysis: Analysis) -> dict[str, Any]:
    return {
        "project": str(analysis.root),
        "schema": analysis.schema_file,
        "functions": len(analysis.project.functions),
        "files": len(analysis.project.files),
        "findings": [f.to_json() for f in analysis.findings],
        "suggestions": [s.to_json() for s in analysis.suggestions],
        "score": analysis.score.to_json(),
        "suppressed": analysis.suppressed,
    }


def _print_text(analysis: Analysis, suggestions: bool) -> None:
    by_file: dict[str, list[Diagnostic]] = defaultdict(list)
    for finding in analysis.findings:
        by_file[finding.file or "(project)"].append(finding)
    for file in sorted(by_file):
        stdout.print(f"\n[bold underline]{escape(file)}[/bold underline]")
        for finding in by_file[file]:
            _print_finding(analysis, finding, suggestions)
    if analysis.suggestions:
        stdout.print("\n[bold]Index suggestions[/bold]")
        for item in analysis.suggestions:
            redundant = (
                f"; makes {', '.join(item.makes_redundant)} redundant"
                if item.makes_redundant
                else ""
            )
            stdout.print(
                f'  {escape(item.table)}: .index("{escape(item.name)}", '
                f"[{escape(', '.join(json.dumps(f) for f in item.fields))}]) serves "
                f"{escape(', '.join(item.serves))}{escape(redundant)}"
            )
    _print_score(analysis)


def _print_finding(analysis: Analysis, finding: Diagnostic, suggestions: bool) -> None:
    style = STYLES[finding.severity]
    place = f"{finding.span.line}:{finding.span.column}" if finding.span else ""
    stdout.print(
        f"  {place:>7}  [{style}]{finding.severity.label:<7}[/{style}] "
        f"[bold]{finding.code}[/bold] {escape(finding.message)}"
    )
    for line in code_frame(finding, analysis.root):
        stdout.print("      " + escape(line), style="dim")
    if finding.hint:
        stdout.print(f"      [green]hint:[/green] {escape(finding.hint)}")
    if suggestions and finding.fix:
        from convex_schema.analyze.fixes import plan_fixes

        plan = plan_fixes(analysis.root, analysis.schema_file, [finding], False)
        safe = "" if finding.fix.get("safe") else " (not applied by --fix)"
        stdout.print(
            f"      [green]fix:[/green] {escape(str(finding.fix['description']))}{safe}"
        )
        diff = plan.diff()
        if diff:
            from rich.syntax import Syntax

            stdout.print(Syntax(diff.rstrip("\n"), "diff", background_color="default"))


def _check_project(root: Path, schema: Path | None) -> None:
    """Refuse a folder that holds nothing to review, rather than score it."""
    from convex_schema.reader.project import functions_dir

    if not root.is_dir():
        raise UsageError(
            f"{root}: no such folder; pass the Convex project folder with --project"
        )
    folder = functions_dir(root)
    if not folder.is_dir() and schema is None:
        raise UsageError(
            f"{root}: no {folder.relative_to(root).as_posix()}/ folder here, so no "
            "functions and no schema to review; pass the Convex project folder "
            "(the one holding convex/) with --project"
        )


def _print_score(analysis: Analysis) -> None:
    from convex_schema.analyze.score import WEIGHTS

    score = analysis.score
    parts = ", ".join(
        f"{name} {value:.0f}/{WEIGHTS[category]}"
        for (category, _), (name, value) in zip(
            WEIGHTS.items(), score.categories.items(), strict=True
        )
    )
    stdout.print(f"\n[bold]Health score: {score.total}/100[/bold] ({parts})")
    for code, points, count in score.costs[:5]:
        stdout.print(f"  -{points:.1f}  {code} ({count} finding(s))")
    functions = len(analysis.project.functions)
    suppressed = f", {analysis.suppressed} suppressed" if analysis.suppressed else ""
    stdout.print(
        f"{len(analysis.project.files)} files, {functions} functions: "
        f"{summary_line(analysis.findings)}{suppressed}"
    )


def _fix(analysis: Analysis, dry_run: bool, output_format: AnalyzeFormat) -> None:
    from convex_schema.analyze.fixes import plan_fixes

    plan = plan_fixes(analysis.root, analysis.schema_file, analysis.findings)
    console = stderr if output_format is not AnalyzeFormat.text else stdout
    if not plan.changes:
        console.print("no safe fixes to apply")
        return
    from rich.syntax import Syntax

    console.print(Syntax(plan.diff().rstrip("\n"), "diff", background_color="default"))
    for finding, why in plan.skipped:
        console.print(f"skipped {finding.code} at {finding.location()}: {why}")
    if dry_run:
        console.print(f"--dry-run: {len(plan.applied)} fix(es) not written")
        return
    backups = analysis.root / ".convex-schema" / "backups"
    for change in plan.changes:
        write_atomic(change.path, change.after, backups)
    console.print(
        f"applied {len(plan.applied)} fix(es) to {len(plan.changes)} file(s); "
        f"backups in {backups}"
    )


def _print_rules(output_format: AnalyzeFormat) -> None:
    from convex_schema.analyze import RULES

    rows = [
        {
            "code": r.code,
            "name": r.name,
            "severity": r.severity.label,
            "category": r.category.value,
            "eslint": r.eslint,
            "summary": r.summary,
        }
        for r in sorted(RULES, key=lambda r: r.code)
    ]
    if output_format is not AnalyzeFormat.text:
        print_json(rows)
        return
    for row in rows:
        eslint = f" (covers @convex-dev/{row['eslint']})" if row["eslint"] else ""
        stdout.print(
            f"[bold]{row['code']}[/bold] {row['name']} [{row['severity']}, "
            f"{row['category']}]{eslint}\n    {escape(str(row['summary']))}"
        )


def register(app: typer.Typer) -> None:
    app.command()(analyze)
