"""What a diagram shows: the tables chosen, their references, and the system
and missing tables those references reach."""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass

from convex_schema.diagram.relations import (
    Relation,
    TargetKind,
    find_relations,
    neighbourhood,
)
from convex_schema.errors import UsageError
from convex_schema.model import Schema, Table

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Diagram:
    """Tables in declaration order, then the tables that are only referenced:
    system tables and tables missing from the schema, each sorted by name."""

    tables: tuple[Table, ...]
    relations: tuple[Relation, ...]
    system: tuple[str, ...]
    missing: tuple[str, ...]


def build_diagram(
    schema: Schema,
    tables: Collection[str] | None = None,
    around: str | None = None,
    depth: int = 1,
) -> Diagram:
    """The diagram of `schema`, or of the `tables` named, or of the tables
    within `depth` references of `around` (both narrow it when both given)."""
    relations = find_relations(schema)
    chosen = set(schema.table_names)
    if tables is not None:
        chosen &= {_known(schema, name) for name in tables}
    if around is not None:
        chosen &= neighbourhood(relations, _known(schema, around), depth)
    logger.info("diagram of %d of %d tables", len(chosen), len(schema.tables))

    kept = tuple(
        r
        for r in relations
        if r.source in chosen
        and (r.target in chosen or r.target_kind is not TargetKind.TABLE)
    )
    return Diagram(
        tables=tuple(t for t in schema.tables if t.name in chosen),
        relations=kept,
        system=_targets(kept, TargetKind.SYSTEM),
        missing=_targets(kept, TargetKind.MISSING),
    )


def _targets(relations: tuple[Relation, ...], kind: TargetKind) -> tuple[str, ...]:
    return tuple(sorted({r.target for r in relations if r.target_kind is kind}))


def _known(schema: Schema, name: str) -> str:
    if schema.table(name) is not None:
        return name
    from rapidfuzz import fuzz, process

    close = process.extractOne(name, list(schema.table_names), scorer=fuzz.ratio)
    hint = f'; did you mean "{close[0]}"?' if close and close[1] >= 70 else ""
    raise UsageError(f'there is no table "{name}" in the schema{hint}')
