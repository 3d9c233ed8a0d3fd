"""Mutated fixture schemas through `show` and `check`: the CLI never crashes.

Whatever the bytes, the exit code is 0, 1 or 2 (never 3, an internal error),
no exception escapes `run`, and an unusable file (exit 2) is named in the
message, with a `file:line:column:` place when there is one.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from convex_schema.cli.main import run

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "schemas"
BASIC = FIXTURES / "01_basic"

# Small and multi-file fixtures: enough shapes, fast to read.
FUZZ_FIXTURES = [
    "01_basic",
    "09_unions_edge",
    "17_indexes_staged",
    "28_spread_base_fields",
    "32_imports_named_validators",
    "34_imports_reexports",
    "37_imports_three_file_chain",
    "60_empty_schema",
]

LOCATED = re.compile(r"\S+:\d+:\d+:")
BRACKETS = b"()[]{}"
CALL = re.compile(rb"\bv\.([A-Za-z_$][\w$]*)\s*\(")
KEY = re.compile(rb"^[ \t]*([A-Za-z_$][\w$]*|\"[^\"\n]*\")[ \t]*:", re.MULTILINE)
VALIDATOR = re.compile(rb"\bv\.(?:string|number|boolean|int64|float64|null|any)\(\)")


# -- the mutations -------------------------------------------------------------
# Each takes the source and a few plain choices, so the explicit tests below
# can call them with fixed arguments and Hypothesis with drawn ones.


def truncate(source: bytes, at: int) -> bytes:
    return source[: at % (len(source) + 1)]


def bracket(source: bytes, at: int, op: str, char: int) -> bytes:
    """Delete, replace ("swap") or insert a bracket near position `at`."""
    new = BRACKETS[char % len(BRACKETS) : char % len(BRACKETS) + 1]
    spots = [i for i, b in enumerate(source) if b in BRACKETS]
    if op == "insert" or not spots:
        i = at % (len(source) + 1)
        return source[:i] + new + source[i:]
    i = spots[at % len(spots)]
    if op == "delete":
        return source[:i] + source[i + 1 :]
    return source[:i] + new + source[i + 1 :]


def rename_call(source: bytes, which: int, name: str) -> bytes:
    """`v.string(` -> `v.<name>(`."""
    calls = list(CALL.finditer(source))
    if not calls:
        return source
    m = calls[which % len(calls)]
    return source[: m.start(1)] + name.encode() + source[m.end(1) :]


def rename_key(source: bytes, which: int, text: str) -> bytes:
    """A table or field name (an object key) -> arbitrary text."""
    keys = list(KEY.finditer(source))
    if not keys:
        return source
    m = keys[which % len(keys)]
    return (
        source[: m.start(1)]
        + text.encode("utf-8", "surrogatepass")
        + source[m.end(1) :]
    )


def insert_bytes(source: bytes, at: int, junk: bytes) -> bytes:
    i = at % (len(source) + 1)
    return source[:i] + junk + source[i:]


def nest(source: bytes, which: int, depth: int, kind: str) -> bytes:
    """Wrap a validator in `depth` levels of `v.array(...)` or `(...)`."""
    found = list(VALIDATOR.finditer(source))
    if not found:  # nothing to wrap: nest a whole table body instead
        found = list(re.finditer(rb"defineSchema\(", source))
        if not found:
            return source
        i = found[0].end()
        opener = b"v.array(" if kind == "array" else b"("
        return source[:i] + opener * depth + b"{}" + b")" * depth + source[i:]
    m = found[which % len(found)]
    opener = b"v.array(" if kind == "array" else b"("
    return (
        source[: m.start()]
        + opener * depth
        + m.group()
        + b")" * depth
        + source[m.end() :]
    )


# -- running the CLI -----------------------------------------------------------


def copy_fixture(fixture: Path, into: Path) -> Path:
    """A copy of the fixture's `convex/` folder; returns its schema.ts."""
    target = into / fixture.name / "convex"
    if not target.exists():
        shutil.copytree(fixture / "convex", target)
    return target / "schema.ts"


def run_both(schema: Path, capsys: pytest.CaptureFixture[str], names: set[str]) -> None:
    for argv in (
        ["show", "--schema", str(schema), "--format", "json"],
        ["check", "--schema", str(schema)],
    ):
        code = run(argv)  # an exception escaping here fails the test
        out, err = capsys.readouterr()
        assert code in (0, 1, 2), f"{argv[0]} exited {code}: {err}"
        if code == 2:
            assert LOCATED.search(err) or any(n in err for n in names), err


def check_mutant(
    fixture: Path, into: Path, capsys: pytest.CaptureFixture[str], data: bytes
) -> None:
    schema = copy_fixture(fixture, into)
    original = schema.read_bytes()
    schema.write_bytes(data)
    try:
        names = {p.name for p in schema.parent.rglob("*") if p.is_file()}
        run_both(schema, capsys, names)
    finally:
        schema.write_bytes(original)


# -- explicit cases on 01_basic, one per mutation kind -------------------------

SOURCE = (BASIC / "convex" / "schema.ts").read_bytes()

