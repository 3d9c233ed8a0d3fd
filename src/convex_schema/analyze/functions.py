"""What the functions of a Convex project do, read with tree-sitter.

For every file under the functions folder (`convex/` unless `convex.json`
says otherwise) this finds each registered function — `export const list =
query({...})` and its internal, mutation, action and http forms, the old
bare-handler form, and functions made with builders such as convex-helpers'
`customQuery(query, ...)` — and records what its handler does with the
database and the runtime: every `db.query("t")` chain (its `withIndex` range,
`.filter` comparisons, `.order` and the call that ends it), the `db.get /
insert / patch / replace / delete` calls, `ctx.auth`, `ctx.scheduler`,
`ctx.run*`, awaits inside loops, `Date.now()` (and `new Date()`) and
`process.env`.

Handlers often call helpers (`getUser(ctx)`, `listVisible(ctx, ...)`) defined
in the same file or imported from another file of the project. A helper's
facts are read once and counted for every function that calls it, to a depth
of `HELPER_DEPTH`, so a query built in `convex/model/messages.ts` belongs to
each public function that uses it. Facts keep their own place, so a finding
about a helper's query points at the helper.
"""

from __future__ import annotations

import bisect
import functools
import operator
import os
import pickle
import re
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

from tree_sitter import Language, Node, Query, QueryCursor

from convex_schema.model import Span
from convex_schema.reader.syntax import SourceFile, string_value, unwrap

if TYPE_CHECKING:
    from convex_schema.analyze.modules import CronSchedule, EnvRead, Import

HELPER_DEPTH = 3

# Registration functions from `_generated/server` and what they register.
REGISTRARS = {
    "query": ("query", True),
    "mutation": ("mutation", True),
    "action": ("action", True),
    "internalQuery": ("query", False),
    "internalMutation": ("mutation", False),
    "internalAction": ("action", False),
    "httpAction": ("httpAction", True),
}
# Builders that wrap a registrar: `customQuery(query, mods)` is a new
# registrar of the same kind (convex-helpers and its zod variants).
BUILDERS = re.compile(r"^(z?[cC]ustom(Query|Mutation|Action)|zCustom\w+|zid\w*)$")
BUILDER_NAMES = re.compile(
    rb"\b(z?[cC]ustom(Query|Mutation|Action)|zCustom\w+|zid\w*)\b"
)
TERMINALS = {"collect", "take", "first", "unique", "paginate"}
# convex-helpers' relationship helpers, and the argument naming the index
# they read through: `getManyFrom(db, table, index, value)`,
# `getManyVia(db, table, toField, index, value)`.
INDEX_HELPERS = {
    "getOneFrom": 2,
    "getOneFromOrThrow": 2,
    "getManyFrom": 2,
    "getManyVia": 3,
    "getManyViaOrThrow": 3,
}
RANGE_OPS = {"eq", "gt", "gte", "lt", "lte"}
FILTER_OPS = {"eq", "neq", "gt", "gte", "lt", "lte"}
DB_METHODS = {"get", "insert", "patch", "replace", "delete", "query", "normalizeId"}
# Methods `_read_new_call` records whatever they are called on.
NOTED_METHODS = frozenset(
    {*DB_METHODS, "now", "runQuery", "runMutation", "runAction", "runAfter", "runAt"}
    | {"getAuthUserId"}
)
LOOPS = {"for_statement", "for_in_statement", "while_statement", "do_statement"}
LOOP_TYPES = frozenset(LOOPS)
SOURCE_SUFFIXES = (".ts", ".tsx", ".js", ".mjs")
FUNCTION_NODES = {
    "arrow_function",
    "function_expression",
    "function_declaration",
    "generator_function_declaration",
    "method_definition",
}
FUNCTIONS = frozenset(FUNCTION_NODES)


@dataclass(frozen=True)
class Comparison:
    """One `q.op(q.field("f"), value)` of a `.filter`, or a range step of a
    `withIndex` (`q.eq("f", value)`)."""

    op: str
    field: str
    value: str  # the other operand's source text
    span: Span


@dataclass
class QueryChain:
    """`db.query("t")` and the calls chained on it."""

    table: str | None
    span: Span  # the whole chain, as written
    query_span: Span  # `db.query("t")`
    index: str | None = None
    index_span: Span | None = None
    index_range: list[Comparison] = field(default_factory=list)
    search_index: str | None = None
    filters: list[Span] = field(default_factory=list)  # each `.filter(...)` call
    filter_span: Span | None = None  # from `.filter` to its closing paren
    filter_comparisons: list[Comparison] = field(default_factory=list)
    filter_simple: bool = False  # only `eq`s joined by `and` (rewritable)
    order: str | None = None
    terminal: str | None = None  # collect, take, first, unique, paginate, iterate
    in_loop: bool = False


@dataclass(frozen=True)
class Call:
    """A call of interest: `db.get`, `ctx.runQuery`, `ctx.scheduler.runAfter`."""

    kind: str  # db | run | schedule | auth | date_now | process_env
    name: str  # get, insert, runQuery, runAfter, getUserIdentity, ...
    span: Span
    table: str | None = None  # explicit table argument of a db call
    explicit_table: bool = False
    target: str | None = None  # `internal.messages.send`, `api.x.y`
    in_loop: bool = False
    target_span: Span | None = None  # where `target` is written
    # A db call's shape, for `explicit-table-ids`. `id_table` and a `known_db`
    # bare `db` are worked out only for the file-wide `SourceFacts.body`.
    arguments: int = 0
    receiver: str = ""  # what the method is called on: `ctx.db`
    first_argument: Span | None = None
    known_db: bool = False  # `<x>.db`, or a `db` bound to a database
    id_table: str | None = None  # the table of the id argument, when known


@dataclass(frozen=True)
class LoopRead:
    """An `await` in a loop's body whose expression reads, one iteration at a
    time: `db.get`, a `db.query` chain, `ctx.run*`, or a call of a helper
    (which reads if its own facts say so). Callbacks inside the expression,
    such as `Promise.all(ids.map(...))`, do not count."""

    span: Span  # the await expression
    loop: Span  # the innermost loop around it
    loop_kind: str  # for, for-of, for-in, for-await, while, do-while
    reads: tuple[str, ...]  # `db.get`, `db.query("t")`, `ctx.runQuery`
    helpers: tuple[tuple[str, str], ...] = ()  # (file, name) of called helpers
    helper_names: tuple[str, ...] = ()
    # The loop runs until what it reads says stop (see `_read_decides`).
    read_decides: bool = False


@dataclass
class Body:
    """What one handler or helper does."""

    queries: list[QueryChain] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    loop_awaits: list[Span] = field(default_factory=list)  # once per iteration
    helpers: list[tuple[str, str]] = field(default_factory=list)  # (file, name)
    helper_names: list[str] = field(default_factory=list)  # every called name
    loop_reads: list[LoopRead] = field(default_factory=list)


@dataclass
class Function:
    """A registered Convex function."""

    name: str  # `messages:list`, the way Convex names it
    file: str  # relative to the project root
    export: str
    kind: str  # query, mutation, action, httpAction
    public: bool
    span: Span  # the registration call
    name_span: Span
    old_syntax: bool = False
    has_args: bool = False
    args: dict[str, str] = field(default_factory=dict)  # name -> validator text
    arg_spans: dict[str, Span] = field(default_factory=dict)  # name -> its pair
    args_span: Span | None = None
    args_used: bool = True
    has_returns: bool = False
    builder: str | None = None  # the custom builder it was made with
    builder_checks_auth: bool = False
    # (file, name) of what the builder's customization calls, when it does
    # not check auth itself: a helper of the project may (see `read_project`).
    builder_calls: tuple[tuple[str, str], ...] = ()
    definition_span: Span | None = None  # the registrar's object or function
    handler_span: Span | None = None
    args_parameter: bool = False  # the handler takes a non-empty second parameter
    args_type: str | None = None  # that parameter's type annotation
    # Callees where `require-access-control` looks for a check: calls that are
    # top-level statements, declarations or returns, and calls in `if` tests.
    guard_calls: list[str] = field(default_factory=list)
    body: Body = field(default_factory=Body)
    reach: Body = field(default_factory=Body)  # body + the helpers it calls
    top_level_calls: list[str] = field(default_factory=list)


# The calls, queries, helpers and helper names one call adds to a Body.
CallFacts = tuple[list["Call"], list["QueryChain"], list[tuple[str, str]], list[str]]


