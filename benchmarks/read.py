"""Benchmark: reading a generated N-table Convex schema, ours against Node.

Run from the repository root:

    .venv/bin/python benchmarks/read.py                  # 500 tables, 5 repeats
    .venv/bin/python benchmarks/read.py --tables 2000 --repeat 3 --seed 7

It generates (deterministically, from --seed) a Convex project under
benchmarks/.work/ (git-ignored: Node must resolve `convex/server` from
/work/main/node_modules, so the project has to live inside the repository):
`convex/schema.ts` plus shared validators, helper functions and table
definitions in other files. It then checks once that our `to_json()` equals
the export of the real `convex` package, and times, in one run:

  (a) our reader in-process: a fresh `read_schema(path).schema.to_json()`;
  (b) our CLI end to end: `convex-schema show --schema F --format json`;
  (c) the Node route: `tsx tools/export_schema.ts F` with the real package.

and, to show where the time goes:

  (d) tree-sitter's parse alone of the project's files: the part of (a) that
      no change to our evaluator can remove;
  (e) the Node route's start-up: the same command on a 1-table schema. What
      (c) spends beyond it is the work of reading the N tables, and the
      work-only ratio ((c) - (e)) / (a) is printed beside the total one.

Targets (from the issue): (a) under 0.5 s for 500 tables, and the Node route
at least 10x slower than (a). Missed targets print "TARGET MISSED" lines; the
exit code is 0 whatever the timings (benchmarks never fail the build). It is 1
only when the generated project is rejected or our export differs, since
timing a wrong answer means nothing.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from convex_schema.reader import read_schema
from convex_schema.reader.syntax import parse

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / ".work"
TSX = ROOT / "node_modules" / ".bin" / "tsx"
ORACLE = ROOT / "tools" / "export_schema.ts"
CLI = ROOT / ".venv" / "bin" / "convex-schema"
TARGET_SECONDS = 0.5
TARGET_RATIO = 10.0

# A generated field: (name, TypeScript expression, index kind, nested paths).
Generated = tuple[str, str, str, tuple[str, ...]]
Generator = Callable[[random.Random, list[str]], Generated]
Json = Any

# --------------------------------------------------------------------------
# The shared files: fixed text, the same for every size and seed.
# --------------------------------------------------------------------------

VALIDATORS_TS = """\
import { v } from "convex/values";

export const status = v.union(
  v.literal("draft"),
  v.literal("active"),
  v.literal("archived"),
  v.literal("deleted"),
);

export const priority = v.union(
  v.literal("low"),
  v.literal("medium"),
  v.literal("high"),
  v.literal("urgent"),
);

export const address = v.object({
  street: v.string(),
  unit: v.optional(v.string()),
  city: v.string(),
  postalCode: v.string(),
  country: v.string(),
});

export const money = v.object({ amount: v.int64(), currency: v.string() });

export const geoPoint = v.object({ lat: v.float64(), lng: v.float64() });

export const tags = v.array(v.string());

export const metadata = v.record(
  v.string(),
  v.union(v.string(), v.number(), v.boolean()),
);
"""

FIELDS_TS = """\
import { v } from "convex/values";
import { address, status } from "./validators";

/** Who touched a record last; every mutable table carries these. */
export function auditFields() {
  return {
    createdBy: v.id("users"),
    updatedAt: v.number(),
  };
}

export const softDeleteFields = () => ({
  deletedAt: v.optional(v.number()),
  deletedBy: v.optional(v.id("users")),
});

export function versioned(version: number) {
  return { schemaVersion: v.literal(version) };
}

export const baseEntity = v.object({
  name: v.string(),
  slug: v.string(),
  description: v.optional(v.string()),
  status,
  ownerId: v.id("users"),
  archivedAt: v.optional(v.number()),
});

