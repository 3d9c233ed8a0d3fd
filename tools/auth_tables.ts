// Writes the export JSON of `authTables` from the pinned @convex-dev/auth, which
// the reader uses when a schema spreads `...authTables`.
// Run: node_modules/.bin/tsx tools/auth_tables.ts > src/convex_schema/data/auth_tables.json
import { defineSchema } from "convex/server";
import { authTables } from "@convex-dev/auth/server";

const exported = JSON.parse((defineSchema(authTables) as any).export());
console.log(JSON.stringify(exported, null, 2));
