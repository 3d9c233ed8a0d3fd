// Prints what the real `@convex-dev/eslint-plugin` reports for a Convex
// project: the oracle for `convex-schema analyze`'s parity test and benchmark.
//
// Run: node tools/eslint_findings.mjs PROJECT_DIR [--concurrency N]
//
// With --concurrency N, ESLint lints on N worker threads (its own
// `--concurrency`); the findings are the same. Each thread loads the options
// from this module again (`ESLint.fromOptionsModule`, since a plugin object
// cannot be sent to a thread), so the main thread passes the project and N
// through the environment.
//
// PROJECT_DIR holds `convex/`. Every `convex/**/*.ts` file is linted except
// `convex/_generated/**`, with ESLint's Node API and a flat config built here
// (the project's own ESLint config, if any, is not read). Every rule the
// plugin ships is on, including `import-wrong-runtime` and
// `require-access-control` (off in the plugin's recommended config) and
// `no-collect-in-query` (not in it). Options are the rules' defaults:
//
// - require-args-validator: `ignoreUnusedArguments: false`, so a function
//   with no `args` is reported even when its handler takes no arguments.
// - require-access-control: the default `pattern`,
//   `^(require|assert|check|ensure|can)([A-Z_]|$)|^has[A-Z_]`, which accepts
//   checks named like `requireUser`, `checkAccess`, `canEditNote`, `hasRole`.
//   It needs no other option to be useful, and the default keeps the
//   messages identical to what a project using the plugin sees.
//
// ESLint and the plugin are loaded from this repository's node_modules, so
// PROJECT_DIR can be anywhere. no-process-env only checks a `convex/` folder
// that has a `package.json` beside it; without one a note goes to stderr.
//
// Linting is not type-aware (no `parserOptions.project`): it needs no
// tsconfig and no installed `convex`, and the three rules that use types
// (explicit-table-ids, no-filter-in-query, no-collect-in-query) fall back to
// their syntax-only checks.
//
// Output (stdout): a JSON list of {"rule", "file", "line", "column",
// "message"}, sorted by file, line, column, rule and message. `rule` is the
// plugin's rule name without the `@convex-dev/` prefix; `file` is relative to
// PROJECT_DIR with `/` separators; `line` and `column` are ESLint's, both
// 1-based. Messages from outside the plugin's rules are dropped (ESLint's own
// "Definition for rule ... was not found" about disable comments, say). A
// file that does not parse appears with "rule": null and the parser's
// message, and the exit code is then 1; it is 2 for a usage error.
import { existsSync } from "node:fs";
import { relative, resolve, sep } from "node:path";
import { isMainThread } from "node:worker_threads";
import { ESLint } from "eslint";
import tsParser from "@typescript-eslint/parser";
import convexPlugin from "@convex-dev/eslint-plugin";

const PREFIX = "@convex-dev/";
// This module imported under this query is the options module of the threads.
const OPTIONS_QUERY = "?options";
const PROJECT_VARIABLE = "ESLINT_FINDINGS_PROJECT";
const THREADS_VARIABLE = "ESLINT_FINDINGS_CONCURRENCY";

function usage(message) {
  process.stderr.write(
    `${message}\nusage: node tools/eslint_findings.mjs PROJECT_DIR [--concurrency N]\n`,
  );
  process.exit(2);
}

function options(project, concurrency) {
  return {
    cwd: project,
    overrideConfigFile: true,
    overrideConfig: config(),
    errorOnUnmatchedPattern: false,
    concurrency,
  };
}

function config() {
  const rules = Object.fromEntries(
    Object.keys(convexPlugin.rules)
      .sort()
      .map((name) => [`${PREFIX}${name}`, "error"]),
  );
  return [
    {
      files: ["convex/**/*.ts"],
      ignores: ["convex/_generated/**"],
      linterOptions: { reportUnusedDisableDirectives: "off" },
      languageOptions: {
        parser: tsParser,
        ecmaVersion: "latest",
        sourceType: "module",
      },
      plugins: { "@convex-dev": convexPlugin },
      rules,
    },
  ];
}

function findings(results, project) {
  const found = [];
  for (const result of results) {
    const file = relative(project, result.filePath).split(sep).join("/");
    for (const message of result.messages) {
      const rule = message.ruleId?.startsWith(PREFIX)
        ? message.ruleId.slice(PREFIX.length)
        : null;
      // ESLint also reports, under the rule's own id, a disable comment that
      // names a rule it does not know (`@typescript-eslint/...` here).
      const fromPlugin = Object.hasOwn(convexPlugin.rules, rule ?? "");
      if (!fromPlugin && !message.fatal) continue;
      found.push({
        rule: fromPlugin ? rule : null,
        file,
        line: message.line,
        column: message.column,
        message: message.message,
      });
    }
  }
  const key = (f) => [f.file, f.line, f.column, f.rule ?? "", f.message];
  return found.sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    for (let i = 0; i < x.length; i++) {
      if (x[i] < y[i]) return -1;
      if (x[i] > y[i]) return 1;
    }
    return 0;
  });
}

async function main() {
  const args = process.argv.slice(2);
  let threads = null;
  const at = args.indexOf("--concurrency");
  if (at >= 0) {
    threads = Number(args[at + 1]);
    if (!Number.isInteger(threads) || threads < 1) usage("--concurrency needs a count");
    args.splice(at, 2);
  }
  if (args.length !== 1 || args[0].startsWith("-")) usage("expected one PROJECT_DIR");
  const project = resolve(args[0]);
  if (!existsSync(resolve(project, "convex"))) usage(`${project} has no convex/ folder`);
  if (!existsSync(resolve(project, "package.json"))) {
    process.stderr.write(
      `note: ${project} has no package.json, so no-process-env reports nothing\n`,
    );
  }
  let eslint;
  if (threads === null) {
    eslint = new ESLint(options(project, "off"));
  } else {
    process.env[PROJECT_VARIABLE] = project;
    process.env[THREADS_VARIABLE] = String(threads);
    eslint = await ESLint.fromOptionsModule(new URL(import.meta.url + OPTIONS_QUERY));
  }
  const results = await eslint.lintFiles(["convex/**/*.ts"]);
  const found = findings(results, project);
  process.stdout.write(`${JSON.stringify(found, null, 2)}\n`);
  process.exitCode = found.some((f) => f.rule === null) ? 1 : 0;
}

const asOptions = import.meta.url.endsWith(OPTIONS_QUERY);
export default asOptions
  ? options(process.env[PROJECT_VARIABLE], Number(process.env[THREADS_VARIABLE]))
  : undefined;
if (isMainThread && !asOptions) await main();
