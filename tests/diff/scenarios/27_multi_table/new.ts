import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";

export default defineSchema({
  users: defineTable({
    name: v.string(),
    bio: v.optional(v.string()),
  }),
  posts: defineTable({
    title: v.string(),
    authorId: v.id("users"),
    minutes: v.number(),
  }),
  comments: defineTable({
    postId: v.id("posts"),
    body: v.string(),
  }).index("by_post", ["postId"]),
  tags: defineTable({
    name: v.string(),
  }).index("by_name", ["name"]),
});
