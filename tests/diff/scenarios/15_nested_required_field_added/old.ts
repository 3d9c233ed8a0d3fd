import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";

export default defineSchema({
  users: defineTable({
    name: v.string(),
    address: v.optional(v.object({ city: v.string() })),
  }),
});
