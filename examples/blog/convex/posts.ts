import { v } from "convex/values";
import { mutation, query } from "./_generated/server";

/** The published posts of an author, newest first. */
export const byAuthor = query({
  args: { authorId: v.id("users") },
  handler: async (ctx, { authorId }) => {
    return await ctx.db
      .query("posts")
      .withIndex("by_author_and_status", (q) =>
        q.eq("authorId", authorId).eq("status", "published"),
      )
      .order("desc")
      .take(20);
  },
});

/** One post by its slug. */
export const bySlug = query({
  args: { slug: v.string() },
  handler: async (ctx, { slug }) => {
    return await ctx.db
      .query("posts")
      .withIndex("by_slug", (q) => q.eq("slug", slug))
      .unique();
  },
});

/** Count a view of a post for today. */
export const recordView = mutation({
  args: { postId: v.id("posts"), day: v.string() },
  handler: async (ctx, { postId, day }) => {
    const existing = await ctx.db
      .query("postViews")
      .withIndex("by_post_and_day", (q) => q.eq("postId", postId).eq("day", day))
      .unique();
    if (existing) {
      await ctx.db.patch("postViews", existing._id, { count: existing.count + 1n });
    } else {
      await ctx.db.insert("postViews", { postId, day, count: 1n });
    }
  },
});
