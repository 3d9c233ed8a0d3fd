// Writes the tables that well-known packages export, as the pinned packages
// define them, for the reader to use when a schema spreads or uses them.
// Run: node_modules/.bin/tsx tools/package_tables.ts > src/convex_schema/data/package_tables.json
import { defineSchema } from "convex/server";
import { authTables } from "@convex-dev/auth/server";
import { rateLimitTables } from "convex-helpers/server/rateLimit";
import { migrationsTable } from "convex-helpers/server/migrations";

const exportOf = (tables: Record<string, any>) =>
  JSON.parse((defineSchema(tables) as any).export());

const packages = {
  "@convex-dev/auth/server": {
    authTables: { kind: "tables", schema: exportOf(authTables) },
  },
  "convex-helpers/server/rateLimit": {
    rateLimitTables: { kind: "tables", schema: exportOf(rateLimitTables) },
  },
  "convex-helpers/server/migrations": {
    migrationsTable: { kind: "table", schema: exportOf({ table: migrationsTable }) },
  },
};
console.log(JSON.stringify(packages, null, 2));
