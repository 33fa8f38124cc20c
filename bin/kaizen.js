#!/usr/bin/env node
// The `kaizen` command (also `npm run kaizen`): the compiled CLI in dist/ when `npm run build`
// made it from exactly these sources, else the TypeScript sources through tsx's loader. So a
// fresh install starts fast, and an edited or pulled checkout never runs stale compiled code.
// The compiled CLI is one file, dist/cli/bundle.cjs, loaded with a V8 code cache per command.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { staleBuildReason } from './build-stamp.js';
import { requireWithCodeCache } from './code-cache.js';

const home = dirname(dirname(fileURLToPath(import.meta.url)));
const bundle = join(home, 'dist', 'cli', 'bundle.cjs');
if (staleBuildReason(home) !== null) {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
} else if (existsSync(bundle)) {
  const command = /^[a-z][a-z-]{0,30}$/.test(process.argv[2] ?? '') ? process.argv[2] : 'options';
  const cli = requireWithCodeCache(bundle, `${bundle}.${command}.v8-cache`);
  // On exit, as commander ends `--help` and `--version` with process.exit.
  process.on('exit', (code) => {
    if (code === 0) cli.saveCache();
  });
  // Temporal's native runtime can keep the event loop alive after a command is done.
  process.exit(await cli.exports.runCli(process.argv));
} else {
  await import('../dist/cli/main.js');
}
