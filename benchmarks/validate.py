"""Benchmark: validating a generated snapshot, ours against JSON Schema peers.

Run from the repository root (`make bench` installs the peers):

    .venv/bin/python benchmarks/validate.py                 # 1,000,000 documents
    .venv/bin/python benchmarks/validate.py --docs 100000   # a quicker run

It generates (once, with tools/make_snapshot.py --bench) a snapshot of N
documents over 6 tables of realistic shapes, with a matching schema.ts, under
benchmarks/.work/. Then, in one run, it times:

  (a) the floor: the ZIP's members read in 1 MiB chunks, split into lines and
      parsed with orjson, and nothing else (the same reading our reader does;
      line-by-line `readline` is shown too);
  (b) ours: `validate_snapshot` in process, references and limits included;
  (c) the `jsonschema` package and (d) `fastjsonschema` over the equivalent
      JSON Schema (generated from the same schema), on the parsed documents;
  (e) peak memory of our validate, in fresh processes, for 10,000 documents
      and for N.

Targets (from the issue): (b) <= 2x (a); (c) >= 20x (b); (d) >= 2x (b); peak
memory for N no more than 64 MB above that for 10,000. Missed targets print
"TARGET MISSED"; the exit code is 0 whatever the timings.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson

from convex_schema.model import (
    AnyV,
    ArrayV,
    BooleanV,
    BytesV,
    CommitTsV,
    Float64V,
    IdV,
    Int64V,
    LiteralV,
    NullV,
    ObjectV,
    RecordV,
    Schema,
    StringV,
    UnionV,
    Validator,
)
from convex_schema.reader import read_schema
from convex_schema.snapshot.reader import Snapshot
from convex_schema.snapshot.validate import validate_snapshot

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / ".work"
MEMORY_TARGET_MB = 64


def generate(docs: int) -> Path:
    """The benchmark snapshot for `docs` documents (generated once)."""
    folder = WORK / f"snapshot-{docs}"
    snapshot = folder / "snapshot.zip"
    if not snapshot.exists() or not (folder / "convex" / "schema.ts").exists():
        folder.mkdir(parents=True, exist_ok=True)
        print(f"generating {docs:,} documents into {folder} ...", flush=True)
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "tools" / "make_snapshot.py"),
                "--bench",
                str(docs),
                "--out",
                str(snapshot),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return snapshot


def members(path: Path) -> Iterator[tuple[str, zipfile.ZipFile]]:
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            parts = name.split("/")
            if (
                len(parts) == 2
                and parts[1] == "documents.jsonl"
                and not parts[0].startswith("_")
            ):
                yield name, archive


def floor_chunked(path: Path) -> int:
    count = 0
    for name, archive in members(path):
        with archive.open(name) as stream:
            rest = b""
            while chunk := stream.read(1 << 20):
                lines = (rest + chunk).split(b"\n")
                rest = lines.pop()
                for line in lines:
                    if line:
                        orjson.loads(line)
                        count += 1
    return count


def floor_readline(path: Path) -> int:
    count = 0
    for name, archive in members(path):
        with archive.open(name) as stream:
            for line in stream:
                orjson.loads(line)
                count += 1
    return count


def ours(path: Path, schema: Schema) -> int:
    with Snapshot(path) as snapshot:
        report = validate_snapshot(schema, snapshot)
    if report.failing_documents:
        raise SystemExit(
            f"the benchmark data should be valid: {report.diagnostics[:3]}"
        )
    return sum(t.checked for t in report.tables)


# -- the equivalent JSON Schema ---------------------------------------------------

FLOAT_SPECIAL = {
    "type": "object",
    "properties": {"$float": {"type": "string"}},
    "required": ["$float"],
    "additionalProperties": False,
}


def json_schema(validator: Validator, top: bool = False) -> dict[str, Any]:
    """JSON Schema for the export encoding of values a validator accepts.

    JSON Schema cannot tell a float64 1.0 from an int64 1 once parsed, so
    `number` and `integer` are the closest it gets; everything else is exact.
    """
    if isinstance(validator, StringV):
        return {"type": "string"}
    if isinstance(validator, IdV):
        return {"type": "string", "pattern": "^[0-9a-z]{31,37}$"}
    if isinstance(validator, Float64V):
        return {"anyOf": [{"type": "number"}, FLOAT_SPECIAL]}
    if isinstance(validator, Int64V | CommitTsV):
        return {"type": "integer"}
    if isinstance(validator, BooleanV):
        return {"type": "boolean"}
    if isinstance(validator, NullV):
        return {"type": "null"}
    if isinstance(validator, BytesV):
        return {
            "type": "object",
            "properties": {"$bytes": {"type": "string"}},
            "required": ["$bytes"],
            "additionalProperties": False,
        }
    if isinstance(validator, AnyV):
        return {}
    if isinstance(validator, LiteralV):
        return {"const": validator.value}
    if isinstance(validator, ArrayV):
        return {"type": "array", "items": json_schema(validator.element)}
    if isinstance(validator, RecordV):
        return {"type": "object", "additionalProperties": json_schema(validator.values)}
    if isinstance(validator, UnionV):
        return {"anyOf": [json_schema(m, top) for m in validator.members]}
    if isinstance(validator, ObjectV):
        properties = {f.name: json_schema(f.validator) for f in validator.fields}
        if top:
            properties["_id"] = {"type": "string"}
            properties["_creationTime"] = {"type": "number"}
        return {
            "type": "object",
            "properties": properties,
            "required": [f.name for f in validator.fields if not f.optional],
            "additionalProperties": False,
        }
    raise TypeError(validator)


def peer(
    path: Path, schema: Schema, build: Callable[[dict[str, Any]], Callable[[Any], bool]]
) -> int:
    checks = {t.name: build(json_schema(t.document, top=True)) for t in schema.tables}
    count = 0
    for name, archive in members(path):
        check = checks[name.split("/")[0]]
        with archive.open(name) as stream:
            rest = b""
            while chunk := stream.read(1 << 20):
                lines = (rest + chunk).split(b"\n")
                rest = lines.pop()
                for line in lines:
                    if line:
                        if not check(orjson.loads(line)):
                            raise SystemExit(
                                f"peer rejected a valid document in {name}"
                            )
                        count += 1
    return count


def with_jsonschema(schema: dict[str, Any]) -> Callable[[Any], bool]:
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema)
    return validator.is_valid  # type: ignore[no-any-return]


def with_fastjsonschema(schema: dict[str, Any]) -> Callable[[Any], bool]:
    import fastjsonschema

    validate = fastjsonschema.compile(schema)

    def check(value: Any) -> bool:
        try:
            validate(value)
        except fastjsonschema.JsonSchemaException:
            return False
        return True

    return check


# -- memory -------------------------------------------------------------------------

MEMORY_PROBE = """
import resource, sys
from pathlib import Path
from convex_schema.reader import read_schema
from convex_schema.snapshot.reader import Snapshot
from convex_schema.snapshot.validate import validate_snapshot
folder = Path(sys.argv[1])
schema = read_schema(folder / "convex" / "schema.ts").schema
with Snapshot(folder / "snapshot.zip") as snapshot:
    validate_snapshot(schema, snapshot)
