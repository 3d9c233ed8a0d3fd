import { v } from "convex/values";
import { internalMutation, query } from "./_generated/server";

/** Tell the post's author about a new comment (scheduled by comments:add). */
export const commentAdded = internalMutation({
  args: { commentId: v.id("comments") },
  returns: v.null(),
  handler: async (ctx, { commentId }) => {
    const comment = await ctx.db.get("comments", commentId);
    if (comment === null) {
      return null;
    }
    const post = await ctx.db.get("posts", comment.postId);
    console.log(`new comment on ${post?.title ?? "a deleted post"}`);
    return null;
  },
});

/** Every post that is drafted but not yet published. */
export const drafts = query({
  args: {},
  handler: async (ctx) => {
    return await ctx.db
      .query("posts")
      .filter((q) => q.eq(q.field("status"), "draft"))
      .collect();
  },
});
