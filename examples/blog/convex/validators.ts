import { v } from "convex/values";

/** The publishing workflow of a post. */
export const postStatus = v.union(
  v.literal("draft"),
  v.literal("scheduled"),
  v.literal("published"),
  v.literal("archived"),
);

/** Search-engine metadata shared by posts and pages. */
export const seoFields = {
  description: v.string(),
  canonicalUrl: v.optional(v.string()),
};
