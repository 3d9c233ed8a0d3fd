"""A401: an array of document ids in a table's documents.

`tagIds: v.array(v.id("tags"))` is a one-to-many (or many-to-many) relation
kept inside the document. If the list can grow, it moves toward the
8,192-element and 1 MiB document limits, every change rewrites the whole
document (and conflicts with every other write to it), and "which posts have
tag t" has no index. The analyzer cannot know whether a list is bounded, so
every such field is reported, anywhere in the document (nested objects,
union members), and the hint names the join table that would replace it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from convex_schema.analyze.common import index_name, places, user_tables
from convex_schema.analyze.registry import Category, Rule, Subject, rule
from convex_schema.diagnostics import Diagnostic, Severity
from convex_schema.model import ArrayV, IdV, UnionV, Validator
from convex_schema.model.limits import MAX_ARRAY_LENGTH


@rule(
    "A401",
    "unbounded-id-array",
    Severity.WARNING,
    Category.design,
    'An array of ids (v.array(v.id("t"))) in a document: if the list can grow, '
    "it heads for the 8,192-element and 1 MiB limits, and every change rewrites "
    "the whole document; keep the links in a join table with an index.",
)
def check(subject: Subject, rule: Rule) -> Iterator[Diagnostic]:
    schema = subject.schema
    if schema is None:
        return
    for table in user_tables(schema):
        for place in places(table.document):
            if not isinstance(place.validator, ArrayV):
                continue
            targets = _id_tables(place.validator.element)
            if not targets:
                continue
            path = place.path or "?"
            shown = " or ".join(f'"{t}"' for t in targets)
            yield rule.finding(
                f'field "{path}" of "{table.name}" is an array of ids of {shown}: '
                f"if it can grow, it heads for the {MAX_ARRAY_LENGTH:,}-element "
                "and 1 MiB document limits, and every change rewrites the "
                "whole document",
                place.span(table),
                hint=_hint(table.name, path, targets),
                data={"table": table.name, "field": path, "targets": targets},
            )


def _id_tables(element: Validator) -> list[str]:
    """The tables of `v.id(t)` or of a union of ids; [] for anything else."""
    if isinstance(element, IdV):
        return [element.table]
    if isinstance(element, UnionV):
        tables = [m.table for m in element.members if isinstance(m, IdV)]
        if tables and len(tables) == len(element.members):
            return list(dict.fromkeys(tables))
    return []


def _hint(table: str, path: str, targets: list[str]) -> str:
    owner = _singular(table)
    leaf = re.split(r"[.\[\]{}]+", path.strip("[]{}"))[-1]
    stem = re.sub(r"_?(Ids|ids|IDs|Id|id)\Z", "", leaf) or _singular(targets[0])
    stem = _singular(stem)
    child = owner + stem[:1].upper() + _plural(stem)[1:]
    owner_field = f"{owner}Id"
    element_field = f"{stem}Id"
    if element_field == owner_field:
        element_field = f"other{stem[:1].upper()}{stem[1:]}Id"
    ids = ", ".join(f'v.id("{t}")' for t in targets)
    element = ids if len(targets) == 1 else f"v.union({ids})"
    return (
        f"keep one document per link in a table such as {child} "
        f'{{ {owner_field}: v.id("{table}"), {element_field}: {element} }}, '
        f"with indexes {index_name([owner_field])} and "
        f"{index_name([element_field])}, and drop the array"
    )


def _singular(name: str) -> str:
    if name.endswith("ies") and len(name) > 3:
        return name[:-3] + "y"
    if name.endswith(("sses", "xes", "ches", "shes")):
        return name[:-2]
    if name.endswith("s") and not name.endswith("ss"):
        return name[:-1]
    return name


def _plural(name: str) -> str:
    if name.endswith("y") and name[-2:-1] not in ("a", "e", "i", "o", "u"):
        return name[:-1] + "ies"
    if name.endswith(("s", "x", "ch", "sh")):
        return name + "es"
    return name + "s"
