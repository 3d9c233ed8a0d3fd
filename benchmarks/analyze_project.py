"""The Convex project that benchmarks/analyze.py times: a generator.

`generate(tables, files, seed)` writes, deterministically from the seed, a
project under benchmarks/.work/analyze-<tables>-<files>-seed<seed>/:

- `package.json` (no-process-env only checks a `convex/` folder that sits
  next to one) and `convex/_generated/` stubs;
- `convex/schema.ts` with the tables (users first; every other table has
  `ownerId` and `updatedAt`), 1-4 indexes each named after their fields, a
  few search indexes, and about 6% of tables with a redundant prefix index;
- function files, one per (folder, table): `convex/<table>.ts` (CRUD,
  list queries, the internal functions that actions call), `admin/`,
  `jobs/` (batched purges, recounts, sync actions) and `integrations/`
  (about 30% of them "use node" action files);
- helpers in `convex/model/` (auth checks, per-table reads over `db`),
  `crons.ts` and `http.ts`.

A share of the code breaks each rule of @convex-dev/eslint-plugin except
no-schema-import-cycle (the schema stays loadable): `.filter` and `.collect`
on queries, `ctx.db.get/patch/delete` without the table name, public
functions without `args` or without a named access check, the old
`query(async (ctx) => ...)` form, `process.env`, crons at minute 0, and
default-runtime files importing from a "use node" one.
"""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from read import TABLE_STEMS, TABLE_TAILS, singular  # benchmarks/read.py, beside

WORK = Path(__file__).resolve().parent / ".work"

# --------------------------------------------------------------------------
# The schema: tables with fields and indexes, rendered to convex/schema.ts.
# --------------------------------------------------------------------------

STRING_FIELDS = ["title", "label", "body", "summary", "notes", "url", "color"]
KEY_FIELDS = ["slug", "code", "externalId", "email"]  # strings worth indexing
NUMBER_FIELDS = ["position", "score", "dueAt", "startsAt", "sizeBytes", "count"]
BOOLEAN_FIELDS = ["isActive", "isPinned", "archived", "isPublic"]


@dataclass(frozen=True)
class Field:
    name: str
    code: str  # the validator expression
    kind: str  # id, string, key, number, boolean, status, list
    optional: bool = False

    @property
    def indexable(self) -> bool:
        return self.kind in ("id", "key", "number", "boolean", "status")