export const contactInfo = v.object({
  email: v.string(),
  phone: v.optional(v.string()),
  address,
});
"""

SHARED_NAMES = {
    "./validators": [
        "status",
        "priority",
        "address",
        "money",
        "geoPoint",
        "tags",
        "metadata",
    ],
    "./fields": [
        "auditFields",
        "softDeleteFields",
        "versioned",
        "baseEntity",
        "contactInfo",
    ],
    "convex-helpers/validators": ["literals", "nullable"],
}

# Fields the helpers contribute: name -> index kind ("" = not indexed).
BASE_ENTITY = {
    "name": "text",
    "slug": "text",
    "description": "text",
    "status": "scalar",
    "ownerId": "scalar",
    "archivedAt": "scalar",
}
HELPER_SPREADS = [  # (probability, spread, fields it adds)
    (0.35, "auditFields()", {"createdBy": "scalar", "updatedAt": "scalar"}),
    (0.15, "softDeleteFields()", {"deletedAt": "scalar", "deletedBy": "scalar"}),
    (
        0.10,
        'baseEntity.pick("name", "slug", "status").fields',
        {k: BASE_ENTITY[k] for k in ("name", "slug", "status")},
    ),
]

# --------------------------------------------------------------------------
# Field generators: each returns (name, TS expression, index kind, paths).
# Index kind: "text" (string, also searchable), "scalar" (indexable), "".
# --------------------------------------------------------------------------

STRING_NAMES = [
    "title",
    "label",
    "body",
    "summary",
    "email",
    "url",
    "locale",
    "timezone",
    "color",
    "notes",
    "code",
    "displayName",
    "sku",
    "handle",
    "subject",
    "source",
    "checksum",
    "mimeType",
]
NUMBER_NAMES = [
    "count",
    "score",
    "rank",
    "position",
    "durationMs",
    "startsAt",
    "endsAt",
    "viewCount",
    "quantity",
    "weight",
    "ratio",
    "lastSeenAt",
    "expiresAt",
    "retries",
    "sizeBytes",
]
BOOL_NAMES = ["isActive", "isPinned", "isVerified", "isPublic", "enabled"]
LITERAL_SETS = {
    "plan": ["free", "pro", "enterprise"],
    "channel": ["email", "sms", "push"],
    "state": ["pending", "running", "done", "failed"],
    "region": ["north", "south", "east", "west"],
    "mediaType": ["image", "video", "audio", "file"],
}
NESTED_OBJECTS = {
    "dimensions": "v.object({ width: v.number(), height: v.number(), "
    'unit: v.union(v.literal("px"), v.literal("pt")) })',
    "settings": 'v.object({\n  theme: v.union(v.literal("light"), '
    'v.literal("dark")),\n  notifications: v.object({ email: '
    "v.boolean(), push: v.boolean() }),\n  language: "
    "v.optional(v.string()),\n})",
    "stats": "v.object({ views: v.number(), likes: v.number(), "
    "lastViewedAt: v.optional(v.number()) })",
    "contact": 'contactInfo.omit("phone")',
}


def singular(table: str) -> str:
    return table[:-1] if table.endswith("s") else table


def gen_string(rng: random.Random, tables: list[str]) -> Generated:
    return rng.choice(STRING_NAMES), "v.string()", "text", ()


def gen_number(rng: random.Random, tables: list[str]) -> Generated:
    code = rng.choice(["v.number()", "v.number()", "v.float64()"])
    return rng.choice(NUMBER_NAMES), code, "scalar", ()


def gen_bool(rng: random.Random, tables: list[str]) -> Generated:
    return rng.choice(BOOL_NAMES), "v.boolean()", "scalar", ()


def gen_int64(rng: random.Random, tables: list[str]) -> Generated:
    name = rng.choice(["sequence", "revision", "balanceCents", "totalBytes"])
    return name, "v.int64()", "scalar", ()


def gen_id(rng: random.Random, tables: list[str]) -> Generated:
    target = rng.choice(tables)
    return f"{singular(target)}Id", f'v.id("{target}")', "scalar", ()


def gen_literals(rng: random.Random, tables: list[str]) -> Generated:
    name, values = rng.choice(list(LITERAL_SETS.items()))
    if rng.random() < 0.25:  # convex-helpers' shorthand
        return (
            name,
            "literals(" + ", ".join(f'"{x}"' for x in values) + ")",
            "scalar",
            (),
        )
    inner = ", ".join(f'v.literal("{x}")' for x in values)
    return name, f"v.union({inner})", "scalar", ()


def gen_shared(rng: random.Random, tables: list[str]) -> Generated:
    choice = rng.choice(
        ["status", "priority", "address", "money", "geoPoint", "tags", "metadata"]
    )
    if choice == "address":
        name = rng.choice(["address", "shippingAddress", "billingAddress"])
        return name, "address", "", (f"{name}.city", f"{name}.country")
    names = {"money": rng.choice(["price", "total", "balance"]), "geoPoint": "location"}
    kind = "scalar" if choice in ("status", "priority") else ""
    return names.get(choice, choice), choice, kind, ()


def gen_array(rng: random.Random, tables: list[str]) -> Generated:
    target = rng.choice(tables)
    name, code = rng.choice(
        [
            ("aliases", "v.array(v.string())"),
            ("samples", "v.array(v.number())"),
            (f"{singular(target)}Ids", f'v.array(v.id("{target}"))'),
            ("attributes", "v.array(v.object({ key: v.string(), value: v.number() }))"),
        ]
    )
    return name, code, "", ()


def gen_object(rng: random.Random, tables: list[str]) -> Generated:
    name, code = rng.choice(list(NESTED_OBJECTS.items()))
    paths = ("stats.views",) if name == "stats" else ()
    return name, code, "", paths


def gen_record(rng: random.Random, tables: list[str]) -> Generated:
    name, code = rng.choice(
        [
            ("counters", "v.record(v.string(), v.number())"),
            ("labels", "v.record(v.string(), v.string())"),
            ("readBy", 'v.record(v.id("users"), v.boolean())'),
            ("metadata", "metadata"),
        ]
    )
    return name, code, "", ()


def gen_nullable(rng: random.Random, tables: list[str]) -> Generated:
    name, code = rng.choice(
        [
            ("nickname", "v.nullable(v.string())"),
            ("deadline", "v.union(v.number(), v.null())"),
            ("assigneeNote", "nullable(v.string())"),  # convex-helpers: null first
        ]
    )
    return name, code, "scalar", ()


GENERATORS: list[tuple[Generator, int, bool]] = [
    # (generator, weight, may be wrapped in v.optional)
    (gen_string, 20, True),
    (gen_number, 15, True),
    (gen_id, 15, True),
    (gen_bool, 6, True),
    (gen_int64, 3, True),
    (gen_literals, 8, True),
    (gen_shared, 8, True),
    (gen_array, 8, True),
    (gen_object, 6, True),
    (gen_record, 5, True),
    (gen_nullable, 4, False),
]

# --------------------------------------------------------------------------
# Tables: a spec per table, then rendered to TypeScript.
# --------------------------------------------------------------------------

TABLE_STEMS = [
    "account",
    "project",
    "invoice",
    "order",
    "product",
    "team",
    "task",
    "comment",
    "message",
    "channel",
    "document",
    "asset",
    "customer",
    "vendor",
    "shipment",
    "payment",
    "subscription",
    "ticket",
    "article",
    "course",
    "lesson",
    "event",
    "device",
    "sensor",
    "report",
    "campaign",
    "lead",
    "contract",
    "workspace",
    "playlist",
]
TABLE_TAILS = [
    "Items",
    "Events",
    "Notes",
    "Links",
    "Versions",
    "Settings",
    "Members",
    "Snapshots",
    "Logs",
    "Tags",
    "Drafts",
    "Reviews",
    "Jobs",
    "Stats",
    "Invites",
    "Files",
    "Rules",
    "Quotas",
    "Alerts",
    "Exports",
]


@dataclass
class TableSpec:
    name: str
    spreads: list[str] = field(default_factory=list)
    fields: list[tuple[str, str]] = field(default_factory=list)  # name, code
    kinds: dict[str, str] = field(default_factory=dict)  # field -> index kind
    paths: list[str] = field(default_factory=list)  # nested index paths
    base: str | None = None  # defineTable(<base>.extend({...}))
    chain: list[str] = field(default_factory=list)


def table_names(rng: random.Random, count: int) -> list[str]:
    """`users` first, then distinct realistic names (numbered past 600)."""
    names = [s + t for s in TABLE_STEMS for t in TABLE_TAILS]
    rng.shuffle(names)
    extra = (
        f"{names[i % len(names)]}{i // len(names)}" for i in range(len(names), count)
    )
    return (["users"] + names + list(extra))[:count]


def add_field(
    rng: random.Random,
    spec: TableSpec,
    tables: list[str],
    generator: Generator | None = None,
) -> None:
    """Add one generated field, renamed if the name is already used."""
    if generator is None:
        weights = [w for _, w, _ in GENERATORS]
        generator, _, may_wrap = rng.choices(GENERATORS, weights)[0]
    else:
        may_wrap = True
    for _ in range(3):  # prefer a fresh name from the pool to `title2`
        name, code, kind, paths = generator(rng, tables)
        if name not in spec.kinds:
            break
    base, n = name, 2
    while name in spec.kinds:
        name, n = f"{base}{n}", n + 1
    paths = tuple(p.replace(base, name, 1) for p in paths)
    if may_wrap and rng.random() < 0.2:
        code = f"v.optional({code})"
    spec.fields.append((name, code))
    spec.kinds[name] = kind
    spec.paths.extend(paths)


def add_helpers(rng: random.Random, spec: TableSpec) -> None:
    """Spread shared helper fields in, or build on `baseEntity`."""
    if spec.name != "users" and rng.random() < 0.06:
        spec.base = 'baseEntity.omit("description")'
        spec.kinds.update({k: v for k, v in BASE_ENTITY.items() if k != "description"})
        return
    for probability, spread, added in HELPER_SPREADS:
        if rng.random() < probability:
            spec.spreads.append(spread)
            spec.kinds.update(added)
    if rng.random() < 0.08:
        spec.spreads.append(f"versioned({rng.randint(1, 4)})")
        spec.kinds["schemaVersion"] = ""


def add_indexes(rng: random.Random, spec: TableSpec) -> None:
    """1-5 database indexes over distinct field lists, some with nested paths."""
    scalars = [f for f, k in spec.kinds.items() if k] + spec.paths
    seen: set[tuple[str, ...]] = set()
    for _ in range(rng.randint(1, 5)):
        fields = tuple(rng.sample(scalars, min(len(scalars), rng.randint(1, 3))))
        if fields in seen:
            continue
        seen.add(fields)
        name = "by_" + "_".join(f.replace(".", "_") for f in fields)
        listed = ", ".join(f'"{f}"' for f in fields)
        if rng.random() < 0.1:  # the object form
            spec.chain.append(f'.index("{name}", {{ fields: [{listed}] }})')
        else:
            spec.chain.append(f'.index("{name}", [{listed}])')


def add_search_index(rng: random.Random, spec: TableSpec) -> None:
    texts = [f for f, k in spec.kinds.items() if k == "text"]
    if not texts:
        return
    searched = rng.choice(texts)
    others = [f for f, k in spec.kinds.items() if k and f != searched]
    filters = ", ".join(f'"{f}"' for f in rng.sample(others, min(2, len(others))))
    spec.chain.append(
        f'.searchIndex("search_{searched}", {{ searchField: '
        f'"{searched}", filterFields: [{filters}] }})'
    )


def add_vector_index(rng: random.Random, spec: TableSpec) -> None:
    spec.fields.append(("embedding", "v.array(v.float64())"))
    spec.kinds["embedding"] = ""
    others = [f for f, k in spec.kinds.items() if k]
    filters = ", ".join(f'"{f}"' for f in rng.sample(others, min(2, len(others))))
    spec.chain.append(
        '.vectorIndex("by_embedding", { vectorField: "embedding", '
        f"dimensions: 1536, filterFields: [{filters}] }})"
    )


def make_table(
    rng: random.Random, name: str, tables: list[str], vector: bool
) -> TableSpec:
    """A table of 5-20 fields with 1-5 indexes, maybe search/vector indexes."""
    spec = TableSpec(name)
    target = rng.randint(5, 20)
    add_helpers(rng, spec)
    if name == "users":
        for field_name in ("name", "email", "tokenIdentifier"):
            if field_name not in spec.kinds:
                spec.fields.append((field_name, "v.string()"))
                spec.kinds[field_name] = "text"
    add_field(rng, spec, tables, rng.choice([gen_string, gen_id]))
    while len(spec.kinds) < target:
        add_field(rng, spec, tables)
    if vector:
        add_vector_index(rng, spec)
    add_indexes(rng, spec)
    if rng.random() < 0.1:
        add_search_index(rng, spec)
    return spec


def render_table(spec: TableSpec, indent: str) -> str:
    """`defineTable({...}).index(...)...`, laid out the way Prettier would."""
    inner_indent = indent + "  "
    lines = [f"...{s}," for s in spec.spreads]
    for name, code in spec.fields:
        lines.append(f"{name}: {code.replace(chr(10), chr(10) + inner_indent)},")
    body = "".join(f"\n{inner_indent}{line}" for line in lines)
    document = "{" + body + f"\n{indent}}}"
    if spec.base:
        document = f"{spec.base}.extend({document})"
    chain = "".join(f"\n{inner_indent}{c}" for c in spec.chain)
    return f"defineTable({document}){chain}"


# --------------------------------------------------------------------------
# Files: which tables go where, imports, writing the project.
# --------------------------------------------------------------------------

GROUPS = ["billing", "content", "messaging"]


def imports_for(body: str, prefix: str, server: list[str]) -> str:
    """Import lines for what `body` uses; `prefix` is "./" or "../"."""
    lines = [
        f'import {{ {", ".join(server)} }} from "convex/server";',
        'import { v } from "convex/values";',
    ]
    for source, names in SHARED_NAMES.items():
        used = [n for n in names if re.search(rf"(?<![\w\"])(?<!\w\.){n}\b", body)]
        if used:
            module = source.replace("./", prefix) if source.startswith(".") else source
            lines.append(f'import {{ {", ".join(used)} }} from "{module}";')
    return "\n".join(lines) + "\n"


def table_file(specs: list[TableSpec], group: str | None) -> str:
    """One named export per table, or (group) one `{...}Tables` map."""
    if group is None:
        body = "".join(
            f"\nexport const {s.name} = {render_table(s, '')};\n" for s in specs
        )
    else:
        entries = "".join(f"\n  {s.name}: {render_table(s, '  ')}," for s in specs)
        body = f"\nexport const {group}Tables = {{{entries}\n}};\n"
    return imports_for(body, "../", ["defineTable"]) + body


def default_table_file(spec: TableSpec) -> str:
    body = (
        f"\nconst {spec.name} = {render_table(spec, '')};\n\n"
        f"export default {spec.name};\n"
    )
    return imports_for(body, "../", ["defineTable"]) + body


def schema_file(inline: list[TableSpec], named: str, default: str) -> str:
    entries = [f"  {named},", f"  {default},"]
    entries += [f"  ...{g}Tables," for g in GROUPS]
    entries += [f"  {s.name}: {render_table(s, '  ')}," for s in inline]
    body = "\nexport default defineSchema({\n" + "\n".join(entries) + "\n});\n"
    head = imports_for(body, "./", ["defineSchema", "defineTable"])
    head += f'import {{ {named} }} from "./tables/{named}";\n'
    head += f'import {default} from "./tables/{default}";\n'
    head += "".join(f'import {{ {g}Tables }} from "./tables/{g}";\n' for g in GROUPS)
    return head + body


STARTUP_SCHEMA_TS = """\
import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";

