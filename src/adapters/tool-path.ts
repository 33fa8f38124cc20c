// The PATH an analyser or fix command runs with, like `npm run` gives scripts: the worktree's
// own node_modules/.bin first (the repository's pinned Biome, ESLint plugins' CLIs…), then the
// worker's PATH, then the tools `npm ci` installed for Kaizen (ruff in .tools/venv).
import { delimiter, join } from 'node:path';
import { searchPath, toolsVenvOf } from '../core/config/environment.js';
import { KAIZEN_TOOLS_VENV } from './temporal/binaries.js';

export function toolEnv(env: NodeJS.ProcessEnv, worktree: string): NodeJS.ProcessEnv {
  const venv = toolsVenvOf(env) ?? KAIZEN_TOOLS_VENV;
  const folders = [join(worktree, 'node_modules', '.bin'), ...searchPath(env), join(venv, 'bin')];
  return { ...env, PATH: [...new Set(folders)].join(delimiter) };
}
