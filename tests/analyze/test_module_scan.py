"""The one query that reads a file finds every call the module scan needs."""

from __future__ import annotations

from convex_schema.analyze.functions import SCANNED
from convex_schema.analyze.modules import CRON_METHODS, ID_METHODS


def test_the_query_looks_for_every_method_the_scan_reads() -> None:
    assert {*ID_METHODS, "query", *CRON_METHODS, "cron"} == SCANNED
