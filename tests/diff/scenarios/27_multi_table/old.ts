import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";

export default defineSchema({
  users: defineTable({
    name: v.string(),
  }),
  posts: defineTable({
    title: v.string(),
    authorId: v.id("users"),
  }).index("by_title", ["title"]),
  comments: defineTable({
    postId: v.id("posts"),
    body: v.string(),
  }),
});
