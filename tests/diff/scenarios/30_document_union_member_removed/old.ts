import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";

export default defineSchema({
  shapes: defineTable(
    v.union(
      v.object({ kind: v.literal("circle"), r: v.number() }),
      v.object({ kind: v.literal("square"), side: v.number() }),
    ),
  ),
});
