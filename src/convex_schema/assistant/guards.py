"""Write-side guards: the TypeScript a mutation calls to keep a field unique.

Convex has no unique constraint (REFERENCE §7). The convention is an index
on the field and a lookup through it in every mutation that writes the
field; mutations are serializable, so two concurrent writers of one value
cannot both commit. `unique_guard` writes that lookup as a helper for the
actual table, field and index, to live in `convex/model/` and be called
before `ctx.db.insert` and `ctx.db.patch`.
"""

from __future__ import annotations

import re


def guard_name(field: str) -> str:
    """`email` → `ensureUniqueEmail`, `email_address` → `ensureUniqueEmailAddress`."""
    parts = [p for p in re.split(r"[^A-Za-z0-9]+", field) if p]
    return "ensureUnique" + "".join(p[:1].upper() + p[1:] for p in parts)


def unique_guard(table: str, field: str, index: str) -> str:
    """The helper that throws when another `table` document has `field`."""
    name = guard_name(field)
    return f"""\
import type {{ Doc, Id }} from "./_generated/dataModel";
import type {{ MutationCtx }} from "./_generated/server";

/** Throws when another {table} document already has this {field}.
 * Call it in every mutation that inserts or patches {table}.{field}. */
export async function {name}(
  ctx: MutationCtx,
  value: Doc<"{table}">["{field}"],
  exceptId?: Id<"{table}">,
): Promise<void> {{
  const existing = await ctx.db
    .query("{table}")
    .withIndex("{index}", (q) => q.eq("{field}", value))
    .first();
  if (existing !== null && existing._id !== exceptId) {{
    throw new Error(`{table}.{field} must be unique: ${{String(value)}} is taken`);
  }}
}}
"""