export default defineSchema({
  users: defineTable({ name: v.string() }).index("by_name", ["name"]),
});
"""


def startup_schema() -> Path:
    """A 1-table project: timing the Node route on it measures its start-up."""
    schema = WORK / "startup" / "convex" / "schema.ts"
    schema.parent.mkdir(parents=True, exist_ok=True)
    schema.write_text(STARTUP_SCHEMA_TS)
    return schema


def generate(count: int, seed: int) -> tuple[Path, list[TableSpec]]:
    """Write the project for `count` (>= 5) tables; return schema.ts and specs."""
    rng = random.Random(seed)
    names = table_names(rng, count)
    vectors = set(rng.sample(range(1, count), 2))
    specs = [make_table(rng, n, names, i in vectors) for i, n in enumerate(names)]
    per_group = max(1, count // 25)
    groups = [specs[2 + i * per_group : 2 + (i + 1) * per_group] for i in range(3)]
    convex = WORK / f"tables{count}-seed{seed}" / "convex"
    files = {
        "validators.ts": VALIDATORS_TS,
        "fields.ts": FIELDS_TS,
        f"tables/{names[0]}.ts": table_file(specs[:1], None),
        f"tables/{names[1]}.ts": default_table_file(specs[1]),
        **{f"tables/{g}.ts": table_file(groups[i], g) for i, g in enumerate(GROUPS)},
        "schema.ts": schema_file(specs[2 + 3 * per_group :], names[0], names[1]),
    }
    for relative, text in files.items():
        (convex / relative).parent.mkdir(parents=True, exist_ok=True)
        (convex / relative).write_text(text)
    return convex / "schema.ts", specs


# --------------------------------------------------------------------------
# Correctness: our export against the package's.
# --------------------------------------------------------------------------


def node_export(schema: Path) -> Json:
    """The real package's export JSON for `schema`, or exit with its error."""
    done = subprocess.run(
        [str(TSX), str(ORACLE), str(schema)], cwd=ROOT, capture_output=True, text=True
    )
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    if done.returncode != 0 or not lines:
        abort(f"the Node route failed (exit {done.returncode}):\n{done.stderr}")
    answer = json.loads(lines[-1])
    if "error" in answer:
        abort(f"the real package rejected the generated schema: {answer['error']}")
    return answer["export"]


