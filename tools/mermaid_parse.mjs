// Parses Mermaid diagrams with the real `mermaid` package, without a browser:
// the check that `convex-schema diagram --format mermaid` renders.
//
// Run: node tools/mermaid_parse.mjs FILE...
//
// Output (stdout): a JSON list of {"file", "ok", "type", "error"}, one per
// file. Exit code 0 when every file parses, 1 otherwise.
import { readFileSync } from "node:fs";
import mermaid from "mermaid";

const results = [];
for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, "utf8");
  try {
    const parsed = await mermaid.parse(text);
    results.push({ file, ok: true, type: parsed.diagramType, error: null });
  } catch (error) {
    results.push({ file, ok: false, type: null, error: String(error.message) });
  }
}
console.log(JSON.stringify(results));
process.exit(results.every((r) => r.ok) ? 0 : 1);
