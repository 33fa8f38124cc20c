#!/usr/bin/env node
// The `kaizen` command (also `npm run kaizen`): the compiled CLI in dist/ when `npm run build`
// made it from exactly these sources, else the TypeScript sources through tsx's loader. So a
// fresh install starts fast, and an edited or pulled checkout never runs stale compiled code.
// The compiled CLI is two files loaded with V8 code caches: the command tree (dist/cli/bundle.cjs,
// all `--help` reads) and the commands (commands.cjs, loaded when one runs, a cache per command);
// their names and how they meet are in cli-layout.cjs, which the bundler reads too.
// CommonJS, not ESM: an ESM entry starts Node's module loader, which costs every command ~10 ms.
'use strict';
const { existsSync } = require('node:fs');
const { dirname, join } = require('node:path');
const { staleBuildReason } = require('./build-stamp.cjs');
const { CLI_FOLDER, COMMANDS_FILE, LOAD_COMMANDS_KEY, TREE_FILE } = require('./cli-layout.cjs');
const { requireWithCodeCache } = require('./code-cache.cjs');

const home = dirname(__dirname);
const cliFolder = join(home, CLI_FOLDER);
const tree = join(cliFolder, TREE_FILE);

async function main() {
  if (staleBuildReason(home) !== null) {
    const { register } = await import('tsx/esm/api');
    register();
    await import('../src/cli/main.ts');
  } else if (existsSync(tree)) {
    const command = /^[a-z][a-z-]{0,30}$/.test(process.argv[2] ?? '') ? process.argv[2] : 'options';
    const loaded = [requireWithCodeCache(tree, `${tree}.v8-cache`)];
    const commandsFile = join(cliFolder, COMMANDS_FILE);
    // Read by the command tree when a command runs (scripts/cli-bundle.ts).
    globalThis[Symbol.for(LOAD_COMMANDS_KEY)] = () => {
      const commands = requireWithCodeCache(commandsFile, `${commandsFile}.${command}.v8-cache`);
      loaded.push(commands);
      return commands.exports;
    };
    // On exit, as commander ends `--help` and `--version` with process.exit.
    process.on('exit', (code) => {
      if (code === 0) for (const file of loaded) file.saveCache();
    });
    // Temporal's native runtime can keep the event loop alive after a command is done.
    process.exit(await loaded[0].exports.runCli(process.argv));
  } else {
    await import('../dist/cli/main.js');
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