@dataclass
class SourceFacts:
    """A file's own facts, beside its functions."""

    path: Path
    relative: str
    file: SourceFile
    use_node: bool = False
    # Filled by `modules.read_imports`, before the functions are read:
    imports: dict[str, tuple[str, str]] = field(default_factory=dict)
    import_list: list[Import] = field(default_factory=list)
    # Filled by `modules.read_module`:
    entry_point: bool = True  # Convex bundles it as a module of functions
    env_reads: list[EnvRead] = field(default_factory=list)
    cron_schedules: list[CronSchedule] = field(default_factory=list)
    body: Body = field(default_factory=Body)  # every db call and query in it
    # handler node's first byte -> its args validators (name -> text)
    handlers: dict[int, dict[str, str]] = field(default_factory=dict)
    # (table, index) named as strings to a helper that reads through the
    # index: convex-helpers' `getManyFrom(db, "t", "by_x", value)` and kin.
    index_uses: list[tuple[str, str]] = field(default_factory=list)
    # What each call read so far found, by (start, end, in a loop).
    read_calls: dict[tuple[int, int, bool], CallFacts] = field(
        default_factory=dict, repr=False
    )
    # The file's calls and `process.env`s in document order, with
    # their context (see `_events`); read once, on the first body read.
    events: Events | None = field(default=None, repr=False, compare=False)

    @property
    def source(self) -> bytes:
        return self.file.source

    def forget_nodes(self) -> None:
        """Drop what holds tree nodes, which do not outlive their process."""
        self.read_calls = {}
        self.events = None


@dataclass
class Project:
    root: Path
    functions_dir: Path
    files: dict[str, SourceFacts] = field(default_factory=dict)
    functions: list[Function] = field(default_factory=list)
    helpers: dict[tuple[str, str], Body] = field(default_factory=dict)
    errors: list[tuple[str, Span]] = field(default_factory=list)
    _users: dict[tuple[str, int], list[Function]] | None = field(
        default=None, repr=False, compare=False
    )
    _queries: list[tuple[Function | None, QueryChain]] | None = field(
        default=None, repr=False, compare=False
    )
    _calls: dict[str, list[tuple[Call, list[Function]]]] | None = field(
        default=None, repr=False, compare=False
    )
    _functions_prefix: str | None = field(default=None, repr=False, compare=False)

    @property
    def functions_prefix(self) -> str:
        """The functions folder relative to the root: `convex`."""
        if self._functions_prefix is None:
            self._functions_prefix = _relative(self.functions_dir, self.root)
        return self._functions_prefix

    _others: dict[str, SourceFacts | None] = field(
        default_factory=dict, repr=False, compare=False
    )

    def queries(self) -> Iterator[tuple[Function | None, QueryChain]]:
        """Every query chain once, with one function that runs it (or None
        for a helper no function calls). Listed once: most rules ask."""
        if self._queries is None:
            found: list[tuple[Function | None, QueryChain]] = []
            seen: set[tuple[str, int]] = set()
            for function in self.functions:
                for chain in function.reach.queries:
                    key = (chain.span.file, chain.span.start)
                    if key not in seen:
                        seen.add(key)
                        found.append((function, chain))
            for body in self.helpers.values():
                for chain in body.queries:
                    key = (chain.span.file, chain.span.start)
                    if key not in seen:
                        seen.add(key)
                        found.append((None, chain))
            self._queries = found
        return iter(self._queries)

    def calls_of(self, kind: str) -> list[tuple[Call, list[Function]]]:
        """Every call of `kind` (`run`, `date_now`, ...) once per place, with
        the functions that reach it, in the order they are first met; calls
        of helpers no function calls come last, with no functions. One pass
        over every reach serves all kinds (several rules ask)."""
        if self._calls is None:
            found: dict[tuple[str, int, str], tuple[Call, list[Function]]] = {}
            for function in self.functions:
                for call in function.reach.calls:
                    key = (call.span.file, call.span.start, call.kind)
                    users = found.setdefault(key, (call, []))[1]
                    # A function's calls are all met before the next one's.
                    if not users or users[-1] is not function:
                        users.append(function)
            for body in self.helpers.values():
                for call in body.calls:
                    found.setdefault(
                        (call.span.file, call.span.start, call.kind), (call, [])
                    )
            by_kind: dict[str, list[tuple[Call, list[Function]]]] = {}
            for item in found.values():
                by_kind.setdefault(item[0].kind, []).append(item)
            self._calls = by_kind
        return self._calls.get(kind, [])

    def changed(self) -> None:
        """Forget what was worked out from the functions and helpers, after
        a change to either."""
        self._queries = None
        self._users = None
        self._calls = None

    def facts_of(self, relative: str) -> SourceFacts | None:
        """A file's facts by its path: a project file's, or (for a file the
        functions folder does not hold, such as one excluded by `ignore`) a
        file parsed on demand and kept aside."""
        found = self.files.get(relative)
        if found is not None:
            return found
        if relative not in self._others:
            path = self.root / relative
            facts = None
            if path.is_file() and path.suffix in (".ts", ".tsx", ".js", ".mjs"):
                file = SourceFile(str(path), path.read_bytes(), relative)
                facts = SourceFacts(path, relative, file)
            self._others[relative] = facts
        return self._others[relative]

    def users_of(self, chain: QueryChain) -> list[Function]:
        """The functions that run `chain`, directly or through helpers."""
        if self._users is None:
            users: dict[tuple[str, int], list[Function]] = {}
            for function in self.functions:
                keys = {(c.span.file, c.span.start) for c in function.reach.queries}
                for key in keys:
                    users.setdefault(key, []).append(function)
            self._users = users
        return list(self._users.get((chain.span.file, chain.span.start), []))

    def helper(self, key: tuple[str, str]) -> Body | None:
        """A called helper's facts with those of the helpers it calls, or
        None when `key` (as a `Body.helpers` entry) is not a project helper."""
        resolved = _helper_key(self, key)
        if resolved is None:
            return None
        return _reach(self, self.helpers[resolved], HELPER_DEPTH - 1, {resolved})


def function_files(functions_dir: Path) -> list[Path]:
    """The TypeScript and JavaScript files Convex would bundle, in path
    order. `_generated`, `node_modules` and hidden folders are not entered,
    nor folders reached through a symbolic link."""
    out: list[str] = []
    pending = [(str(functions_dir), True)]
    while pending:
        folder, top = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                if not (top and name in ("_generated", "node_modules")):
                    pending.append((entry.path, False))
            elif name.endswith(SOURCE_SUFFIXES) and not name.endswith(".d.ts"):
                if entry.is_file():
                    out.append(entry.path)
    # Ordered as paths are: part by part (`a/x.ts` before `a-b.ts`).
    out.sort(key=lambda path: path.split(os.sep))
    return [Path(path) for path in out]


def read_project(
    root: Path, functions_dir: Path, meanwhile: Callable[[], object] | None = None
) -> Project:
    """Every file's facts, every function, helpers resolved across files.

    `meanwhile` is work for this process to do first when a worker process
    shares the reading (the analyzer reads the schema then); it is called in
    any case, before the files are read."""
    paths = function_files(functions_dir)
    reading = _Reading({}, {}, {}, {})
    reading.builders = _builders(root, paths, reading)
    project = _read_files(root, functions_dir, paths, reading, meanwhile)
    for function in project.functions:
        function.reach = _reach(project, function.body, HELPER_DEPTH, set())
        if function.builder_calls and not function.builder_checks_auth:
            function.builder_checks_auth = any(
                _helper_checks(project, key) for key in function.builder_calls
            )
    return project


def _helper_checks(project: Project, key: tuple[str, str]) -> bool:
    """Whether the project function `name`, as the file `file` calls it,
    reads the identity or calls an access check (directly or through the
    helpers it calls)."""
    file, name = key
    facts = project.files.get(file)
    imported = facts.imports.get(name) if facts is not None else None
    body = project.helper(imported or key)
    return body is not None and checks_access(body)


def checks_access(body: Body, also: Callable[[str], bool] | None = None) -> bool:
    """Whether a body reads the identity (a `ctx.auth` call) or calls an
    access check: a name like requireUser, or one `also` accepts."""
    return any(call.kind == "auth" for call in body.calls) or any(
        _access_helper_name(name) or (also is not None and also(name))
        for name in body.helper_names
    )


@dataclass
class _Reading:
    """What reading a file needs from the whole project: the custom builders,
    and what finding them read and parsed."""

    builders: Builders
    parsed: dict[Path, SourceFile]
    sources: dict[Path, bytes]  # every file's bytes, read once
    names: dict[Path, str]  # every file's path relative to the root


