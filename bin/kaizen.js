#!/usr/bin/env node
// The `kaizen` command (also `npm run kaizen`): the compiled CLI in dist/ when `npm run build`
// made it from exactly these sources, else the TypeScript sources through tsx's loader. So a
// fresh install starts fast, and an edited or pulled checkout never runs stale compiled code.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { staleBuildReason } from './build-stamp.js';

const home = dirname(dirname(fileURLToPath(import.meta.url)));
if (staleBuildReason(home) === null) {
  await import('../dist/cli/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
