import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";

export default defineSchema({
  users: defineTable({
    name: v.string(),
    status: v.literal("active"),
    plan: v.string(),
  }).index("by_name", ["name"]),
});
