import type { QueryCtx } from "../_generated/server";

/** The signed-in user, or an error for anonymous callers. */
export async function requireUser(ctx: QueryCtx) {
  const identity = await ctx.auth.getUserIdentity();
  if (identity === null) {
    throw new Error("sign in first");
  }
  const user = await ctx.db
    .query("users")
    .withIndex("by_email", (q) => q.eq("email", identity.email ?? ""))
    .unique();
  if (user === null) {
    throw new Error("no account for " + identity.email);
  }
  return user;
}
