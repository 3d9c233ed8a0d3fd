import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";

export default defineSchema({
  users: defineTable({
    name: v.string(),
    age: v.number(),
    status: v.union(v.literal("active"), v.literal("banned")),
  }),
  logs: defineTable({
    line: v.string(),
  }),
});