def differences(ours: object, theirs: object, path: str = "$") -> list[str]:
    """The innermost paths where two parsed JSON values differ."""
    if isinstance(ours, dict) and isinstance(theirs, dict):
        found = []
        for key in list(theirs) + [k for k in ours if k not in theirs]:
            if key not in ours or key not in theirs:
                side = "package" if key in theirs else "ours"
                found.append(f"{path}.{key}: only in {side}")
            else:
                found += differences(ours[key], theirs[key], f"{path}.{key}")
        return found
    if isinstance(ours, list) and isinstance(theirs, list) and len(ours) == len(theirs):
        return [
            d
            for i, (a, b) in enumerate(zip(ours, theirs, strict=True))
            for d in differences(a, b, f"{path}[{i}]")
        ]
    if ours == theirs:
        return []
    ours_text, theirs_text = json.dumps(ours)[:200], json.dumps(theirs)[:200]
    return [f"{path}:\n    ours:    {ours_text}\n    package: {theirs_text}"]


def check(schema: Path) -> tuple[float, Json]:
    """Abort unless our export equals the package's; return our cold time."""
    start = time.perf_counter()
    result = read_schema(schema)
    ours = result.schema.to_json()
    cold = time.perf_counter() - start
    theirs = node_export(schema)
    if ours != theirs:
        found = differences(ours, theirs)
        abort(
            f"our export differs from the package's at {len(found)} place(s); "
            "first ones:\n  " + "\n  ".join(found[:5])
        )
    if result.diagnostics:
        print(
            f"note: {len(result.diagnostics)} diagnostic(s) while reading, "
            f"first: {result.diagnostics[0].message}"
        )
    return cold, theirs


