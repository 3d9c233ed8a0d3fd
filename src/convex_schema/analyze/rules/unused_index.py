"""A204: a database index that no function's query uses."""

from __future__ import annotations

import re
from collections.abc import Iterator

from convex_schema.analyze.common import drop_index_fix
from convex_schema.analyze.functions import Project
from convex_schema.analyze.registry import Category, Rule, Subject, rule
from convex_schema.diagnostics import Diagnostic, Severity
from convex_schema.model import Schema


@rule(
    "A204",
    "unused-index",
    Severity.INFO,
    Category.performance,
    "No query in the project uses this index. Each index is another copy of the "
    "table and slows every write; drop it if nothing outside this project uses it.",
)
def check(subject: Subject, rule: Rule) -> Iterator[Diagnostic]:
    schema = subject.schema
    project = subject.project
    if schema is None or not project.functions:
        return
    used = {(chain.table, chain.index) for _, chain in project.queries()}
    used |= {(chain.table, chain.search_index) for _, chain in project.queries()}
    untyped = {chain.index for _, chain in project.queries() if chain.table is None}
    named: set[str] | None = None  # every quoted name in the function files
    for table in schema.tables:
        for index in table.db_indexes(staged=False):
            if index.span is None:
                continue  # a package's index (`...authTables`): not ours to drop
            if (table.name, index.name) in used or index.name in untyped:
                continue
            if named is None:
                named = _quoted_names(project, _schema_files(schema))
            if index.name in named:
                continue  # passed by name, e.g. getManyFrom(db, "t", "by_x", …)
            yield rule.finding(
                f'no query uses index "{index.name}" of "{table.name}"',
                index.span,
                hint="drop it, or keep it if code outside convex/ (a component, "
                "the dashboard) needs it",
                fix=drop_index_fix(subject, table, index),
            )


QUOTED_NAME = re.compile(rb"[\"'`]([A-Za-z_$][\w$]*)[\"'`]")


def _quoted_names(project: Project, skip: set[str]) -> set[str]:
    """The identifier-like strings quoted anywhere in the function files
    but those in `skip`: an index named there may be used through a helper
    that takes its name, as convex-helpers' `getManyFrom` does."""
    names: set[str] = set()
    for relative, facts in project.files.items():
        if relative not in skip:
            names.update(m.decode() for m in QUOTED_NAME.findall(facts.source))
    return names


def _schema_files(schema: Schema) -> set[str]:
    """The files the schema's tables and indexes are written in, where
    every index name is quoted once by its own definition."""
    files = {table.span.file for table in schema.tables if table.span is not None}
    for table in schema.tables:
        files.update(i.span.file for i in table.indexes if i.span is not None)
    return files