def _read_files(
    root: Path,
    functions_dir: Path,
    paths: list[Path],
    reading: _Reading,
    meanwhile: Callable[[], object] | None,
) -> Project:
    """The facts of each file of `paths`, before helpers are followed. On a
    large project a second process reads some of the files (see `_Worker`)."""
    project = Project(root=root, functions_dir=functions_dir)
    shares = _Shares.make(paths) if _parallel(paths) else None
    worker = _Worker.start(project, shares, reading) if shares is not None else None
    if meanwhile is not None:
        meanwhile()
    if shares is None or worker is None:
        parts = [_read_part(project, paths, reading)]
    else:
        # Between runs of its own, this process takes in what the worker has
        # sent so far: little is left to take in when the reading ends.
        parts = []
        for run in shares.runs():
            parts.append(_read_part(project, run, reading))
            parts += worker.delivered()
        parts += worker.finish()
        read = {name for part in parts for name in part.files}
        rest = [p for p in paths if reading.names[p] not in read]
        if rest:  # what a failed worker took but did not deliver
            parts.append(_read_part(project, rest, reading))
    if shares is not None:
        shares.close()
    # Put the parts back in the order of `paths`, as one reader would.
    files = {k: v for part in parts for k, v in part.files.items()}
    for path in paths:
        relative = reading.names[path]
        project.files[relative] = files[relative]
    order = {relative: place for place, relative in enumerate(project.files)}
    for part in parts:
        project.functions += part.functions
        project.errors += part.errors
    project.functions.sort(key=lambda function: order[function.file])
    project.errors.sort(key=lambda error: order[error[1].file])
    helpers = [item for part in parts for item in part.helpers.items()]
    helpers.sort(key=lambda item: order[item[0][0]])
    project.helpers = dict(helpers)
    return project


def _read_part(project: Project, paths: Iterable[Path], reading: _Reading) -> Project:
    """Files, functions, helpers and errors of `paths`, in a project of their
    own (the file-wide module facts included)."""
    # Imported here: `modules` builds on this module's readers.
    from convex_schema.analyze.modules import read_imports, read_module

    part = Project(root=project.root, functions_dir=project.functions_dir)
    for path in paths:
        relative = reading.names.get(path) or _relative(path, project.root)
        file = reading.parsed.get(path) or SourceFile(
            str(path), reading.sources.get(path) or path.read_bytes(), relative
        )
        facts = SourceFacts(path, relative, file)
        part.files[relative] = facts
        if file.tree.root_node.has_error:
            first = _first_error(file.tree.root_node)
            if first is not None:
                part.errors.append(
                    ("this file does not parse as TypeScript", file.span(first))
                )
        read_imports(part, facts)
        _read_file(part, facts, reading.builders)
        read_module(part, facts)
    return part


# A project of at least this many files is read by two processes.
PARALLEL_FILES = 200


def _parallel(paths: list[Path]) -> bool:
    """Whether a second process should share the reading: not for a small
    project, on one CPU, or without `fork` (a worker started any other way
    would import everything again), and not from a process with other
    threads, which a fork would copy mid-step (an editor's server, say)."""
    if len(paths) < PARALLEL_FILES or sys.platform != "linux":
        return False
    if threading.active_count() > 1 or not hasattr(os, "fork"):
        return False
    return len(os.sched_getaffinity(0)) >= 2