def abort(message: str) -> None:
    print(f"ABORTED: {message}")
    sys.exit(1)


# --------------------------------------------------------------------------
# Timing and the report.
# --------------------------------------------------------------------------


def timed(action: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def timed_pair(
    first: Callable[[], object], second: Callable[[], object], repeat: int
) -> tuple[list[float], list[float]]:
    """Two actions timed in turns, so that a change in the machine's load
    weighs on both alike: their difference is what the benchmark reports."""
    pairs = [(timed(first, 1)[0], timed(second, 1)[0]) for _ in range(repeat)]
    return [a for a, _ in pairs], [b for _, b in pairs]


def run_checked(command: list[str]) -> None:
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{command[0]} exited {done.returncode}")


def cli_command(schema: Path, theirs: Json) -> tuple[list[str], str | None]:
    """Our CLI command, and why it is skipped (None when it works)."""
    command = [str(CLI), "show", "--schema", str(schema), "--format", "json"]
    if not CLI.exists():
        return command, f"{CLI.relative_to(ROOT)} is not installed"
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return command, f"`convex-schema show` does not work yet ({last})"
    try:
        same = json.loads(done.stdout) == theirs
    except json.JSONDecodeError:
        same = False
    if not same:
        print(
            "note: `convex-schema show --format json` output is not the package's "
            "export JSON (timed anyway)"
        )
    return command, None


def project_stats(schema: Path, specs: list[TableSpec]) -> str:
    files = sorted(schema.parent.rglob("*.ts"))
    size = sum(f.stat().st_size for f in files)
    lines = sum(f.read_text().count("\n") for f in files)
    fields = sum(len(s.kinds) for s in specs)
    indexes = [c for s in specs for c in s.chain]
    search = sum(c.startswith(".searchIndex") for c in indexes)
    vector = sum(c.startswith(".vectorIndex") for c in indexes)
    return (
        f"{len(specs)} tables, {fields} fields, {len(indexes) - search - vector} "
        f"indexes, {search} search, {vector} vector; {len(files)} files, "
        f"{lines} lines, {size / 1024:.0f} KiB"
    )


def versions() -> str:
    def package(name: str) -> str:
        manifest = ROOT / "node_modules" / name / "package.json"
        return str(json.loads(manifest.read_text())["version"])

    node = subprocess.run(["node", "--version"], capture_output=True, text=True)
    return (
        f"python {platform.python_version()}, node {node.stdout.strip()}, "
        f"tsx {package('tsx')}, convex {package('convex')}"
    )


def report(rows: dict[str, list[float] | str], node: list[float]) -> None:
    """The table: median, min and Node's median over ours, per route."""
    print(f"\n{'route':<44}{'median':>9}{'min':>9}{'node/ours':>11}")
    for label, times in rows.items():
        if isinstance(times, str):
            print(f"{label:<44}  skipped: {times}")
            continue
        median = statistics.median(times)
        ratio = statistics.median(node) / median
        shown = f"{_times(ratio):>11}" if times is not node else "-"
        print(f"{label:<44}{median:>8.3f}s{min(times):>8.3f}s{shown:>11}")


def breakdown(
    ours: list[float], parse_only: list[float], node: list[float], startup: list[float]
) -> None:
    """Where each route's time goes: the parse (which no evaluator can make
    faster), Node's fixed start-up, and Node's time over ours both in total and
    for the work of reading the tables alone."""
    ours_median = statistics.median(ours)
    node_work = statistics.median(node) - statistics.median(startup)
    print(f"\n{'where the time goes':<44}{'median':>9}{'min':>9}")
    _row("ours: tree-sitter parse alone (the floor)", parse_only)
    rest = ours_median - statistics.median(parse_only)
    _row("ours: the rest (evaluation, model, JSON)", rest)
    _row("node: start-up (the command on 1 table)", startup)
    _row("node: work (total minus start-up)", node_work)
    total = f"total {_times(statistics.median(node) / ours_median)}"
    if node_work > 0:
        work = f"work only {_times(node_work / ours_median)}"
    else:
        work = "work only n/a (start-up measured as long as the whole run)"
    print(f"node/ours: {total}; {work} ((node - node start-up) / ours)")


def _row(label: str, seconds: list[float] | float) -> None:
    if isinstance(seconds, list):
        median, least = statistics.median(seconds), min(seconds)
        print(f"{label:<44}{median:>8.3f}s{least:>8.3f}s")
    else:
        print(f"{label:<44}{seconds:>8.3f}s")


def _times(ratio: float) -> str:
    return f"{ratio:.{1 if ratio >= 1 else 2}f}x"


def verdict(ours: list[float], node: list[float], tables: int) -> None:
    median = statistics.median(ours)
    ratio = statistics.median(node) / median
    print()
    if ratio >= TARGET_RATIO:
        print(
            f"target met: in-process read is {ratio:.1f}x faster than Node "
            f"(>= {TARGET_RATIO:.0f}x)"
        )
    else:
        speed = (
            f"only {ratio:.1f}x faster than"
            if ratio >= 1
            else f"{1 / ratio:.1f}x slower than"
        )
        print(
            f"TARGET MISSED: in-process read is {speed} Node "
            f"(target >= {TARGET_RATIO:.0f}x faster)"
        )
    if tables != 500:
        print(
            f"(the {TARGET_SECONDS} s target is for 500 tables; this run has "
            f"{tables}: {median:.3f} s)"
        )
    elif median < TARGET_SECONDS:
        print(
            f"target met: in-process read takes {median:.3f} s (< {TARGET_SECONDS} s)"
        )
    else:
        print(
            f"TARGET MISSED: in-process read takes {median:.3f} s "
            f"(target < {TARGET_SECONDS} s)"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.tables < 5 or args.repeat < 1:
        parser.error("--tables must be at least 5 and --repeat at least 1")
    schema, specs = generate(args.tables, args.seed)
    print(f"project: {schema.parent.parent.relative_to(ROOT)} (seed {args.seed})")
    print(f"  {project_stats(schema, specs)}")
    print(f"  {versions()}; {args.repeat} repeats")
    cold, theirs = check(schema)
    print(
        f"correctness: our to_json() equals the package's export "
        f"(first, cold read: {cold:.3f} s)"
    )
    ours = timed(lambda: read_schema(schema).schema.to_json(), args.repeat)
    sources = [path.read_bytes() for path in sorted(schema.parent.rglob("*.ts"))]
    parse_only = timed(lambda: [parse(source) for source in sources], args.repeat)
    command, skipped = cli_command(schema, theirs)
    cli = skipped or timed(lambda: run_checked(command), args.repeat)
    small = startup_schema()
    node_export(small)  # the start-up run must read a schema too, or abort
    node, node_startup = timed_pair(
        lambda: run_checked([str(TSX), str(ORACLE), str(schema)]),
        lambda: run_checked([str(TSX), str(ORACLE), str(small)]),
        args.repeat,
    )
    report(
        {
            "ours: read_schema + to_json (in-process)": ours,
            "ours: convex-schema show (CLI subprocess)": cli,
            "node + tsx + convex (export_schema.ts)": node,
        },
        node,
    )
    breakdown(ours, parse_only, node, node_startup)
    verdict(ours, node, args.tables)
    return 0


if __name__ == "__main__":
    sys.exit(main())
