#!/usr/bin/env node
// One ESLint process for a whole step (src/adapters/eslint-session.ts starts it): it loads an
// ESLint through its API once and answers lint and fix requests until its stdin ends, so the
// analysis of a repository and the autofix of the file it picks share one start, one config
// load and (for typed rules) one TypeScript program.
// Usage: node eslint-session.cjs ESLINT_PACKAGE_DIR OPTIONS_JSON, run in the worktree.
// stdin: one JSON request per line, {"id": 1, "files": ["src/a.js"], "fix": false}.
// stdout: one JSON answer per line, {"id": 1, "results": [...]} (ESLint's LintResult list, as its
// json formatter prints it) or {"id": 1, "error": "..."}. Anything ESLint or a plugin prints
// goes to stderr, so it can never be taken for an answer.
'use strict';
const { createInterface } = require('node:readline');
const { pathToFileURL } = require('node:url');

const answer = process.stdout.write.bind(process.stdout);
process.stdout.write = process.stderr.write.bind(process.stderr);

const [eslintDir, optionsJson] = process.argv.slice(2);
if (!eslintDir || !optionsJson) {
  process.stderr.write('usage: eslint-session.cjs ESLINT_PACKAGE_DIR OPTIONS_JSON\n');
  process.exit(2);
}
/** ESLint constructor options besides cwd and fix: overrideConfigFile, warnIgnored, … */
const options = JSON.parse(optionsJson);

/** The package's API: required, or imported when the package is ESM only. */
async function load(dir) {
  try {
    return require(dir);
  } catch (err) {
    if (err.code !== 'ERR_REQUIRE_ESM') throw err;
    return import(pathToFileURL(require.resolve(dir)).href);
  }
}

let loading;
/** The ESLint class of the package, flat config: `loadESLint` since ESLint 8.57. */
function eslintClass() {
  loading ??= (async () => {
    const api = await load(eslintDir);
    if (typeof api.loadESLint === 'function') return api.loadESLint({ useFlatConfig: true });
    return api.ESLint;
  })();
  return loading;
}

/** One instance per mode, made on first use: ESLint's fix setting is fixed at construction. */
const instances = new Map();
async function instanceFor(fix) {
  if (!instances.has(fix)) {
    const ESLint = await eslintClass();
    instances.set(fix, new ESLint({ ...options, cwd: process.cwd(), errorOnUnmatchedPattern: false, fix }));
  }
  return instances.get(fix);
}

async function handle(line) {
  let id = null;
  try {
    const request = JSON.parse(line);
    id = request.id;
    if (!Array.isArray(request.files)) throw new Error('a request needs "files", a list of paths');
    const eslint = await instanceFor(request.fix === true);
    const results = await eslint.lintFiles(request.files);
    answer(`${JSON.stringify({ id, results })}\n`);
  } catch (err) {
    answer(`${JSON.stringify({ id, error: describe(err) })}\n`);
  }
}

/** The error's message and where it came from outside ESLint and Node (a config file, a plugin). */
function describe(err) {
  if (!(err instanceof Error)) return String(err);
  const frames = (err.stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line) && !line.includes('node:internal') && !line.includes(`${eslintDir}/`) && !line.includes(__filename) && !line.includes("(<anonymous>)"));
  return [`${err.name}: ${err.message}`, ...frames.slice(0, 3)].join('\n');
}

// Requests are answered in order, one at a time.
let queue = Promise.resolve();
const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on('line', (line) => {
  if (line.trim() === '') return;
  queue = queue.then(() => handle(line));
});
lines.on('close', () => {
  void queue.then(() => process.exit(0));
});
