// Prints what the real `convex` package exports for each schema file given,
// one JSON line per file: {"path", "export"} or {"path", "error"}.
// Run: node_modules/.bin/tsx tools/export_schema.ts a/schema.ts b/schema.ts
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";

for (const path of process.argv.slice(2)) {
  try {
    const module = await import(pathToFileURL(resolve(path)).href);
    const exported = JSON.parse(module.default.export());
    console.log(JSON.stringify({ path, export: exported }));
  } catch (error) {
    console.log(JSON.stringify({ path, error: String(error) }));
  }
}
