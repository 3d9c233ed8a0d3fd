import { v } from "convex/values";
import { internal } from "./_generated/api";
import { mutation, query } from "./_generated/server";
import { requireUser } from "./model/users";

/** The comments of a post, oldest first. */
export const forPost = query({
  args: { postId: v.id("posts") },
  handler: async (ctx, { postId }) => {
    return await ctx.db
      .query("comments")
      .filter((q) => q.eq(q.field("postId"), postId))
      .take(100);
  },
});

/** A comment and the chain of comments it answers. */
export const thread = query({
  args: { commentId: v.id("comments") },
  handler: async (ctx, { commentId }) => {
    const chain = [];
    let current = await ctx.db.get("comments", commentId);
    while (current !== null) {
      chain.push(current);
      current = current.parentId
        ? await ctx.db.get("comments", current.parentId)
        : null;
    }
    return chain;
  },
});

/** Add a comment to a post. */
export const add = mutation({
  args: {
    postId: v.id("posts"),
    authorId: v.id("users"),
    body: v.string(),
  },
  handler: async (ctx, { postId, authorId, body }) => {
    const id = await ctx.db.insert("comments", { postId, authorId, body });
    await ctx.scheduler.runAfter(0, internal.notifications.commentAdded, {
      commentId: id,
    });
    return id;
  },
});

/** Delete one of your own comments. */
export const remove = mutation({
  args: { commentId: v.id("comments") },
  handler: async (ctx, { commentId }) => {
    const user = await requireUser(ctx);
    const comment = await ctx.db.get("comments", commentId);
    if (comment === null || comment.authorId !== user._id) {
      throw new Error("not your comment");
    }
    await ctx.db.delete("comments", commentId);
    return null;
  },
});
