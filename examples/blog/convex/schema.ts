import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";
import { postStatus, seoFields } from "./validators";

export default defineSchema({
  // People who sign in. Authors are users with a profile.
  users: defineTable({
    name: v.string(),
    email: v.string(),
    role: v.union(v.literal("reader"), v.literal("author"), v.literal("admin")),
    bio: v.optional(v.string()),
  }).index("by_email", ["email"]),

  posts: defineTable({
    title: v.string(),
    slug: v.string(),
    body: v.string(),
    authorId: v.id("users"),
    status: postStatus,
    publishedAt: v.optional(v.number()), // ms since epoch, set when published
    tags: v.array(v.string()),
    seo: v.optional(v.object(seoFields)),
    coverImage: v.optional(v.id("_storage")),
  })
    .index("by_slug", ["slug"])
    .index("by_author_and_status", ["authorId", "status"])
    .index("by_status_and_published_at", ["status", "publishedAt"])
    .searchIndex("search_body", {
      searchField: "body",
      filterFields: ["status", "authorId"],
    }),

  comments: defineTable({
    postId: v.id("posts"),
    authorId: v.id("users"),
    body: v.string(),
    // Replies point at the comment they answer.
    parentId: v.optional(v.id("comments")),
  })
    .index("by_post", ["postId"])
    .index("by_parent", ["parentId"]),

  postViews: defineTable({
    postId: v.id("posts"),
    day: v.string(), // YYYY-MM-DD
    count: v.int64(),
  }).index("by_post_and_day", ["postId", "day"]),
});
