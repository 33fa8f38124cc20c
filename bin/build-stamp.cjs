// Whether dist/ was compiled from exactly the sources in this folder. `npm run build` writes
// dist/build-stamp.json last: every input's size, modification time and content hash. The
// `kaizen` bin runs dist/ only when the inputs still match it, so an edited, pulled or
// checked-out source can never run as old compiled code. Plain CommonJS JavaScript: it runs
// before anything is compiled or loaded through tsx.
'use strict';
const { readdirSync, readFileSync, statSync } = require('node:fs');
const { join } = require('node:path');

const STAMP_FILE = join('dist', 'build-stamp.json');
const STAMP_VERSION = 1;

/** What a build is made of: the sources, the compiler settings, the build scripts and the locked dependencies (the bundles hold some). */
const INPUT_FILES = ['package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'scripts/build.ts', 'scripts/cli-bundle.ts', 'bin/cli-layout.cjs'];
const INPUT_FOLDERS = ['src'];

/**
 * @typedef {{ path: string, size: number, mtimeMs: number }} InputFile
 * @typedef {InputFile & { sha256: string }} StampedFile
 * @typedef {{ version: number, builtAt: string, files: StampedFile[] }} BuildStamp
 */

/**
 * Every start of `kaizen` pays for this walk, so it builds paths by concatenation (path.join and
 * path.relative normalise each one, which cost more than the stat itself) and walks folders
 * itself (readdir's `recursive` option is slower for a tree this size).
 * @param {string} root @returns {InputFile[]} the build's input files, sorted by path
 */
function buildInputs(root) {
  /** @type {InputFile[]} */
  const inputs = [];
  const add = (/** @type {string} */ path) => {
    const stats = statSync(`${root}/${path}`, { throwIfNoEntry: false });
    if (stats?.isFile()) inputs.push({ path, size: stats.size, mtimeMs: stats.mtimeMs });
  };
  const walk = (/** @type {string} */ folder) => {
    for (const entry of readdirSync(`${root}/${folder}`, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(`${folder}/${entry.name}`);
      else if (entry.isFile()) add(`${folder}/${entry.name}`);
    }
  };
  for (const name of INPUT_FILES) add(name);
  for (const folder of INPUT_FOLDERS) walk(folder);
  return inputs.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** @param {string} root @param {string} path */
function sha256Of(root, path) {
  // Loaded only when a file's time changed: most starts find every size and time as built.
  const { createHash } = require('node:crypto');
  return createHash('sha256').update(readFileSync(join(root, path))).digest('hex');
}

/** @param {string} root @returns {BuildStamp} the stamp of the inputs as they are now */
function stampNow(root) {
  return { version: STAMP_VERSION, builtAt: new Date().toISOString(), files: buildInputs(root).map((f) => ({ ...f, sha256: sha256Of(root, f.path) })) };
}

/**
 * Why dist/ must not run (no stamp, an input added, removed or changed), or null when it was
 * built from the inputs as they are. A file whose time changed but whose content did not (a
 * checkout back and forth) still counts as built.
 * @param {string} root
 * @returns {string | null}
 */
function staleBuildReason(root) {
  /** @type {BuildStamp} */
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(join(root, STAMP_FILE), 'utf8'));
  } catch {
    return 'no build (npm run build)';
  }
  if (stamp.version !== STAMP_VERSION || !Array.isArray(stamp.files)) return 'a build of another Kaizen version';
  let inputs;
  try {
    inputs = buildInputs(root);
  } catch {
    return 'the sources cannot be read';
  }
  if (inputs.length !== stamp.files.length) return 'files were added or removed since the build';
  for (const [i, input] of inputs.entries()) {
    const built = stamp.files[i];
    if (!built || built.path !== input.path) return `${input.path} is not in the build`;
    if (built.size === input.size && built.mtimeMs === input.mtimeMs) continue;
    if (built.size !== input.size || built.sha256 !== sha256Of(root, input.path)) return `${input.path} changed since the build`;
  }
  return null;
}

module.exports = { STAMP_FILE, STAMP_VERSION, buildInputs, stampNow, staleBuildReason };
