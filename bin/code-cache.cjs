// Loads a CommonJS file with a V8 code cache, the way `module.enableCompileCache()` does on
// Node 22 (Node 20 has none): a start then skips parsing and compiling what an earlier run of
// the same kind compiled. The caller names the cache file, so each kind of run (a `kaizen`
// command) keeps the code it needs and no more: a small cache is read faster than a large one.
// A cache is written after a run that found none, or found one V8 refused (another Node version
// or V8 flags), and only when the caller says the run went well; a folder that cannot be written
// just goes without it. Plain CommonJS JavaScript: it runs before anything is compiled.
'use strict';
const { readFileSync, renameSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname } = require('node:path');
const { Script } = require('node:vm');

/**
 * @param {string} file absolute path of a CommonJS file holding only ASCII (as esbuild writes it)
 * @param {string} cacheFile where its code cache is kept
 * @returns {{ exports: any, saveCache: () => void }}
 */
function requireWithCodeCache(file, cacheFile) {
  /** @type {Buffer | undefined} */
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  // latin1 reads ASCII exactly and is decoded faster than utf8 into a one-byte string.
  const source = readFileSync(file, 'latin1');
  const wrapper = `(function (exports, require, module, __filename, __dirname) { ${source}\n})`;
  const script = new Script(wrapper, { filename: file, cachedData });
  const loaded = { exports: {} };
  script.runInThisContext()(loaded.exports, createRequire(file), loaded, file, dirname(file));
  const stale = cachedData === undefined || script.cachedDataRejected === true;
  return {
    exports: loaded.exports,
    saveCache() {
      if (!stale) return;
      const temporary = `${cacheFile}.${process.pid}`;
      try {
        writeFileSync(temporary, script.createCachedData());
        renameSync(temporary, cacheFile);
      } catch {
        // A read-only install: every start compiles, as without the cache.
      }
    },
  };
}

module.exports = { requireWithCodeCache };