@dataclass
class Table:
    name: str
    stem: str  # the model/ file that holds its helpers
    fields: list[Field]
    indexes: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    search: str | None = None

    def get(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    @property
    def writable(self) -> list[Field]:
        return [f for f in self.fields if f.name not in ("ownerId", "updatedAt")]


USER_FIELDS = [
    Field("name", "v.string()", "string"),
    Field("email", "v.string()", "key"),
    Field("tokenIdentifier", "v.string()", "key"),
    Field("role", 'v.union(v.literal("member"), v.literal("admin"))', "status"),
    Field("updatedAt", "v.number()", "number"),
]


def capital(name: str) -> str:
    return name[0].upper() + name[1:]


def table_names(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """(name, stem) pairs: `users` first, then distinct realistic names."""
    pairs = [(s + t, s) for s in TABLE_STEMS for t in TABLE_TAILS]
    rng.shuffle(pairs)
    extra = [
        (f"{pairs[i % len(pairs)][0]}{i // len(pairs)}", pairs[i % len(pairs)][1])
        for i in range(len(pairs), count)
    ]
    return ([("users", "users")] + pairs + extra)[:count]


def make_field(rng: random.Random, tables: list[str]) -> Field:
    roll = rng.random()
    if roll < 0.25:
        target = rng.choice(tables)
        return Field(f"{singular(target)}Id", f'v.id("{target}")', "id")
    if roll < 0.45:
        name = rng.choice(STRING_FIELDS)
        optional = rng.random() < 0.3
        code = "v.optional(v.string())" if optional else "v.string()"
        return Field(name, code, "string", optional)
    if roll < 0.55:
        return Field(rng.choice(KEY_FIELDS), "v.string()", "key")
    if roll < 0.72:
        return Field(rng.choice(NUMBER_FIELDS), "v.number()", "number")
    if roll < 0.84:
        return Field(rng.choice(BOOLEAN_FIELDS), "v.boolean()", "boolean")
    if roll < 0.94:
        return Field("status", "status", "status")
    return Field("tags", "v.optional(tags)", "list", True)


def make_indexes(rng: random.Random, table: Table) -> None:
    """1-4 indexes named after their fields; a few are a prefix of another."""
    keys = [f.name for f in table.fields if f.indexable and f.name != "ownerId"]
    first = ["tokenIdentifier"] if table.name == "users" else ["ownerId"]
    if keys and table.name != "users" and rng.random() < 0.5:
        first.append(rng.choice([k for k in keys if k not in first] or keys))
    shapes = [tuple(dict.fromkeys(first))]
    for _ in range(rng.randint(0, 3)):
        if not keys:
            break
        shape = tuple(rng.sample(keys, min(len(keys), rng.choice([1, 1, 2]))))
        overlaps = any(s[: len(shape)] == shape or shape[: len(s)] == s for s in shapes)
        if not overlaps:
            shapes.append(shape)
    if rng.random() < 0.06:  # a redundant prefix index, for no-duplicate-indexes
        longest = max(shapes, key=len)
        if len(longest) > 1:
            shapes.append(longest[:1])
    table.indexes = [("by_" + "_and_".join(s), s) for s in shapes]
    texts = [f.name for f in table.fields if f.kind == "string"]
    if texts and rng.random() < 0.1:
        table.search = rng.choice(texts)


def make_table(rng: random.Random, name: str, stem: str, tables: list[str]) -> Table:
    if name == "users":
        fields = list(USER_FIELDS)
    else:
        fields = [
            Field("ownerId", 'v.id("users")', "id"),
            Field("updatedAt", "v.number()", "number"),
        ]
    for _ in range(rng.randint(3, 8)):
        candidate = make_field(rng, tables)
        if all(f.name != candidate.name for f in fields):
            fields.append(candidate)
    table = Table(name, stem, fields)
    make_indexes(rng, table)
    return table


def render_table(table: Table) -> str:
    lines = [f"  {table.name}: defineTable({{"]
    lines += [f"    {f.name}: {f.code}," for f in table.fields]
    lines.append("  })")
    for name, fields in table.indexes:
        listed = ", ".join(f'"{f}"' for f in fields)
        lines.append(f'    .index("{name}", [{listed}])')
    if table.search:
        lines.append(
            f'    .searchIndex("search_{table.search}", '
            f'{{ searchField: "{table.search}" }})'
        )
    return "\n".join(lines) + ","


SCHEMA_HEAD = """\
import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";
import { status, tags } from "./validators";

export default defineSchema({
"""

VALIDATORS_TS = """\
import { v } from "convex/values";

export const status = v.union(
  v.literal("draft"),
  v.literal("active"),
  v.literal("archived"),
);

export const tags = v.array(v.string());
"""


def schema_file(tables: list[Table]) -> str:
    return SCHEMA_HEAD + "\n".join(render_table(t) for t in tables) + "\n});\n"


# --------------------------------------------------------------------------
# Function files: a module per (folder, table), built from templates.
# --------------------------------------------------------------------------


@dataclass
class Module:
    path: str  # under convex/, without ".ts": "admin/invoiceItems"
    table: Table
    use_node: bool = False
    imports: dict[str, set[str]] = field(default_factory=dict)
    functions: list[str] = field(default_factory=list)
    names: set[str] = field(default_factory=set)

    @property
    def prefix(self) -> str:
        depth = self.path.count("/")
        return "../" * depth if depth else "./"

    @property
    def reference(self) -> str:
        return self.path.replace("/", ".")

    def use(self, source: str, *names: str) -> None:
        if source.startswith("@/"):
            source = self.prefix + source[2:]
        self.imports.setdefault(source, set()).update(names)

    def name(self, wanted: str) -> str:
        name, n = wanted, 2
        while name in self.names:
            name, n = f"{wanted}{n}", n + 1
        self.names.add(name)
        return name

    def add(self, registrar: str, name: str, body: str) -> None:
        self.use("@/_generated/server", registrar)
        self.functions.append(f"export const {name} = {registrar}({body});\n")

    def render(self) -> str:
        head = '"use node";\n\n' if self.use_node else ""
        for source in sorted(self.imports, key=lambda s: (s.startswith("."), s)):
            names = ", ".join(sorted(self.imports[source]))
            head += f'import {{ {names} }} from "{source}";\n'
        return head + "\n" + "\n".join(self.functions)


def use_shared(m: Module, fields: list[Field]) -> None:
    """Import the shared validators that these fields' codes name."""
    codes = {f.code for f in fields}
    shared = [
        n for n in ("status", "tags") if n in codes or f"v.optional({n})" in codes
    ]
    if shared:
        m.use("@/validators", *shared)


def access_check(rng: random.Random, m: Module) -> str:
    """The first lines of a public handler: usually a named access check."""
    if rng.random() < 0.06:  # not named like a check: require-access-control
        return (
            "    const identity = await ctx.auth.getUserIdentity();\n"
            "    if (identity === null) {\n"
            '      throw new Error("Not signed in");\n'
            "    }\n"
        )
    check = "requireAdmin" if m.path.startswith("admin/") else "requireUser"
    m.use("@/model/auth", check)
    return f"    await {check}(ctx);\n"


def table_call(rng: random.Random, method: str, table: str, args: str) -> str:
    """`ctx.db.<method>("table", ...)`, or the old form without the table."""
    if rng.random() < 0.12:  # explicit-table-ids
        return f"ctx.db.{method}({args})"
    return f'ctx.db.{method}("{table}", {args})'


def filter_step(rng: random.Random, table: Table, indexed: tuple[str, ...]) -> str:
    """A `.filter(...)` line on a non-indexed field, or nothing."""
    candidates = [
        f
        for f in table.fields
        if f.kind in ("boolean", "status") and f.name not in indexed
    ]
    if not candidates or rng.random() > 0.15:
        return ""
    chosen = rng.choice(candidates)
    value = "true" if chosen.kind == "boolean" else '"active"'
    if chosen.name == "role":
        value = '"admin"'
    return f'      .filter((q) => q.eq(q.field("{chosen.name}"), {value}))\n'


def list_query(rng: random.Random, m: Module) -> None:
    t = m.table
    index, fields = rng.choice(t.indexes)
    args = [f"{f}: {t.get(f).code}" for f in fields]
    names = list(fields)
    terminal = rng.choices(["paginate", "take", "collect", "first"], [3, 4, 2, 1])[0]
    if terminal == "paginate":
        m.use("convex/server", "paginationOptsValidator")
        args.append("paginationOpts: paginationOptsValidator")
        names.append("paginationOpts")
    end = {
        "paginate": ".paginate(paginationOpts)",
        "take": f".take({rng.choice([10, 20, 50, 100])})",
        "collect": ".collect()",
        "first": ".first()",
    }[terminal]
    eq = "".join(f'.eq("{f}", {f})' for f in fields)
    name = m.name("listBy" + "And".join(capital(f) for f in fields))
    m.use("convex/values", "v")
    m.add(
        "query",
        name,
        "{\n"
        f"  args: {{ {', '.join(args)} }},\n"
        f"  handler: async (ctx, {{ {', '.join(names)} }}) => {{\n"
        + access_check(rng, m)
        + "    return await ctx.db\n"
        f'      .query("{t.name}")\n'
        f'      .withIndex("{index}", (q) => q{eq})\n'
        + filter_step(rng, t, fields)
        + '      .order("desc")\n'
        f"      {end};\n"
        "  },\n"
        "}",
    )


def get_query(rng: random.Random, m: Module) -> None:
    t = m.table
    m.use("convex/values", "v")
    m.add(
        "query",
        m.name("get"),
        "{\n"
        f'  args: {{ id: v.id("{t.name}") }},\n'
        "  handler: async (ctx, { id }) => {\n"
        + access_check(rng, m)
        + f"    const doc = await {table_call(rng, 'get', t.name, 'id')};\n"
        "    if (doc === null) {\n"
        f'      throw new Error("No such {singular(t.name)}");\n'
        "    }\n"
        "    return doc;\n"
        "  },\n"
        "}",
    )


def create_mutation(rng: random.Random, m: Module) -> None:
    t = m.table
    args = ", ".join(f"{f.name}: {f.code}" for f in t.writable)
    owner = "" if t.name == "users" else "ownerId: user._id, "
    use_shared(m, t.writable)
    m.use("convex/values", "v")
    m.use("@/model/auth", "requireUser")
    m.add(
        "mutation",
        m.name("create"),
        "{\n"
        f"  args: {{ {args} }},\n"
        "  handler: async (ctx, args) => {\n"
        "    const user = await requireUser(ctx);\n"
        f'    return await ctx.db.insert("{t.name}", '
        f"{{ ...args, {owner}updatedAt: Date.now() }});\n"
        "  },\n"
        "}",
    )


def update_mutation(rng: random.Random, m: Module) -> None:
    t = m.table
    changed = rng.sample(t.writable, min(len(t.writable), rng.randint(1, 2)))
    if not changed:
        return
    args = "".join(f", {f.name}: {f.code}" for f in changed)
    use_shared(m, changed)
    m.use("convex/values", "v")
    patch = table_call(
        rng, "patch", t.name, "id, { ...changes, updatedAt: Date.now() }"
    )
    m.add(
        "mutation",
        m.name("set" + "And".join(capital(f.name) for f in changed)),
        "{\n"
        f'  args: {{ id: v.id("{t.name}"){args} }},\n'
        "  handler: async (ctx, { id, ...changes }) => {\n"
        + access_check(rng, m)
        + f"    await {patch};\n"
        "  },\n"
        "}",
    )


def remove_mutation(rng: random.Random, m: Module) -> None:
    t = m.table
    m.use("convex/values", "v")
    m.add(
        "mutation",
        m.name("remove"),
        "{\n"
        f'  args: {{ id: v.id("{t.name}") }},\n'
        "  handler: async (ctx, { id }) => {\n"
        + access_check(rng, m)
        + f"    await {table_call(rng, 'delete', t.name, 'id')};\n"
        "  },\n"
        "}",
    )


def count_query(rng: random.Random, m: Module) -> None:
    """A public query with no args and no named check (two findings)."""
    m.add(
        "query",
        m.name("count"),
        "{\n"
        "  handler: async (ctx) => {\n"
        "    const identity = await ctx.auth.getUserIdentity();\n"
        "    if (identity === null) {\n"
        "      return 0;\n"
        "    }\n"
        f'    const rows = await ctx.db.query("{m.table.name}").take(1000);\n'
        "    return rows.length;\n"
        "  },\n"
        "}",
    )


def latest_query(rng: random.Random, m: Module) -> None:
    """The old registration syntax: `query(async (ctx) => ...)`."""
    m.use("@/model/auth", "requireUser")
    m.add(
        "query",
        m.name("latest"),
        "async (ctx) => {\n"
        "  await requireUser(ctx);\n"
        f'  return await ctx.db.query("{m.table.name}").order("desc").first();\n'
        "}",
    )


def recent_query(rng: random.Random, m: Module) -> None:
    """A thin wrapper over a helper in convex/model/."""
    if m.table.name == "users":
        return
    helper = "recent" + capital(m.table.name)
    m.use(f"@/model/{m.table.stem}", helper)
    m.use("@/model/auth", "requireUser")
    m.add(
        "query",
        m.name("recent"),
        "{\n"
        "  args: {},\n"
        "  handler: async (ctx) => {\n"
        "    const user = await requireUser(ctx);\n"
        f"    return await {helper}(ctx.db, user._id);\n"
        "  },\n"
        "}",
    )


def purge_mutation(rng: random.Random, m: Module) -> None:
    """A batched internal delete that reschedules itself."""
    t = m.table
    name = m.name("purge")
    m.use("convex/values", "v")
    m.use("@/_generated/api", "internal")
    m.add(
        "internalMutation",
        name,
        "{\n"
        "  args: { olderThanDays: v.number() },\n"
        "  handler: async (ctx, { olderThanDays }) => {\n"
        "    const before = Date.now() - olderThanDays * 24 * 60 * 60 * 1000;\n"
        "    const batch = await ctx.db\n"
        f'      .query("{t.name}")\n'
        '      .withIndex("by_creation_time", (q) => q.lt("_creationTime", before))\n'
        "      .take(100);\n"
        "    for (const doc of batch) {\n"
        f"      await {table_call(rng, 'delete', t.name, 'doc._id')};\n"
        "    }\n"
        "    if (batch.length === 100) {\n"
        f"      await ctx.scheduler.runAfter(0, internal.{m.reference}.{name}, "
        "{ olderThanDays });\n"
        "    }\n"
        "  },\n"
        "}",
    )


def recount_mutation(rng: random.Random, m: Module) -> None:
    """An internal job that reads a whole index range (no-collect-in-query)."""
    t = m.table
    index, fields = t.indexes[0]
    m.use("convex/values", "v")
    m.add(
        "internalMutation",
        m.name("recount"),
        "{\n"
        '  args: { ownerId: v.id("users") },\n'
        "  handler: async (ctx, { ownerId }) => {\n"
        "    const rows = await ctx.db\n"
        f'      .query("{t.name}")\n'
        f'      .withIndex("{index}", (q) => q.eq("{fields[0]}", ownerId))\n'
        "      .collect();\n"
        "    return rows.length;\n"
        "  },\n"
        "}",
    )


def sync_action(rng: random.Random, m: Module) -> None:
    """A public action: runQuery, a fetch, runMutation."""
    t = m.table
    url = (
        "${process.env.SYNC_URL}" if rng.random() < 0.5 else "https://sync.example.com"
    )
    m.use("convex/values", "v")
    m.use("@/_generated/api", "internal")
    m.use("@/model/auth", "requireIdentity")
    m.add(
        "action",
        m.name(rng.choice(["syncToCrm", "pushToSearch", "exportToSheets"])),
        "{\n"
        f'  args: {{ id: v.id("{t.name}") }},\n'
        "  handler: async (ctx, { id }) => {\n"
        "    await requireIdentity(ctx);\n"
        f"    const doc = await ctx.runQuery(internal.{t.name}.getInternal, "
        "{ id });\n"
        "    if (doc === null) {\n"
        "      return false;\n"
        "    }\n"
        f"    const response = await fetch(`{url}/{t.name}/${{id}}`, {{\n"
        '      method: "POST",\n'
        "      body: JSON.stringify(doc),\n"
        "    });\n"
        f"    await ctx.runMutation(internal.{t.name}.markSynced, {{ id }});\n"
        "    return response.ok;\n"
        "  },\n"
        "}",
    )


def companions(rng: random.Random, m: Module) -> None:
    """The internal query and mutation that sync actions call."""
    t = m.table
    m.use("convex/values", "v")
    m.add(
        "internalQuery",
        "getInternal",
        f'{{\n  args: {{ id: v.id("{t.name}") }},\n'
        f'  handler: async (ctx, {{ id }}) => await ctx.db.get("{t.name}", id),\n}}',
    )
    m.add(
        "internalMutation",
        "markSynced",
        f'{{\n  args: {{ id: v.id("{t.name}") }},\n'
        "  handler: async (ctx, { id }) => {\n"
        f'    await ctx.db.patch("{t.name}", id, {{ updatedAt: Date.now() }});\n'
        "  },\n}",
    )
    m.names.update({"getInternal", "markSynced"})


def version_query(rng: random.Random, m: Module) -> None:
    """Reads a constant from a "use node" module (import-wrong-runtime)."""
    m.use(f"@/integrations/{m.table.name}", "SYNC_VERSION")
    m.use("@/model/auth", "requireUser")
    m.add(
        "query",
        m.name("syncVersion"),
        "{\n  args: {},\n  handler: async (ctx) => {\n"
        "    await requireUser(ctx);\n    return SYNC_VERSION;\n  },\n}",
    )


Template = Callable[[random.Random, Module], None]
REPEATABLE = (list_query, update_mutation, sync_action)  # distinct each time
# Per folder: templates every module gets, then (template, weight) to draw from.
PLANS: dict[str, tuple[list[Template], list[tuple[Template, int]]]] = {
    "": (
        [companions, get_query, list_query, create_mutation],
        [
            (list_query, 6),
            (update_mutation, 6),
            (remove_mutation, 4),
            (recent_query, 3),
            (count_query, 1),
            (latest_query, 1),
        ],
    ),
    "admin": (
        [list_query],
        [(list_query, 4), (remove_mutation, 4), (update_mutation, 3), (count_query, 1)],
    ),
    "jobs": (
        [purge_mutation],
        [(recount_mutation, 2), (sync_action, 3), (list_query, 2), (get_query, 2)],
    ),
    "integrations": ([sync_action], [(sync_action, 2), (get_query, 1)]),
}


def fill_module(
    rng: random.Random, m: Module, folder: str, node_tables: set[str]
) -> None:
    """The folder's fixed templates, then 1-4 drawn ones."""
    required, optional = PLANS[folder]
    used = list(required)
    for template in required:
        template(rng, m)
    templates, weights = zip(*optional, strict=True)
    for template in rng.choices(templates, weights, k=rng.randint(1, 4)):
        if template in used and template not in REPEATABLE:
            continue
        if template in (count_query, latest_query) and rng.random() < 0.6:
            continue  # keep the rule-breaking ones rare
        template(rng, m)
        used.append(template)
    if folder == "jobs" and m.table.name in node_tables and rng.random() < 0.25:
        version_query(rng, m)


def node_module(rng: random.Random, m: Module) -> None:
    """A "use node" integration: only actions, signing with node:crypto."""
    m.use_node = True
    m.use("node:crypto", "createHmac")
    m.use("convex/values", "v")
    m.functions.append(f"export const SYNC_VERSION = {rng.randint(1, 9)};\n")
    m.add(
        "internalAction",
        m.name("pushSigned"),
        "{\n"
        f'  args: {{ id: v.id("{m.table.name}"), payload: v.string() }},\n'
        "  handler: async (_ctx, { id, payload }) => {\n"
        '    const key = process.env.SIGNING_KEY ?? "";\n'
        '    const signature = createHmac("sha256", key).update(payload)'
        '.digest("hex");\n'
        "    const response = await fetch(`https://hooks.example.com/"
        f"{m.table.name}/${{id}}`, {{\n"
        '      method: "POST",\n'
        '      headers: { "x-signature": signature },\n'
        "      body: payload,\n"
        "    });\n"
        "    return response.status;\n"
        "  },\n"
        "}",
    )
    sync_action(rng, m)


# --------------------------------------------------------------------------
# Shared files: model helpers, crons, http, the generated stubs.
# --------------------------------------------------------------------------

AUTH_TS = """\
import type { UserIdentity } from "convex/server";
import type { Doc } from "../_generated/dataModel";
import type { ActionCtx, QueryCtx } from "../_generated/server";

export async function getCurrentUser(ctx: QueryCtx): Promise<Doc<"users"> | null> {
  const identity = await ctx.auth.getUserIdentity();
  if (identity === null) {
    return null;
  }
  return await ctx.db
    .query("users")
    .withIndex("by_tokenIdentifier", (q) =>
      q.eq("tokenIdentifier", identity.tokenIdentifier),
    )
    .unique();
}

export async function requireUser(ctx: QueryCtx): Promise<Doc<"users">> {
  const user = await getCurrentUser(ctx);
  if (user === null) {
    throw new Error("Not signed in");
  }
  return user;
}

export async function requireAdmin(ctx: QueryCtx): Promise<Doc<"users">> {
  const user = await requireUser(ctx);
  if (user.role !== "admin") {
    throw new Error("Admins only");
  }
  return user;
}

export async function requireIdentity(ctx: ActionCtx): Promise<UserIdentity> {
  const identity = await ctx.auth.getUserIdentity();
  if (identity === null) {
    throw new Error("Not signed in");
  }
  return identity;
}
"""

DOCS_TS = """\
import schema from "../schema";
import type { TableNames } from "../_generated/dataModel";

/** A table's document validator, for args that take a whole document. */
export function documentValidator(table: TableNames) {
  return schema.tables[table].validator;
}
"""

GENERATED = {
    "server.d.ts": (
        "/* eslint-disable */\n// A stub: `npx convex dev` writes the real file.\n"
        'import type { GenericQueryCtx } from "convex/server";\n'
        "export declare const query: any, internalQuery: any, mutation: any,\n"
        "  internalMutation: any, action: any, internalAction: any, "
        "httpAction: any;\n"
        "export type QueryCtx = GenericQueryCtx<any>;\n"
        "export type MutationCtx = any;\nexport type ActionCtx = any;\n"
        "export type DatabaseReader = any;\n"
    ),
    "api.d.ts": (
        "/* eslint-disable */\n// A stub: `npx convex dev` writes the real file.\n"
        "export declare const api: any, internal: any;\n"
    ),
    "dataModel.d.ts": (
        "/* eslint-disable */\n// A stub: `npx convex dev` writes the real file.\n"
        "export type TableNames = string;\n"
        "export type Id<T extends string> = string & { __tableName: T };\n"
        "export type Doc<T extends string> = any;\n"
    ),
}


def model_file(tables: list[Table], rng: random.Random) -> str:
    """Helpers over `db` for the tables of one stem."""
    parts = [
        'import type { Id } from "../_generated/dataModel";\n'
        'import type { DatabaseReader } from "../_generated/server";\n'
    ]
    for t in tables:
        index, fields = t.indexes[0]
        extra = ""
        if rng.random() < 0.1:  # no-filter-in-query, on a bare `db`
            extra = '    .filter((q) => q.gt(q.field("updatedAt"), 0))\n'
        end = ".collect()" if rng.random() < 0.1 else ".take(20)"
        parts.append(
            f"export async function recent{capital(t.name)}(\n"
            "  db: DatabaseReader,\n"
            '  ownerId: Id<"users">,\n'
            ") {\n"
            "  return await db\n"
            f'    .query("{t.name}")\n'
            f'    .withIndex("{index}", (q) => q.eq("{fields[0]}", ownerId))\n'
            f'{extra}    .order("desc")\n'
            f"    {end};\n"
            "}\n"
        )
    return "\n".join(parts)


def crons_file(rng: random.Random, purges: list[str]) -> str:
    lines = [
        'import { cronJobs } from "convex/server";',
        'import { internal } from "./_generated/api";',
        "",
        "const crons = cronJobs();",
        "",
    ]
    for i, reference in enumerate(purges[:40]):
        minute = 0 if rng.random() < 0.25 else rng.randint(1, 59)
        args = f"{{ olderThanDays: {rng.choice([7, 30, 90])} }}"
        kind = i % 4
        if kind == 0:
            schedule = f'crons.hourly("purge {i}", {{ minuteUTC: {minute} }}'
        elif kind == 1:
            schedule = (
                f'crons.daily("purge {i}", '
                f"{{ hourUTC: {rng.randint(0, 23)}, minuteUTC: {minute} }}"
            )
        elif kind == 2:
            schedule = f'crons.cron("purge {i}", "{minute} {rng.randint(0, 23)} * * *"'
        else:
            schedule = (
                f'crons.interval("purge {i}", {{ minutes: {rng.randint(5, 60)} }}'
            )
        lines.append(f"{schedule}, internal.{reference}, {args});")
    return "\n".join(lines) + "\n\nexport default crons;\n"


def http_file(tables: list[Table]) -> str:
    routes = "".join(
        "\nhttp.route({\n"
        f'  path: "/webhooks/{t.name}",\n'
        '  method: "POST",\n'
        "  handler: httpAction(async (ctx, request) => {\n"
        '    if (request.headers.get("x-secret") !== process.env.WEBHOOK_SECRET) {\n'
        '      return new Response("Unauthorized", { status: 401 });\n'
        "    }\n"
        "    const { id } = await request.json();\n"
        f"    await ctx.runMutation(internal.{t.name}.markSynced, {{ id }});\n"
        "    return new Response(null, { status: 200 });\n"
        "  }),\n"
        "});\n"
        for t in tables
    )
    return (
        'import { httpRouter } from "convex/server";\n'
        'import { internal } from "./_generated/api";\n'
        'import { httpAction } from "./_generated/server";\n\n'
        f"const http = httpRouter();\n{routes}\nexport default http;\n"
    )


def generate(tables: int, files: int, seed: int) -> Path:
    """Write the project; return its folder (the one holding convex/)."""
    rng = random.Random(seed)
    pairs = table_names(rng, tables)
    names = [n for n, _ in pairs]
    specs = [make_table(rng, n, s, names) for n, s in pairs]
    folders = ["", "admin", "jobs", "integrations"]
    slots = [(f, t) for f in folders for t in specs][:files]
    integrations = [t.name for f, t in slots if f == "integrations"]
    node_tables = {n for n in integrations if rng.random() < 0.3}
    out: dict[str, str] = {"schema.ts": schema_file(specs)}
    purges = []
    for folder, table in slots:
        m = Module(f"{folder}/{table.name}".lstrip("/"), table)
        if folder == "integrations" and table.name in node_tables:
            node_module(rng, m)
        else:
            fill_module(rng, m, folder, node_tables)
        if "purge" in m.names:
            purges.append(f"{m.reference}.purge")
        out[m.path + ".ts"] = m.render()
    by_stem: dict[str, list[Table]] = {}
    for t in specs:
        by_stem.setdefault(t.stem, []).append(t)
    by_stem.pop("users")
    out |= {f"model/{s}.ts": model_file(ts, rng) for s, ts in by_stem.items()}
    out |= {"validators.ts": VALIDATORS_TS}
    out |= {"model/auth.ts": AUTH_TS, "model/docs.ts": DOCS_TS}
    out["crons.ts"] = crons_file(rng, purges)
    out["http.ts"] = http_file(specs[:12])
    out |= {f"_generated/{k}": text for k, text in GENERATED.items()}
    return write_project(f"analyze-{tables}-{files}-seed{seed}", out)


def write_project(name: str, files: dict[str, str]) -> Path:
    project = WORK / name
    shutil.rmtree(project, ignore_errors=True)
    manifest = {"name": name, "private": True, "dependencies": {"convex": "1.48.0"}}
    (project / "convex").mkdir(parents=True)
    (project / "package.json").write_text(json.dumps(manifest, indent=2) + "\n")
    for relative, text in files.items():
        path = project / "convex" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return project