# On Linux ru_maxrss keeps the high-water mark of the process before exec,
# here the benchmark's own (larger) heap; VmHWM is this program's alone.
try:
    with open("/proc/self/status") as status:
        print(next(int(l.split()[1]) for l in status if l.startswith("VmHWM:")))
except (OSError, StopIteration):
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def peak_mb(snapshot: Path) -> float:
    done = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE, str(snapshot.parent)],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(done.stdout.split()[-1]) / 1024


# -- the run --------------------------------------------------------------------------


def timed(label: str, work: Callable[[], int]) -> tuple[float, int]:
    print(f"  timing {label} ...", flush=True)
    start = time.perf_counter()
    count = work()
    return time.perf_counter() - start, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--skip-peers", action="store_true", help="only floor and ours")
    args = parser.parse_args()

    snapshot = generate(args.docs)
    small = generate(10_000)
    schema = read_schema(snapshot.parent / "convex" / "schema.ts").schema
    size = snapshot.stat().st_size
    where = snapshot.relative_to(ROOT)
    print(f"snapshot: {where} ({size / 1e6:.0f} MB, {args.docs:,} documents)")

    results: dict[str, float] = {}
    for label, work in (
        ("floor: chunks + orjson", lambda: floor_chunked(snapshot)),
        ("floor: readline + orjson", lambda: floor_readline(snapshot)),
        ("ours: validate", lambda: ours(snapshot, schema)),
    ):
        results[label], count = timed(label, work)
    if not args.skip_peers:
        for label, build in (
            ("fastjsonschema", with_fastjsonschema),
            ("jsonschema", with_jsonschema),
        ):
            results[label], count = timed(
                label, lambda b=build: peer(snapshot, schema, b)
            )
    memory_small, memory_large = peak_mb(small), peak_mb(snapshot)
    report(results, args.docs, memory_small, memory_large)


def report(results: dict[str, float], docs: int, small: float, large: float) -> None:
    ours_time = results["ours: validate"]
    print(f"\n{'route':28} {'seconds':>9} {'µs/doc':>8} {'÷ ours':>8}")
    for label, seconds in results.items():
        per_doc, ratio = seconds / docs * 1e6, seconds / ours_time
        print(f"{label:28} {seconds:9.2f} {per_doc:8.2f} {ratio:8.2f}")
    print(
        f"\npeak memory of validate: {small:.0f} MB for 10,000 documents, "
        f"{large:.0f} MB for {docs:,} (+{large - small:.0f} MB)"
    )
    floor = results["floor: chunks + orjson"]
    checks = [
        (
            ours_time <= 2 * floor,
            f"ours is {ours_time / floor:.2f}x the floor (target <= 2x)",
        ),
        (
            large - small <= MEMORY_TARGET_MB,
            f"memory grows {large - small:.0f} MB (target <= 64 MB)",
        ),
    ]
    if "jsonschema" in results:
        checks.append(
            (
                results["jsonschema"] >= 20 * ours_time,
                f"jsonschema is {results['jsonschema'] / ours_time:.1f}x ours "
                "(target >= 20x)",
            )
        )
        checks.append(
            (
                results["fastjsonschema"] >= 2 * ours_time,
                f"fastjsonschema is {results['fastjsonschema'] / ours_time:.1f}x "
                "ours (target >= 2x)",
            )
        )
    for met, text in checks:
        print(("target met: " if met else "TARGET MISSED: ") + text)


if __name__ == "__main__":
    main()
