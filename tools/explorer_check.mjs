// Drive the schema explorer in a real browser (Debian's Chromium through
// playwright-core) and check what a user sees.
//
//   node tools/explorer_check.mjs SPEC.json
//
// SPEC: {"html": file, "tables": [names], "pick": {"table", "fields": [...],
// "indexes": [...], "query": bool}, "screenshot": png, "chromium": path}.
// Playwright starts Chromium with a new, empty profile of its own (it refuses
// a --user-data-dir argument). Prints one JSON line of measurements; exits 1 with the reason on failure.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const spec = JSON.parse(readFileSync(process.argv[2], "utf8"));
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

function check(condition, message) {
  if (!condition) throw new Error(message);
}

async function run(page) {
  const requests = [];
  page.on("request", (request) => {
    if (!request.url().startsWith("file:")) requests.push(request.url());
  });
  const errors = [];
  page.on("pageerror", (error) => errors.push(String(error)));

  const opened = performance.now();
  await page.goto(pathToFileURL(resolve(spec.html)).href);
  await page.waitForFunction(() => window.explorer && window.explorer.ready, null, { timeout: 20000 });
  const openMs = Math.round(performance.now() - opened);
  const firstRenderMs = await page.evaluate(() => window.explorer.firstRenderMs);

  const shown = await page.evaluate(() =>
    window.explorer.cy.nodes().filter((n) => n.visible()).map((n) => n.id()),
  );
  const missing = spec.tables.filter((name) => !shown.includes(name));
  check(missing.length === 0, `tables not drawn: ${missing.join(", ")}`);

  const pick = spec.pick;
  const clicked = performance.now();
  await page.fill("#search", pick.table);
  await page.press("#search", "Enter");
  await page.waitForFunction((name) => document.querySelector("#panel h2")?.textContent === name, pick.table);
  // Then click the node itself, where the browser draws it.
  await page.waitForTimeout(400); // the search centres the table with a short animation
  const centred = await page.evaluate((name) => {
    const node = window.explorer.cy.getElementById(name);
    const rect = document.getElementById("graph").getBoundingClientRect();
    const at = node.renderedPosition();
    return { x: rect.left + at.x, y: rect.top + at.y };
  }, pick.table);
  await page.mouse.click(centred.x, centred.y);
  await page.waitForFunction((name) => window.explorer.cy.getElementById(name).selected(), pick.table, { timeout: 20000 });
  const searchClickMs = Math.round(performance.now() - clicked);

  const panel = await page.textContent("#panel");
  for (const field of pick.fields) check(panel.includes(field), `panel lacks field ${field}`);
  for (const index of pick.indexes) check(panel.includes(index), `panel lacks index ${index}`);

  let path = null;
  if (pick.query) {
    const row = page.locator(".query-path").filter({ hasText: pick.query.function }).first();
    await row.click();
    path = await page.evaluate(() => ({
      tables: window.explorer.cy.nodes(".path").map((n) => n.id()),
      index: document.querySelector(".path-index")?.dataset.index ?? null,
      note: document.getElementById("path-note").textContent,
    }));
    check(path.tables.includes(pick.table), `query path does not highlight ${pick.table}`);
    if (pick.query.index) check(path.index === pick.query.index, `query path highlights index ${path.index}, not ${pick.query.index}`);
  }

  await page.screenshot({ path: spec.screenshot });
  check(errors.length === 0, `page errors: ${errors.join("; ")}`);
  check(requests.length === 0, `the page fetched: ${requests.join(", ")}`);
  return { openMs, firstRenderMs, searchClickMs, tables: shown.length, path };
}

const browser = await chromium.launch({
  executablePath: spec.chromium || "/usr/bin/chromium",
  args: FLAGS,
});
let code = 0;
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  console.log(JSON.stringify(await run(page)));
} catch (error) {
  console.error(error.message);
  const [page] = browser.contexts()[0]?.pages() ?? [];
  if (page) await page.screenshot({ path: spec.screenshot.replace(/\.png$/, "-failed.png") });
  code = 1;
} finally {
  await browser.close();
}
process.exit(code);
