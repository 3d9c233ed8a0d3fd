"""Project state in SQLite under `.convex-schema/`: recorded migration plans."""

from convex_schema.store.plans import PlanRecord, PlanStore

__all__ = ["PlanRecord", "PlanStore"]