class _Shares:
    """The files, in small runs that the two processes take in turn, each as
    soon as it is ready for more: both finish at about the same time, however
    busy the machine. A run's number is one byte in a pipe written before
    the fork; a read of a pipe takes bytes no other reader gets."""

    RUNS = 255

    def __init__(self, paths: list[Path], size: int, read_end: int) -> None:
        self.paths = paths
        self.size = size
        self.read_end = read_end

    @classmethod
    def make(cls, paths: list[Path]) -> _Shares:
        size = -(-len(paths) // cls.RUNS)
        runs = -(-len(paths) // size)
        read_end, write_end = os.pipe()
        os.write(write_end, bytes(range(runs)))
        os.close(write_end)  # an empty pipe then reads as the end
        return cls(paths, size, read_end)

    def runs(self) -> Iterator[list[Path]]:
        while True:
            taken = os.read(self.read_end, 1)
            if not taken:
                return
            start = taken[0] * self.size
            yield self.paths[start : start + self.size]

    def close(self) -> None:
        os.close(self.read_end)


class _Worker:
    """A forked process that reads runs of files while this one reads the
    others. It shares this process's loaded modules, so it starts in a few
    milliseconds. It sends the facts of each run back as soon as they are
    read, pickled (without trees, which are parsed again here if something
    asks for one) and length-prefixed, into an unlinked temporary file. If
    it fails for any reason, this process reads what it took and did not
    deliver: the worker can only save time, never lose facts."""

    def __init__(self, pid: int, out: IO[bytes]) -> None:
        self.pid = pid
        self.out = out
        self.taken = 0  # how far this process has read the worker's file

    @classmethod
    def start(
        cls, project: Project, shares: _Shares, reading: _Reading
    ) -> _Worker | None:
        out = tempfile.TemporaryFile()
        try:
            pid = os.fork()
        except OSError:
            out.close()
            return None
        if pid != 0:
            return cls(pid, out)
        code = 1
        try:
            for run in shares.runs():
                part = _read_part(project, run, reading)
                for facts in part.files.values():
                    facts.forget_nodes()
                nothing_yet = Body()  # `reach` is worked out after the reading
                for function in part.functions:
                    function.reach = nothing_yet
                data = pickle.dumps(
                    (part.files, part.functions, part.helpers, part.errors),
                    protocol=pickle.HIGHEST_PROTOCOL,
                )
                record = len(data).to_bytes(8, "little") + data
                while record:
                    record = record[os.write(out.fileno(), record) :]
            code = 0
        finally:
            # Leave at once: no exit handlers, no flushing of buffers that
            # belong to the parent.
            os._exit(code)

    def delivered(self) -> list[Project]:
        """The runs the worker has sent since the last call."""
        out: list[Project] = []
        fd = self.out.fileno()
        size = os.fstat(fd).st_size
        while self.taken + 8 <= size:
            length = int.from_bytes(os.pread(fd, 8, self.taken), "little")
            if self.taken + 8 + length > size:
                break  # still being written
            data = os.pread(fd, length, self.taken + 8)
            self.taken += 8 + length
            part = Project(root=Path(), functions_dir=Path())
            part.files, part.functions, part.helpers, part.errors = pickle.loads(data)
            out.append(part)
        return out

    def finish(self) -> list[Project]:
        """The runs the worker sent and were not yet taken in, once it has
        ended: all it read, or what it read before it failed."""
        try:
            os.waitpid(self.pid, 0)
            return self.delivered()
        except (OSError, pickle.UnpicklingError, EOFError, ValueError):
            return []
        finally:
            self.out.close()


def _relative(path: Path, root: Path) -> str:
    """`path` relative to the project root, with `/` (as findings show it)."""
    return _relative_text(str(path), str(root))


@functools.lru_cache(maxsize=65536)
def _relative_text(path: str, root: str) -> str:
    absolute = os.path.abspath(path)
    base = str(_resolved(str(root)))
    if not absolute.startswith(base + os.sep):
        absolute = str(Path(absolute).resolve())  # through a symlink, maybe
        if not absolute.startswith(base + os.sep):
            return Path(path).as_posix()
    return absolute[len(base) + 1 :].replace(os.sep, "/")


@functools.lru_cache(maxsize=64)
def _resolved(root: str) -> Path:
    return Path(root).resolve()


def _first_error(node: Node) -> Node | None:
    """The first syntax error under `node`, or None when every error is
    TypeScript the grammar does not know yet (see `_newer_syntax`)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "ERROR" or current.is_missing:
            if not _newer_syntax(current):
                return current
            continue
        stack.extend(reversed(current.children))
    return None


# Variance annotations on type parameters (TypeScript 4.7): `<in out T>`.
VARIANCE = re.compile(rb"[<,]\s*(in|out|const)\s+[A-Za-z_$]")


def _newer_syntax(error: Node) -> bool:
    """Whether an error node is valid TypeScript that tree-sitter's grammar
    predates, which the tree around it still reads: `export type * from`
    (TypeScript 5.0) and variance annotations (`interface Box<in out T>`)."""
    parent = error.parent
    if parent is None:
        return False
    if parent.type == "export_statement" and error.text == b"type":
        return parent.child_by_field_name("source") is not None
    if parent.type == "type_parameters":
        return VARIANCE.search(parent.text or b"") is not None
    return False


# --- files -----------------------------------------------------------------


def _top_level(root: Node) -> Iterator[tuple[str, Node, Node, bool]]:
    """(name, value, statement, exported) for each top-level declaration."""
    for statement in root.named_children:
        exported = statement.type == "export_statement"
        inner = statement
        if exported:
            declaration = statement.child_by_field_name("declaration")
            if declaration is None:
                continue
            inner = declaration
        if inner.type in ("lexical_declaration", "variable_declaration"):
            for declarator in inner.named_children:
                if declarator.type != "variable_declarator":
                    continue
                name = declarator.child_by_field_name("name")
                value = declarator.child_by_field_name("value")
                if name is not None and value is not None and name.type == "identifier":
                    yield _text(name), unwrap(value), statement, exported
        elif inner.type in ("function_declaration", "generator_function_declaration"):
            name = inner.child_by_field_name("name")
            if name is not None:
                yield _text(name), inner, statement, exported


def _text(node: Node) -> str:
    text = node.text
    return text.decode("utf-8", "replace") if text else ""


# A custom builder: (kind, public, checks auth, the file that defines it, the
# functions its customization calls), by (file, name) where it is defined.
Builder = tuple[str, bool, bool, str, tuple[str, ...]]
Builders = dict[tuple[str, str], Builder]


def _builders(root: Path, paths: list[Path], reading: _Reading) -> Builders:
    """The custom builders defined anywhere in the project, by the file that
    defines them and their name there. Every file is read, and the files that
    mention a builder are parsed; `reading` keeps both for later."""
    out: Builders = {}
    for path in paths:
        source = reading.sources[path] = path.read_bytes()
        relative = reading.names[path] = _relative(path, root)
        if (b"ustom" not in source and b"zid" not in source) or not (
            BUILDER_NAMES.search(source)
        ):
            continue
        file = reading.parsed[path] = SourceFile(str(path), source, relative)
        for name, value, _, _ in _top_level(file.tree.root_node):
            if value.type != "call_expression":
                continue
            callee = _callee_name(value)
            args = _arguments(value)
            if callee is None or not BUILDERS.match(callee) or not args:
                continue
            base = _text(unwrap(args[0]))
            if base in REGISTRARS:
                kind, public = REGISTRARS[base]
                checks = any(_guards(_text(a)) for a in args[1:])
                called = tuple(
                    dict.fromkeys(n for a in args[1:] for n in _identifier_calls(a))
                )
                out[(relative, name)] = (kind, public, checks, relative, called)
    return out


def _builder(
    project: Project, facts: SourceFacts, builders: Builders, name: str
) -> Builder | None:
    """The builder `name` stands for in this file: one defined here, else the
    one it imports; else, when the project defines exactly one builder of
    that name, that one (reached through a re-export, say)."""
    if not builders:
        return None
    found = builders.get((facts.relative, name))
    if found is not None:
        return found
    imported = facts.imports.get(name)
    if imported is not None:
        target = _relative_text(imported[0], str(project.root))
        found = builders.get((target, imported[1]))
        if found is not None:
            return found
    same = [builder for (_, other), builder in builders.items() if other == name]
    return same[0] if len(same) == 1 else None


ACCESS_HELPER = re.compile(
    r"\b(getAuthUserId|getUserIdentity|requireUser|requireAuth\w*|"
    r"(ensure|assert|check|verify|require|get)(Current|Auth|Authenticated|Logged)?"
    r"(User|Viewer|Identity|Admin|Member|Access|Permission|Role|Owner|Auth)\w*)\s*\("
)


def _calls_access_helper(text: str) -> bool:
    return bool(ACCESS_HELPER.search(text))


THROWS = re.compile(r"\bthrow\b")


def _identifier_calls(node: Node) -> list[str]:
    """The names called as `name(...)` anywhere in `node`."""
    calls = (_callee_name(n) for n in _walk(node) if n.type == "call_expression")
    return [name for name in calls if name is not None]


def _guards(customization: str) -> bool:
    """Whether a builder's customization checks who calls: it reads
    `ctx.auth`, calls an access helper, or throws (an API key compared to a
    secret, a role that does not match)."""
    return (
        "auth" in customization
        or _calls_access_helper(customization)
        or THROWS.search(customization) is not None
    )


@functools.lru_cache(maxsize=4096)
def _access_helper_name(method: str) -> bool:
    """Whether calling a method of this name counts as an access check."""
    return _calls_access_helper(method + "(")


def _callee_name(call: Node) -> str | None:
    function = call.child_by_field_name("function")
    if function is None:
        return None
    function = unwrap(function)
    if function.type == "identifier":
        return _text(function)
    return None


def _arguments(call: Node) -> list[Node]:
    arguments = call.child_by_field_name("arguments")
    if arguments is None:
        return []
    return [c for c in arguments.named_children if c.type != "comment"]


def _read_file(project: Project, facts: SourceFacts, builders: Builders) -> None:
    file = facts.file
    root = file.tree.root_node
    for statement in root.named_children:
        if statement.type == "expression_statement":
            expression = (
                statement.named_children[0] if statement.named_children else None
            )
            if (
                expression is not None
                and expression.type == "string"
                and string_value(file, expression) == "use node"
            ):
                facts.use_node = True
    module = _module_name(facts.relative, project)
    exports, defaults = _other_exports(root)
    for value in defaults:
        _register(project, facts, module, "default", value, builders)
    for name, value, _statement, exported in _top_level(root):
        if value.type == "call_expression":
            export = name if exported else exports.get(name)
            if export is not None and _register(
                project, facts, module, export, value, builders
            ):
                continue
        if value.type in FUNCTION_NODES:
            body = value.child_by_field_name("body")
            if body is not None:
                project.helpers[(facts.relative, name)] = _read_body(facts, body)


def _other_exports(root: Node) -> tuple[dict[str, str], list[Node]]:
    """Names exported by `export { a, b as c }` and `export default a`
    (local name -> exported name), and the values of `export default f(...)`."""
    names: dict[str, str] = {}
    defaults: list[Node] = []
    for statement in root.named_children:
        if statement.type != "export_statement":
            continue
        if statement.child_by_field_name("source") is not None:
            continue  # `export { x } from "./y"` names no local binding
        value = statement.child_by_field_name("value")
        if value is not None:
            value = unwrap(value)
            if value.type == "identifier":
                names[_text(value)] = "default"
            elif value.type == "call_expression":
                defaults.append(value)
        for clause in statement.named_children:
            if clause.type != "export_clause":
                continue
            for specifier in clause.named_children:
                name = specifier.child_by_field_name("name")
                alias = specifier.child_by_field_name("alias")
                if specifier.type == "export_specifier" and name is not None:
                    names[_text(name)] = _text(alias or name)
    return names, defaults


def _register(
    project: Project,
    facts: SourceFacts,
    module: str,
    export: str,
    call: Node,
    builders: Builders,
) -> bool:
    """Record `call` as an exported function if it calls a registrar or a
    custom builder; whether it does."""
    callee = _callee_name(call)
    if callee is None:
        return False
    if callee in REGISTRARS:
        registrar = REGISTRARS[callee]
        project.functions.append(
            _read_function(facts, module, export, call, registrar, None, False)
        )
        return True
    found = _builder(project, facts, builders, callee)
    if found is None:
        return False
    kind, public, checks, defined_in, calls = found
    function = _read_function(
        facts, module, export, call, (kind, public), callee, checks
    )
    if not checks:
        function.builder_calls = tuple((defined_in, name) for name in calls)
    project.functions.append(function)
    return True


def _module_name(relative: str, project: Project) -> str:
    return re.sub(r"\.(ts|tsx|js|mjs)$", "", inside_functions(project, relative))


def inside_functions(project: Project, relative: str) -> str:
    """A project file's path (relative to the root) from the functions
    folder: `convex/model/users.ts` -> `model/users.ts`."""
    functions = project.functions_prefix
    if functions in ("", "."):
        return relative
    if relative.startswith(functions + "/"):
        return relative[len(functions) + 1 :]
    return _relative(project.root / relative, project.functions_dir)


def _resolve(directory: Path, module: str) -> Path | None:
    """The file a relative import names, the way the bundler finds it."""
    return _resolve_cached(str(directory), module)


@functools.lru_cache(maxsize=65536)
def _resolve_cached(directory: str, module: str) -> Path | None:
    base = Path(os.path.normpath(os.path.join(_resolved(directory), module)))
    stem = re.sub(r"\.(js|mjs)$", "", str(base))
    for candidate in (
        Path(stem + ".ts"),
        Path(stem + ".tsx"),
        Path(stem + ".js"),
        base,
        base / "index.ts",
        base / "index.js",
    ):
        if candidate.is_file():
            return candidate
    return None


def _read_function(
    facts: SourceFacts,
    module: str,
    export: str,
    call: Node,
    registrar: tuple[str, bool],
    builder: str | None,
    builder_checks_auth: bool,
) -> Function:
    file = facts.file
    kind, public = registrar
    name = f"{module}:{export}" if export != "default" else f"{module}:default"
    function_node = call.child_by_field_name("function") or call
    function = Function(
        name=name,
        file=facts.relative,
        export=export,
        kind=kind,
        public=public,
        span=file.span(call),
        name_span=file.span(function_node),
        builder=builder,
        builder_checks_auth=builder_checks_auth,
    )
    args = _arguments(call)
    if not args:
        return function
    definition = unwrap(args[0])
    if definition.type == "object" or definition.type in FUNCTION_NODES:
        function.definition_span = file.span(definition)
    handler: Node | None = None
    if definition.type in FUNCTION_NODES:
        function.old_syntax = kind != "httpAction"
        handler = definition
    elif definition.type == "object":
        for item in definition.named_children:
            key_node = item.child_by_field_name("key") if item.type == "pair" else None
            if item.type == "method_definition":
                key_node = item.child_by_field_name("name")
            if item.type == "shorthand_property_identifier":
                key_node = item
            key = _text(key_node) if key_node is not None else ""
            value = item.child_by_field_name("value") if item.type == "pair" else None
            if key == "args":
                function.has_args = True
                function.args_span = file.span(item)
                if value is not None:
                    function.args, function.arg_spans = _arg_fields(file, unwrap(value))
            elif key == "returns":
                function.has_returns = True
            elif key == "handler":
                handler = item if item.type == "method_definition" else value
                if handler is not None:
                    handler = unwrap(handler)
    if handler is not None and handler.type in FUNCTION_NODES:
        function.handler_span = file.span(handler)
        facts.handlers[handler.start_byte] = function.args
        parameters = _parameters(handler)
        function.args_used = len(parameters) >= 2
        function.args_parameter, function.args_type = _args_parameter(parameters)
        body = handler.child_by_field_name("body")
        if body is not None:
            function.guard_calls = _guard_calls(body)
            function.body = _read_body(facts, body)
            function.top_level_calls = _top_level_calls(facts, handler, body)
    return function


def _arg_fields(file: SourceFile, node: Node) -> tuple[dict[str, str], dict[str, Span]]:
    """Each argument of an `args` validator object (or `v.object({...})`):
    its validator's text, and where the argument is declared."""
    fields: dict[str, str] = {}
    spans: dict[str, Span] = {}
    if node.type == "call_expression":  # `v.object({...})`
        args = _arguments(node)
        if args and unwrap(args[0]).type == "object":
            node = unwrap(args[0])
    if node.type != "object":
        return fields, spans
    for item in node.named_children:
        if item.type == "pair":
            key = item.child_by_field_name("key")
            if key is None:
                continue
            name = string_value(file, key) if key.type == "string" else _text(key)
            spans[name] = file.span(item)
            value = item.child_by_field_name("value")
            if value is not None:
                fields[name] = _text(value)
        elif item.type == "shorthand_property_identifier":
            name = _text(item)
            fields[name] = name
            spans[name] = file.span(item)
    return fields, spans


def _parameters(handler: Node) -> list[Node]:
    """The handler's parameters (the second one is where args arrive)."""
    parameters = handler.child_by_field_name("parameters")
    if parameters is None:
        return []
    return [p for p in parameters.named_children if p.type != "comment"]


def _args_parameter(names: list[Node]) -> tuple[bool, str | None]:
    """Whether the handler's second parameter is there and is not an empty
    `{}` pattern, and that parameter's type annotation."""
    if len(names) < 2:
        return False, None
    second = names[1]
    pattern = second.child_by_field_name("pattern") or second
    if pattern.type == "object_pattern" and not [
        c for c in pattern.named_children if c.type != "comment"
    ]:
        return False, None
    annotation = second.child_by_field_name("type")
    if annotation is None:
        return True, None
    return True, _text(annotation).lstrip(":").strip()


def _guard_calls(body: Node) -> list[str]:
    """The callees where ESLint's `require-access-control` looks for an
    access check in a handler's body: an expression body's call; each
    top-level statement's call (`await check(ctx)`, `const user = await
    check(ctx)`, `return check(ctx)`); and any call in a top-level `if` test,
    negated or combined."""
    if body.type != "statement_block":
        return _called(body)
    out: list[str] = []
    for statement in body.named_children:
        if statement.type == "expression_statement" and statement.named_children:
            out += _called(statement.named_children[0])
        elif statement.type in ("lexical_declaration", "variable_declaration"):
            for declarator in statement.named_children:
                value = declarator.child_by_field_name("value")
                if value is not None:
                    out += _called(value)
        elif statement.type == "return_statement" and statement.named_children:
            out += _called(statement.named_children[0])
        elif statement.type == "if_statement":
            condition = statement.child_by_field_name("condition")
            if condition is not None:
                out += _called_within(condition)
    return out


def _called(node: Node) -> list[str]:
    """The name of the call `node` is, through `await` and type wrappers:
    `f` for `f(...)`, `m` for `x.m(...)`; a bare `require` is an import."""
    node = unwrap(node)
    while node.type == "await_expression" and node.named_children:
        node = unwrap(node.named_children[0])
    if node.type != "call_expression":
        return []
    function = node.child_by_field_name("function")
    if function is None:
        return []
    function = unwrap(function)
    if function.type == "identifier":
        name = _text(function)
        return [] if name == "require" else [name]
    prop = function.child_by_field_name("property")
    if function.type == "member_expression" and prop is not None:
        if prop.type == "property_identifier":
            return [_text(prop)]
    return []


def _called_within(node: Node) -> list[str]:
    """`_called` through `!`, `await`, `&&`, `||` and comparisons."""
    found = _called(node)
    if found:
        return found
    node = unwrap(node)
    if node.type in ("await_expression", "unary_expression"):
        inner = node.child_by_field_name("argument")
        if inner is None and node.named_children:
            inner = node.named_children[-1]
        return _called_within(inner) if inner is not None else []
    if node.type == "binary_expression":
        out: list[str] = []
        for side in ("left", "right"):
            child = node.child_by_field_name(side)
            if child is not None:
                out += _called_within(child)
        return out
    return []


def _top_level_calls(facts: SourceFacts, handler: Node, body: Node) -> list[str]:
    """The source text of calls in the handler's own statements (not nested
    functions): what `require-access-control` looks at."""
    if body.type != "statement_block":
        return [_text(body)]
    out: list[str] = []
    owner = handler.start_byte
    for event in _events_in(facts, body):
        if event[2] is not CALL or event[5] != owner:
            continue
        function = event[3].child_by_field_name("function")
        # A chain link (`….take(5)`) is not a check; its inner calls are
        # visited on their own.
        if function is not None and not (
            function.type == "member_expression"
            and (function.child_by_field_name("object") or function).type
            == "call_expression"
        ):
            out.append(_text(function))
    return out


# Calls that the module scan (`modules._scan`) reads wherever they are, by
# their method's name: database methods and cron schedules.
SCANNED = frozenset({"get", "delete", "patch", "replace", "query"}) | frozenset(
    {"hourly", "daily", "weekly", "monthly", "cron"}
)
SCANNED_NAMES = " ".join(f'"{name}"' for name in sorted(SCANNED))
# What `_events` captures: every call, and the calls of SCANNED methods
# again. Loops and functions only give the calls inside them their context.
# The `process` members are found from the word instead (see `_process`):
# most files never say it, and a pattern for them costs every file a sixth
# more query time.
EVENTS = f"""
(call_expression) @call
(call_expression
  function: (member_expression
    property: (property_identifier) @method (#any-of? @method {SCANNED_NAMES})))
  @scan
[(for_statement) (for_in_statement) (while_statement) (do_statement)] @loop
[(arrow_function) (function_expression) (function_declaration)
 (generator_function_declaration) (method_definition)] @function
"""
CALL, ENV, LOOP, FUNCTION = "call", "env", "loop", "function"
_POSITION = operator.itemgetter(0, 1)  # start, then the longer node first
_START = operator.attrgetter("start_byte")
PROCESS_WORD = re.compile(rb"\bprocess\b")
NEW_DATE = re.compile(rb"\bnew\s+Date\b")
NOW = "now"  # `new Date()`: the time, as `Date.now()` reads it
MEMBER, SUBSCRIPT = "member_expression", "subscript_expression"
# (start, end, kind, node, in a loop, start of the function it is in)
Event = tuple[int, int, str, Node, bool, int]


@dataclass
class Events:
    starts: list[int]
    events: list[Event]
    scans: list[Node]  # calls of the methods in SCANNED, in document order
    process: list[Node]  # `process.env` and `process[...]`, in document order
    loops: list[Node]  # every loop, in document order (an outer one first)
    loop_starts: list[int]


def _events(facts: SourceFacts) -> Events:
    """Every call and `process.env` inside a function of the file, in order
    (an outer node before the nodes inside it), each with whether it runs
    once per iteration of a loop (a loop is nearer to it than any function)
    and the function it belongs to. One query finds them all, so a body is
    read without walking its nodes one by one in Python."""
    if facts.events is not None:
        return facts.events
    captured = QueryCursor(_events_query(facts.file.grammar.language)).captures(
        facts.file.tree.root_node
    )
    marks: list[tuple[int, int, str, Node]] = []
    for kind in (CALL, LOOP, FUNCTION):
        marks += [(n.start_byte, -n.end_byte, kind, n) for n in captured.get(kind, ())]
    process = _process(facts.file)
    marks += [(n.start_byte, -n.end_byte, ENV, n) for n in process if n.type == MEMBER]
    marks += [(n.start_byte, -n.end_byte, NOW, n) for n in _new_dates(facts.file)]
    marks.sort(key=_POSITION)
    out: list[Event] = []
    # The loops and functions around the current node: (end, is a loop,
    # start of the innermost function).
    around: list[tuple[int, bool, int]] = []
    loops: list[Node] = []
    for start, negative_end, kind, node in marks:
        while around and around[-1][0] <= start:
            around.pop()
        if kind is LOOP:
            loops.append(node)
        if kind is LOOP or kind is FUNCTION:
            owner = start if kind is FUNCTION else (around[-1][2] if around else -1)
            around.append((-negative_end, kind is LOOP, owner))
            continue
        if not around or around[-1][2] < 0:
            continue  # outside any function: no body reads it
        out.append((start, -negative_end, kind, node, around[-1][1], around[-1][2]))
    scans = sorted(captured.get("scan", ()), key=_START)
    facts.events = Events(
        [event[0] for event in out],
        out,
        scans,
        process,
        loops,
        [loop.start_byte for loop in loops],
    )
    return facts.events


def _word_nodes(file: SourceFile, word: re.Pattern[bytes], kind: str) -> Iterator[Node]:
    """The nodes of type `kind` that start where `word` matches the source:
    a way to find rare constructs without a query pattern every file pays
    for (the words rule out most files at once)."""
    root = file.tree.root_node
    for found in word.finditer(file.source):
        start, end = found.span()
        node: Node | None = root.descendant_for_byte_range(start, end)
        while node is not None and node.type != kind and node.start_byte == start:
            node = node.parent
        if node is not None and node.type == kind and node.start_byte == start:
            yield node


def _process(file: SourceFile) -> list[Node]:
    """`process.env` and `process[...]` (member and subscript expressions on
    the identifier `process`), in document order."""
    if b"process" not in file.source:
        return []
    grammar = file.grammar
    out: list[Node] = []
    for node in _word_nodes(file, PROCESS_WORD, "identifier"):
        holder = node.parent
        if holder is None or holder.child_by_field_id(grammar.object) != node:
            continue
        if holder.type == SUBSCRIPT:
            out.append(holder)
        elif holder.type == MEMBER:
            key = holder.child_by_field_id(grammar.property)
            if key is not None and key.type == "property_identifier":
                if key.text == b"env":
                    out.append(holder)
    return out


def _new_dates(file: SourceFile) -> list[Node]:
    """Every `new Date()` with no argument (the current time)."""
    if b"new" not in file.source or b"Date" not in file.source:
        return []
    out: list[Node] = []
    for node in _word_nodes(file, NEW_DATE, "new_expression"):
        arguments = node.child_by_field_name("arguments")
        if arguments is None or not [
            c for c in arguments.named_children if c.type != "comment"
        ]:
            out.append(node)
    return out


@functools.cache
def _events_query(language: Language) -> Query:
    return Query(language, EVENTS)


def file_events(facts: SourceFacts) -> Events:
    """All the events of the file (see `_events`)."""
    return _events(facts)


def _events_in(facts: SourceFacts, node: Node) -> list[Event]:
    """The events of the file inside `node`, `node` itself included."""
    found = _events(facts)
    low = bisect.bisect_left(found.starts, node.start_byte)
    high = bisect.bisect_left(found.starts, node.end_byte, low)
    return found.events[low:high]


def _read_body(facts: SourceFacts, body: Node) -> Body:
    out = Body()
    file = facts.file
    for _, _, kind, node, in_loop, _ in _events_in(facts, body):
        if kind is CALL:
            _read_call(facts, node, in_loop, out)
        elif kind is ENV and _text(node) == "process.env":
            out.calls.append(Call("process_env", "process.env", file.span(node)))
        elif kind is NOW:
            span = file.span(node)
            out.calls.append(Call("date_now", "new Date", span, in_loop=in_loop))
    _read_loops(facts, body, out)
    return out


def _read_loops(facts: SourceFacts, body: Node, out: Body) -> None:
    """The awaits in loop bodies (and conditions, which run every
    iteration), and those of them that read. A for-of's iterable and a for's
    initializer run once, so they are not inside the loop. Only the
    outermost loops of the body are walked: nothing outside a loop counts."""
    events = _events(facts)
    low = bisect.bisect_left(events.loop_starts, body.start_byte)
    high = bisect.bisect_left(events.loop_starts, body.end_byte, low)
    outermost: list[Node] = []
    for found in events.loops[low:high]:
        if not outermost or found.start_byte >= outermost[-1].end_byte:
            outermost.append(found)
    if not outermost:
        return
    stack: list[tuple[Node, Node | None]] = [(o, None) for o in reversed(outermost)]
    while stack:
        node, loop = stack.pop()
        if node.type in FUNCTION_NODES and node is not body:
            loop = None
        if node.type == "await_expression" and loop is not None:
            out.loop_awaits.append(facts.file.span(node))
            read = _awaited_reads(facts, node, loop)
            if read is not None:
                out.loop_reads.append(read)
        once = (
            node.child_by_field_name(
                "right" if node.type == "for_in_statement" else "initializer"
            )
            if node.type in LOOPS
            else None
        )
        for child in reversed(node.named_children):
            inside = node if node.type in LOOPS else loop
            stack.append(
                (child, loop if once is not None and child.id == once.id else inside)
            )


def _awaited_reads(facts: SourceFacts, node: Node, loop: Node) -> LoopRead | None:
    reads: list[str] = []
    helpers: list[tuple[str, str]] = []
    names: list[str] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type in FUNCTION_NODES:
            continue
        stack.extend(reversed(current.named_children))
        if current.type != "call_expression":
            continue
        found = _method_of(current)
        callee = _callee_name(current)
        if found is None and callee is not None:
            helpers.append(facts.imports.get(callee, (facts.relative, callee)))
            names.append(callee)
            continue
        if found is None:
            continue
        method, target = found
        if _is_db(target) and method in ("get", "query"):
            args = _arguments(current)
            first = unwrap(args[0]) if args else None
            table = (
                string_value(facts.file, first)
                if first is not None and first.type == "string"
                else None
            )
            reads.append(
                f'db.query("{table}")'
                if method == "query" and table
                else f"db.{method}"
            )
        elif method in ("runQuery", "runMutation", "runAction"):
            reads.append(f"ctx.{method}")
        elif facts.imports.get(_text(target), ("", ""))[1] == "*":
            helpers.append((facts.imports[_text(target)][0], method))
            names.append(method)
    if not reads and not helpers:
        return None
    return LoopRead(
        facts.file.span(node),
        facts.file.span(loop),
        _loop_kind(loop),
        tuple(reads),
        tuple(helpers),
        tuple(names),
        _read_decides(loop),
    )


def _read_decides(loop: Node) -> bool:
    """Whether a `while`, `do-while` or `for(;;)` loop runs until what it
    awaits says stop (a retry until a code is free, a walk page by page):
    its condition, or the test of an `if` that breaks out of it, uses a
    value computed in the loop from an awaited expression. Each read then
    needs the one before, so there is nothing to read together."""
    if loop.type not in ("while_statement", "do_statement", "for_statement"):
        return False
    body = loop.child_by_field_name("body")
    if body is None:
        return False
    depends: dict[str, set[str]] = {}  # name assigned -> names its value uses
    awaited: set[str] = set()  # names assigned from an await
    tests: list[Node] = []
    condition = loop.child_by_field_name("condition")
    if condition is not None:
        tests.append(condition)
    # A nested loop's assignments and breaks are its own.
    for node in _walk(body, FUNCTIONS | LOOP_TYPES):
        target = value = None
        if node.type == "variable_declarator":
            target = node.child_by_field_name("name")
            value = node.child_by_field_name("value")
        elif node.type in ("assignment_expression", "augmented_assignment_expression"):
            target = node.child_by_field_name("left")
            value = node.child_by_field_name("right")
        if target is not None and value is not None:
            used = _identifiers(value)
            from_await = _has_await(value)
            for name in _identifiers(target):
                depends.setdefault(name, set()).update(used)
                if from_await:
                    awaited.add(name)
        if node.type == "if_statement" and _breaks(node):
            test = node.child_by_field_name("condition")
            if test is not None:
                tests.append(test)
    tainted = set(awaited)
    grew = True
    while grew:
        grew = False
        for name, used in depends.items():
            if name not in tainted and used & tainted:
                tainted.add(name)
                grew = True
    return any(_identifiers(test) & tainted for test in tests)


def _walk(node: Node, skip: frozenset[str] = frozenset()) -> Iterator[Node]:
    """`node` and the named nodes under it, leaving out (with what is under
    them) the nodes whose type is in `skip`."""
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type in skip:
            continue
        yield current
        stack.extend(current.named_children)


def _identifiers(node: Node) -> set[str]:
    kinds = ("identifier", "shorthand_property_identifier_pattern")
    return {_text(n) for n in _walk(node, FUNCTIONS) if n.type in kinds}


def _has_await(node: Node) -> bool:
    return any(n.type == "await_expression" for n in _walk(node, FUNCTIONS))


def _breaks(statement: Node) -> bool:
    """Whether an `if` leaves the loop around it (break or return) in its
    own branches, not inside a nested loop or function."""
    leaves = ("break_statement", "return_statement")
    return any(
        n.type in leaves
        for branch in statement.named_children
        if branch.type != "parenthesized_expression"
        for n in _walk(branch, FUNCTIONS | LOOP_TYPES)
    )


def _loop_kind(loop: Node) -> str:
    if loop.type == "for_in_statement":
        operator = loop.child_by_field_name("operator")
        word = _text(operator) if operator is not None else "of"
        awaited = any(c.type == "await" for c in loop.children)
        return "for-await" if awaited else f"for-{word}"
    return {"while_statement": "while", "do_statement": "do-while"}.get(
        loop.type, "for"
    )


def _method_of(call: Node) -> tuple[str, Node] | None:
    function = call.child_by_field_name("function")
    if function is None:
        return None
    function = unwrap(function)
    if function.type != "member_expression":
        return None
    prop = function.child_by_field_name("property")
    target = function.child_by_field_name("object")
    if prop is None or target is None:
        return None
    return _text(prop), unwrap(target)


def _is_db(target: Node) -> bool:
    text = _text(target)
    return text == "db" or text.endswith(".db")


def _read_call(facts: SourceFacts, node: Node, in_loop: bool, out: Body) -> None:
    """Record what the call `node` does in `out`. The module scan reads every
    call of a file again after the handlers were read: it gets what was
    found the first time."""
    key = (node.start_byte, node.end_byte, in_loop)
    known = facts.read_calls.get(key)
    if known is not None:
        out.calls += known[0]
        out.queries += known[1]
        out.helpers += known[2]
        out.helper_names += known[3]
        return
    marks = (len(out.calls), len(out.queries), len(out.helpers), len(out.helper_names))
    _read_new_call(facts, node, in_loop, out)
    facts.read_calls[key] = (
        out.calls[marks[0] :],
        out.queries[marks[1] :],
        out.helpers[marks[2] :],
        out.helper_names[marks[3] :],
    )


def _read_new_call(facts: SourceFacts, node: Node, in_loop: bool, out: Body) -> None:
    file = facts.file
    grammar = file.grammar
    function = node.child_by_field_id(grammar.function)
    if function is None:
        return
    if function.kind_id in grammar.wrappers:
        function = unwrap(function)
    if function.kind_id not in grammar.member_expression:
        if function.kind_id not in grammar.identifier:
            return
        callee = _text(function)
        if callee in INDEX_HELPERS:
            _index_use(facts, node, INDEX_HELPERS[callee])
        out.helper_names.append(callee)
        if callee in facts.imports:
            out.helpers.append(facts.imports[callee])
        else:
            out.helpers.append((facts.relative, callee))
        return
    prop = function.child_by_field_id(grammar.property)
    target = function.child_by_field_id(grammar.object)
    if prop is None or target is None:
        return
    method = _text(prop)
    if target.kind_id in grammar.wrappers:
        target = unwrap(target)
    # A link of a chain (`….withIndex(…).take(5)`) has a call as its target:
    # none of the receivers below is one, so its text is not needed.
    target_text = "" if target.kind_id in grammar.call_expression else _text(target)
    if (
        method not in NOTED_METHODS
        and not target_text.endswith("auth")
        and target_text not in facts.imports
        and not _access_helper_name(method)
    ):
        return  # most calls: `q.eq(...)`, `.withIndex(...)`, `items.map(...)`
    args = _arguments(node)
    if method == "now" and target_text == "Date":
        out.calls.append(Call("date_now", "Date.now", file.span(node), in_loop=in_loop))
    elif method in DB_METHODS and (target_text == "db" or target_text.endswith(".db")):
        if method == "query":
            out.queries.append(_read_chain(file, node, in_loop))
            return
        first = unwrap(args[0]) if args else None
        explicit = first is not None and first.type == "string"
        table = string_value(file, first) if explicit and first is not None else None
        if method == "insert" and first is not None and first.type == "string":
            table = string_value(file, first)
        out.calls.append(
            Call(
                "db",
                method,
                file.span(node),
                table=table,
                explicit_table=explicit and method != "insert" and len(args) >= 2,
                in_loop=in_loop,
                arguments=len(args),
                receiver=target_text,
                first_argument=file.span(args[0]) if args else None,
                known_db=target_text.endswith(".db"),
            )
        )
    elif method in ("runQuery", "runMutation", "runAction"):
        reference = _text(args[0]) if args else None
        where = file.span(args[0]) if args else None
        out.calls.append(
            Call(
                "run",
                method,
                file.span(node),
                target=reference,
                in_loop=in_loop,
                target_span=where,
            )
        )
    elif method in ("runAfter", "runAt") and target_text.endswith("scheduler"):
        reference = _text(args[1]) if len(args) >= 2 else None
        where = file.span(args[1]) if len(args) >= 2 else None
        out.calls.append(
            Call(
                "schedule",
                method,
                file.span(node),
                target=reference,
                in_loop=in_loop,
                target_span=where,
            )
        )
    elif target_text.endswith("auth") or method == "getAuthUserId":
        out.calls.append(Call("auth", method, file.span(node), in_loop=in_loop))
    elif facts.imports.get(target_text, ("", ""))[1] == "*":
        # `Users.get(ctx, id)` through `import * as Users from "./model/users"`.
        out.helpers.append((facts.imports[target_text][0], method))
        out.helper_names.append(method)
    if method not in ("runQuery", "runMutation", "runAction") and _access_helper_name(
        method
    ):
        out.calls.append(Call("auth", method, file.span(node), in_loop=in_loop))


def _index_use(facts: SourceFacts, call: Node, at: int) -> None:
    """Record the table and index a relationship helper reads through, when
    both are written as strings (the table is its second argument)."""
    args = _arguments(call)
    if len(args) <= at:
        return
    table, index = unwrap(args[1]), unwrap(args[at])
    if table.type == "string" and index.type == "string":
        use = (string_value(facts.file, table), string_value(facts.file, index))
        facts.index_uses.append(use)


def _read_chain(file: SourceFile, query: Node, in_loop: bool) -> QueryChain:
    args = _arguments(query)
    first = unwrap(args[0]) if args else None
    table = (
        string_value(file, first)
        if first is not None and first.type == "string"
        else None
    )
    chain = QueryChain(table, file.span(query), file.span(query), in_loop=in_loop)
    top = _follow(file, chain, query)
    if chain.terminal is None:
        _terminal_around(chain, top)
    chain.span = file.span(query, top)
    if chain.terminal is None:
        _follow_variable(file, chain, top)
    return chain


def _follow(file: SourceFile, chain: QueryChain, start: Node) -> Node:
    """Read the calls chained on `start` into `chain`; the last call."""
    top = start
    current = start
    while True:
        parent = current.parent
        if parent is None or parent.type != "member_expression":
            break
        call = parent.parent
        if call is None or call.type != "call_expression":
            break
        prop = parent.child_by_field_name("property")
        method = _text(prop) if prop is not None else ""
        call_args = _arguments(call)
        if method == "withIndex" and call_args:
            name = unwrap(call_args[0])
            if name.type == "string":
                chain.index = string_value(file, name)
                chain.index_span = file.span(name)
            if len(call_args) >= 2:
                chain.index_range = _index_range(file, call_args[1])
        elif method == "withSearchIndex" and call_args:
            name = unwrap(call_args[0])
            if name.type == "string":
                chain.search_index = string_value(file, name)
        elif method == "filter" and call_args:
            chain.filters.append(file.span(prop or call, call))
            if chain.filter_span is None and prop is not None:
                chain.filter_span = file.span(prop, call)
                chain.filter_comparisons, chain.filter_simple = _filter_predicate(
                    file, call_args[0]
                )
        elif method == "order" and call_args:
            order = unwrap(call_args[0])
            chain.order = string_value(file, order) if order.type == "string" else "?"
        elif method in TERMINALS:
            chain.terminal = method
        top = call
        current = call
    return top


def _terminal_around(chain: QueryChain, top: Node) -> None:
    """`for await (const doc of query)` reads the whole range."""
    holder = top.parent
    if holder is not None and holder.type == "await_expression":
        holder = holder.parent
    if holder is not None and holder.type == "for_in_statement":
        chain.terminal = "iterate"


def _follow_variable(file: SourceFile, chain: QueryChain, top: Node) -> None:
    """A query kept in a variable and built on in later statements:
    `let q = ctx.db.query("t")…; if (s) q = q.filter(…); return await
    q.collect()`. The links read there join the chain (its `.filter`s are
    not rewritten: they sit in other statements)."""
    declarator = top.parent
    if declarator is None or declarator.type != "variable_declarator":
        return
    target = declarator.child_by_field_name("name")
    if target is None or target.type != "identifier":
        return
    name = target.text
    declaration = declarator.parent
    block = declaration.parent if declaration is not None else None
    if declaration is None or block is None:
        return
    filters = len(chain.filters)
    after = False
    for statement in block.named_children:
        if not after:
            after = statement.id == declaration.id
            continue
        stack = [statement]
        while stack:
            node = stack.pop()
            if node.type in FUNCTION_NODES:
                continue
            if node.type == "identifier" and node.text == name:
                holder = node.parent
                if holder is not None and holder.type == "member_expression":
                    if holder.child_by_field_name("object") == node:
                        last = _follow(file, chain, node)
                        if chain.terminal is None and last != node:
                            _terminal_around(chain, last)
                elif holder is not None and holder.type == "for_in_statement":
                    _terminal_around(chain, node)
                continue
            stack.extend(reversed(node.named_children))
    if len(chain.filters) > filters:
        chain.filter_simple = False  # a filter in another statement


def _param_name(function: Node) -> str | None:
    parameters = function.child_by_field_name("parameters")
    if parameters is None:
        parameter = function.child_by_field_name("parameter")
        return _text(parameter) if parameter is not None else None
    for parameter in parameters.named_children:
        pattern = parameter.child_by_field_name("pattern")
        node = pattern if pattern is not None else parameter
        if node.type == "identifier":
            return _text(node)
    return None


def _index_range(file: SourceFile, node: Node) -> list[Comparison]:
    """`q => q.eq("a", x).gt("b", y)`: the steps, in the order written."""
    function = unwrap(node)
    if function.type not in FUNCTION_NODES:
        return []
    body = function.child_by_field_name("body")
    steps: list[Comparison] = []
    current = unwrap(body) if body is not None else None
    if current is not None and current.type == "statement_block":
        returned = next(
            (s for s in current.named_children if s.type == "return_statement"), None
        )
        current = (
            unwrap(returned.named_children[0])
            if returned is not None and returned.named_children
            else None
        )
    while current is not None and current.type == "call_expression":
        found = _method_of(current)
        args = _arguments(current)
        if found is None:
            break
        method, target = found
        if method in RANGE_OPS and args and unwrap(args[0]).type == "string":
            value = _text(args[1]) if len(args) >= 2 else ""
            steps.append(
                Comparison(
                    method,
                    string_value(file, unwrap(args[0])),
                    value,
                    file.span(current),
                )
            )
        current = target
    steps.reverse()
    return steps


def _filter_predicate(file: SourceFile, node: Node) -> tuple[list[Comparison], bool]:
    """The field comparisons of `q => q.and(q.eq(q.field("a"), x), ...)`, and
    whether the predicate is nothing but `eq`s joined by `and`."""
    function = unwrap(node)
    if function.type not in FUNCTION_NODES:
        return [], False
    body = function.child_by_field_name("body")
    if body is None:
        return [], False
    expression = unwrap(body)
    if expression.type == "statement_block":
        statements = expression.named_children
        if len(statements) != 1 or statements[0].type != "return_statement":
            return _comparisons_in(file, expression), False
        if not statements[0].named_children:
            return [], False
        expression = unwrap(statements[0].named_children[0])
    comparisons: list[Comparison] = []
    simple = _conjunction(file, expression, comparisons)
    if not simple:
        comparisons = _comparisons_in(file, expression)
    return comparisons, simple


def _conjunction(file: SourceFile, node: Node, out: list[Comparison]) -> bool:
    found = _method_of(node) if node.type == "call_expression" else None
    if found is None:
        return False
    method, _ = found
    args = [unwrap(a) for a in _arguments(node)]
    if method == "and":
        return all(_conjunction(file, a, out) for a in args)
    if method == "eq" and len(args) == 2:
        comparison = _comparison(file, node, method, args)
        if comparison is not None:
            out.append(comparison)
            return True
    return False


def _comparison(
    file: SourceFile, node: Node, method: str, args: list[Node]
) -> Comparison | None:
    for this, other in ((args[0], args[1]), (args[1], args[0])):
        name = _field_ref(file, this)
        if name is not None and _field_ref(file, other) is None:
            return Comparison(method, name, _text(other), file.span(node))
    return None


def _field_ref(file: SourceFile, node: Node) -> str | None:
    """`q.field("a.b")` → `a.b`."""
    if node.type != "call_expression":
        return None
    found = _method_of(node)
    args = _arguments(node)
    if found is None or found[0] != "field" or not args:
        return None
    name = unwrap(args[0])
    return string_value(file, name) if name.type == "string" else None


def _comparisons_in(file: SourceFile, node: Node) -> list[Comparison]:
    out: list[Comparison] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "call_expression":
            found = _method_of(current)
            args = [unwrap(a) for a in _arguments(current)]
            if found is not None and found[0] in FILTER_OPS and len(args) == 2:
                comparison = _comparison(file, current, found[0], args)
                if comparison is not None:
                    out.append(comparison)
        stack.extend(current.named_children)
    return out


# --- helpers ---------------------------------------------------------------


def _reach(
    project: Project, body: Body, depth: int, seen: set[tuple[str, str]]
) -> Body:
    """The body plus every helper it calls, `depth` levels down: `body`
    itself when it calls no project helper (nothing changes a reach)."""
    if depth == 0:
        return body
    inners: list[Body] = []
    for key in body.helpers:
        resolved = _helper_key(project, key)
        if resolved is None or resolved in seen:
            continue
        seen.add(resolved)
        inners.append(_reach(project, project.helpers[resolved], depth - 1, seen))
    if not inners:
        return body
    out = Body(
        queries=list(body.queries),
        calls=list(body.calls),
        loop_awaits=list(body.loop_awaits),
        helpers=list(body.helpers),
        helper_names=list(body.helper_names),
        loop_reads=list(body.loop_reads),
    )
    for inner in inners:
        out.queries += inner.queries
        out.calls += inner.calls
        out.loop_awaits += inner.loop_awaits
        out.helper_names += inner.helper_names
        out.loop_reads += inner.loop_reads
    return out


def _helper_key(project: Project, key: tuple[str, str]) -> tuple[str, str] | None:
    if key in project.helpers:
        return key
    target, name = key
    candidate = (_relative_text(target, str(project.root)), name)
    return candidate if candidate in project.helpers else None
