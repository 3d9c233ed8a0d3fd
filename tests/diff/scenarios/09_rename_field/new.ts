import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";

export default defineSchema({
  users: defineTable({
    full_name: v.string(),
    email: v.string(),
  }),
});
