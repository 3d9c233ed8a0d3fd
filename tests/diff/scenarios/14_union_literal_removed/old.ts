import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";

export default defineSchema({
  orders: defineTable({
    status: v.union(v.literal("open"), v.literal("paid"), v.literal("archived")),
  }),
});
