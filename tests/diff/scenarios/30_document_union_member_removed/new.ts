import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";

export default defineSchema({
  shapes: defineTable(
    v.object({ kind: v.literal("circle"), r: v.number() }),
  ),
});
