import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";

export default defineSchema({
  users: defineTable({
    name: v.string(),
  }),
  sessions: defineTable({
    token: v.string(),
    expires: v.number(),
  }).index("by_token", ["token"]),
});
