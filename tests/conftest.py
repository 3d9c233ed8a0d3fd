"""Shared fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from support import ROOT, fixture_schemas, run_oracle


@pytest.fixture(scope="session")
def oracle() -> dict[Path, dict[str, object]]:
    return {
        path.relative_to(ROOT): record
        for path, record in run_oracle(fixture_schemas()).items()
    }
