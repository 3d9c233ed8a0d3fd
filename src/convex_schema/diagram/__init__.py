"""Pictures and documentation of a schema: references, Mermaid, DOT, Markdown."""

from convex_schema.diagram.relations import (
    SYSTEM_TABLES,
    Cardinality,
    Relation,
    TargetKind,
    find_relations,
    neighbourhood,
)

__all__ = [
    "SYSTEM_TABLES",
    "Cardinality",
    "Relation",
    "TargetKind",
    "find_relations",
    "neighbourhood",
]