EXPLICIT: list[tuple[str, Callable[[bytes], bytes]]] = [
    ("truncate-middle", lambda s: truncate(s, len(s) // 2)),
    ("truncate-empty", lambda s: truncate(s, 0)),
    ("bracket-delete", lambda s: bracket(s, 3, "delete", 0)),
    ("bracket-swap", lambda s: bracket(s, 5, "swap", 5)),
    ("bracket-insert", lambda s: bracket(s, len(s) // 3, "insert", 2)),
    ("rename-call", lambda s: rename_call(s, 0, "strin")),
    ("rename-call-toString", lambda s: rename_call(s, 1, "toString")),
    ("rename-call-constructor", lambda s: rename_call(s, 1, "constructor")),
    ("rename-call-proto", lambda s: rename_call(s, 1, "__proto__")),
    ("rename-key-unicode", lambda s: rename_key(s, 0, "tâb€l😀")),
    ("rename-key-invalid", lambda s: rename_key(s, 1, "1-bad name")),
    ("rename-key-empty-string", lambda s: rename_key(s, 1, '""')),
    ("rename-key-dollar", lambda s: rename_key(s, 2, '"$bad"')),
    ("insert-nul", lambda s: insert_bytes(s, len(s) // 2, b"\x00")),
    ("insert-binary", lambda s: insert_bytes(s, 40, bytes(range(256)))),
    ("insert-invalid-utf8", lambda s: insert_bytes(s, len(s) - 5, b"\xff\xfe\xc3")),
    ("nest-array-200", lambda s: nest(s, 0, 200, "array")),
    ("nest-array-500", lambda s: nest(s, 0, 500, "array")),
    ("nest-parens-2000", lambda s: nest(s, 1, 2000, "parens")),
]

EXPLICIT_EDGES = [
    pytest.param(
        lambda s: nest(s, 0, 2000, "array"),
        id="nest-array-2000",
    ),
    pytest.param(
        lambda s: nest(s, 0, 1000, "array"),
        id="nest-array-1000",
    ),
    pytest.param(
        lambda s: rename_key(s, 1, '"²"'),
        id="rename-key-unicode-digit",
    ),
]


@pytest.mark.parametrize(
    "mutate",
    [pytest.param(m, id=n) for n, m in EXPLICIT] + EXPLICIT_EDGES,
)
def test_mutation_of_basic_does_not_crash(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    mutate: Callable[[bytes], bytes],
) -> None:
    mutant = mutate(SOURCE)
    assert mutant != SOURCE
    check_mutant(BASIC, tmp_path, capsys, mutant)


def test_deep_nesting_is_refused_with_the_file_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    schema = copy_fixture(BASIC, tmp_path)
    schema.write_bytes(nest(SOURCE, 0, 2000, "array"))
    code = run(["show", "--schema", str(schema), "--format", "json"])
    _, err = capsys.readouterr()
    assert code in (0, 2)
    if code == 2:
        assert "schema.ts" in err


# -- the property ----------------------------------------------------------------


identifiers = st.from_regex(r"[A-Za-z_$][\w$]{0,12}", fullmatch=True)


@st.composite
def mutants(draw: st.DrawFn) -> tuple[str, bytes]:
    name = draw(st.sampled_from(FUZZ_FIXTURES))
    source = (FIXTURES / name / "convex" / "schema.ts").read_bytes()
    at = draw(st.integers(min_value=0, max_value=10**6))
    kind = draw(
        st.sampled_from(["truncate", "bracket", "call", "key", "bytes", "nest"])
    )
    if kind == "truncate":
        data = truncate(source, at)
    elif kind == "bracket":
        op = draw(st.sampled_from(["delete", "swap", "insert"]))
        data = bracket(source, at, op, draw(st.integers(0, 5)))
    elif kind == "call":
        data = rename_call(source, at, draw(identifiers))
    elif kind == "key":
        text = draw(st.one_of(identifiers, st.text(max_size=12)))
        if draw(st.booleans()):
            text = '"' + text.replace("\\", "").replace('"', "") + '"'
        data = rename_key(source, at, text)
    elif kind == "bytes":
        junk = draw(
            st.one_of(
                st.binary(min_size=1, max_size=16),
                st.sampled_from([b"\x00", b"\xff", b"\x00" * 8, b"\r", b"\\u{"]),
            )
        )
        data = insert_bytes(source, at, junk)
    else:
        shape = draw(st.sampled_from(["array", "parens"]))
        depth = draw(st.integers(200, 2000))
        data = nest(source, at, depth, shape)
    # Sometimes stack a second, smaller mutation.
    if draw(st.booleans()):
        data = insert_bytes(
            data, draw(st.integers(0, 10**6)), draw(st.binary(max_size=4))
        )
    return name, data


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(mutant=mutants())
def test_mutated_schemas_never_crash_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mutant: tuple[str, bytes]
) -> None:
    name, data = mutant
    check_mutant(FIXTURES / name, tmp_path, capsys, data)


# -- the exit-code contract of `run` itself -----------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["show", "--bogus"], id="unknown-option"),
        pytest.param(["nosuchcmd"], id="unknown-command"),
        pytest.param(["show", "--format", "xml"], id="bad-choice"),
        pytest.param(["check", "--fail-on", "bogus"], id="fail-on"),
    ],
)
def test_usage_errors_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    schema = copy_fixture(BASIC, tmp_path)
    if argv[0] in ("show", "check"):
        argv = [*argv, "--schema", str(schema)]
    assert run(argv) == 2
    capsys.readouterr()


def test_check_exits_1_on_findings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    schema = copy_fixture(BASIC, tmp_path)
    schema.write_bytes(SOURCE.replace(b"tasks:", b"_tasks:"))
    assert run(["check", "--schema", str(schema)]) == 1
    assert "_tasks" in capsys.readouterr().out
