import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";

export default defineSchema({
  teams: defineTable({
    name: v.string(),
  }),
  members: defineTable({
    name: v.string(),
    teamId: v.optional(v.id("teams")),
  }),
});
