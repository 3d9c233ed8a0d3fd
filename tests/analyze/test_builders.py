"""Functions made with custom builders (convex-helpers' `customQuery(query,
…)` and kin): found, of the registrar's kind, and resolved by the file that
uses them, since two files may define builders of the same name."""

from __future__ import annotations

from pathlib import Path

from analyze_projects import analyze, found

SERVER = (
    'import { query, mutation, internalQuery } from "./_generated/server";\n'
    'import { customQuery, customMutation, customCtx } from "convex-helpers/server/customFunctions";\n'
)
CHECKED = """
export const withRLS = customMutation(
  mutation,
  customCtx(async (ctx) => {
    const identity = await ctx.auth.getUserIdentity();
    if (identity === null) throw new Error("not signed in");
    return { identity };
  }),
);
export const rename = withRLS({ args: {}, handler: async (ctx) => null });
"""
UNCHECKED = """
const withRLS = customMutation(mutation, customCtx(async (ctx) => ({})));
export const open = withRLS({ args: {}, handler: async (ctx) => null });
"""
LIB = """
export const authedQuery = customQuery(
  query,
  customCtx(async (ctx) => ({ user: await ctx.auth.getUserIdentity() })),
);
export const adminQuery = customQuery(internalQuery, customCtx(async () => ({})));
export const apiKeyQuery = customQuery(query, {
  args: { apiKey: v.string() },
  input: async (ctx, { apiKey }) => {
    if (apiKey !== process.env.API_KEY) throw new Error("bad key");
    return { ctx: {}, args: {} };
  },
});
"""
USES = """
import { authedQuery, adminQuery, apiKeyQuery } from "./lib/builders";
import { withRLS } from "./checked";
export const mine = authedQuery({ args: {}, handler: async (ctx) => null });
export const report = adminQuery({ args: {}, handler: async (ctx) => null });
export const edit = withRLS({ args: {}, handler: async (ctx) => null });
export const bare = authedQuery(async (ctx) => null);
export const webhook = apiKeyQuery({ args: {}, handler: async (ctx) => null });
"""


RLS = """
import { loadMember } from "./lib/access";
async function rules(ctx: any) {
  const identity = await ctx.auth.getUserIdentity();
  return { identity };
}
const withRules = customMutation(mutation, customCtx(async (ctx) => ({ r: await rules(ctx) })));
const withMember = customQuery(query, customCtx(async (ctx) => ({ m: await loadMember(ctx) })));
const withNothing = customQuery(query, customCtx(async (ctx) => ({ n: helperless() })));
function helperless() { return 1; }
export const a = withRules({ args: {}, handler: async (ctx) => null });
export const b = withMember({ args: {}, handler: async (ctx) => null });
export const c = withNothing({ args: {}, handler: async (ctx) => null });
"""
ACCESS = """
export async function loadMember(ctx: any) {
  return await ctx.auth.getUserIdentity();
}
"""


def test_a_builder_that_checks_through_a_project_helper(tmp_path: Path) -> None:
    result = analyze(tmp_path, {"rls.ts": SERVER + RLS, "lib/access.ts": ACCESS})
    checks = {f.name: f.builder_checks_auth for f in result.project.functions}
    assert checks == {"rls:a": True, "rls:b": True, "rls:c": False}


def test_builders_are_resolved_per_file(tmp_path: Path) -> None:
    files = {
        "checked.ts": SERVER + CHECKED,
        "unchecked.ts": SERVER + UNCHECKED,
        "lib/builders.ts": SERVER.replace("./_generated", "../_generated") + LIB,
        "uses.ts": USES,
    }
    result = analyze(tmp_path, files)
    functions = {f.name: f for f in result.project.functions}
    assert sorted(functions) == [
        "checked:rename",
        "unchecked:open",
        "uses:bare",
        "uses:edit",
        "uses:mine",
        "uses:report",
        "uses:webhook",
    ]
    made = {
        name: (f.kind, f.public, f.builder, f.builder_checks_auth)
        for name, f in functions.items()
    }
    assert made == {
        "checked:rename": ("mutation", True, "withRLS", True),
        # The same name in another file: that file's own builder, no check.
        "unchecked:open": ("mutation", True, "withRLS", False),
        "uses:bare": ("query", True, "authedQuery", True),
        "uses:edit": ("mutation", True, "withRLS", True),  # imported
        "uses:mine": ("query", True, "authedQuery", True),
        "uses:report": ("query", False, "adminQuery", False),  # internal
        "uses:webhook": ("query", True, "apiKeyQuery", True),  # throws on a bad key
    }
    # Only the builder without a check leaves a public function open.
    warned = [f.data["function"] for f in found(result, "A302") if f.data]
    assert warned == ["unchecked:open"]
    # A bare handler on a builder gets the object form, as on query().
    (bare,) = found(result, "A104")
    assert bare.message == 'query "uses:bare" is registered with a bare handler'
    assert bare.fix is not None
