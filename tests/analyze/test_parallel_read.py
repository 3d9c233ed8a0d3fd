"""A large project is read by two processes (`functions._Worker`): the facts
must be exactly those one process reads, in the same order, and a worker
that fails must cost nothing but time."""

from __future__ import annotations

import os
import pickle
import sys
import threading
import time
from pathlib import Path

import pytest

from convex_schema.analyze import analyze_project, functions
from convex_schema.analyze.config import Config
from convex_schema.model import Span

from support import ROOT

PROJECTS = [
    ROOT / "tests" / "fixtures" / "analyze" / "eslint_parity",
    ROOT / "examples" / "blog",
]

pytestmark = pytest.mark.skipif(
    not hasattr(os, "fork"), reason="the worker is forked; elsewhere one process reads"
)


def _facts(root: Path) -> tuple[object, ...]:
    analysis = analyze_project(root, config=Config())
    project = analysis.project
    files = [
        (
            name,
            facts.use_node,
            facts.imports,
            facts.entry_point,
            facts.import_list,
            facts.env_reads,
            facts.cron_schedules,
            facts.body,
            facts.handlers,
            facts.source,
        )
        for name, facts in project.files.items()
    ]
    return (
        files,
        project.functions,
        list(project.helpers.items()),
        project.errors,
        [f.to_json() for f in analysis.findings],
        [s.to_json() for s in analysis.suggestions],
        analysis.score.to_json(),
    )


def _two_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(functions, "_parallel", lambda paths: True)


def _from_worker(project: functions.Project) -> list[str]:
    """The files the worker read: they came back without their trees."""
    return [k for k, v in project.files.items() if v.file._tree is None]


@pytest.mark.parametrize("root", PROJECTS, ids=lambda p: p.name)
def test_two_processes_read_what_one_reads(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alone = _facts(root)
    _two_processes(monkeypatch)
    assert _facts(root) == alone
    # Held up by other work, this process leaves the reading to the worker.
    project = functions.read_project(
        root, root / "convex", meanwhile=lambda: time.sleep(0.5)
    )
    assert _from_worker(project)


@pytest.mark.parametrize("delivered", [0, 1, 3])
def test_a_failing_worker_is_replaced_by_this_process(
    delivered: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker sends `delivered` runs, then fails: this process reads
    what it took and did not send, and nothing is lost or read twice."""
    root = PROJECTS[0]
    alone = _facts(root)
    _two_processes(monkeypatch)
    dumps = pickle.dumps
    sent = [0]

    def failing(value: object, protocol: int | None = None) -> bytes:
        sent[0] += 1
        if sent[0] > delivered:
            raise pickle.PicklingError("the worker cannot send its facts")
        return dumps(value, protocol=protocol)

    # Only the worker pickles, so only the worker fails.
    monkeypatch.setattr(functions.pickle, "dumps", failing)
    assert _facts(root) == alone
    project = functions.read_project(
        root, root / "convex", meanwhile=lambda: time.sleep(0.5)
    )
    assert len(project.files) == len(functions.function_files(root / "convex"))
    assert len(_from_worker(project)) <= delivered


def test_files_from_the_worker_parse_again_on_demand(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _two_processes(monkeypatch)
    root = PROJECTS[0]
    project = functions.read_project(
        root, root / "convex", meanwhile=lambda: time.sleep(0.5)
    )
    name = _from_worker(project)[0]
    file = project.files[name].file
    assert file.tree.root_node.type == "program"
    assert file.text(file.tree.root_node).encode() == file.source
    span = Span("a.ts", 1, 2, 3, 4, 5, 6)
    assert pickle.loads(pickle.dumps(span)) == span


def test_no_worker_is_forked_beside_other_threads() -> None:
    paths = [Path(f"convex/f{n}.ts") for n in range(functions.PARALLEL_FILES)]
    alone = functions._parallel(paths)
    if sys.platform == "linux" and len(os.sched_getaffinity(0)) >= 2:
        assert alone
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert not functions._parallel(paths)
    finally:
        release.set()
        other.join()
    assert not functions._parallel(paths[:-1])  # a small project: one process
