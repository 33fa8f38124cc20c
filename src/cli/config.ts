// `kaizen config validate [REPO]` and `kaizen config show [REPO]`: the repository's
// kaizen.config.json checked against the one schema, and the effective config (defaults filled in).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadRepoConfig } from '../activities/workspace/repo-config.js';
import { CONFIG_FILE } from '../core/config/config.js';
import { ConfigInvalidError } from '../core/errors.js';
import { printJson } from './common.js';
import { CliError } from './errors.js';
import { isDirectory, resolveRepo } from './repo-target.js';

export interface ConfigOptions {
  json?: boolean;
}

async function repoRootOf(repo: string | undefined): Promise<string> {
  const { repoRoot } = await resolveRepo(repo ?? '.');
  if (!isDirectory(repoRoot)) throw new CliError(`Repository ${repoRoot} does not exist here. Pass the path of a git checkout on this machine.`);
  return repoRoot;
}

export async function configValidateCommand(repo: string | undefined, opts: ConfigOptions): Promise<number> {
  const repoRoot = await repoRootOf(repo);
  const path = join(repoRoot, CONFIG_FILE);
  const present = existsSync(path);
  try {
    await loadRepoConfig(repoRoot);
  } catch (err) {
    if (!(err instanceof ConfigInvalidError)) throw err;
    if (opts.json) printJson({ ok: false, path, problems: err.problems });
    else process.stderr.write(`${path} is not valid:\n${err.problems.map((p) => `  ${p}`).join('\n')}\n`);
    return 1;
  }
  if (opts.json) printJson({ ok: true, path, present });
  else console.log(present ? `${path} is valid` : `${repoRoot} has no ${CONFIG_FILE}: the defaults apply ('kaizen config show' lists them)`);
  return 0;
}

export async function configShowCommand(repo: string | undefined, _opts: ConfigOptions): Promise<number> {
  const repoRoot = await repoRootOf(repo);
  try {
    printJson(await loadRepoConfig(repoRoot));
    return 0;
  } catch (err) {
    if (!(err instanceof ConfigInvalidError)) throw err;
    throw new CliError(`${join(repoRoot, CONFIG_FILE)} is not valid:\n${err.problems.map((p) => `  ${p}`).join('\n')}\nFix it, then 'kaizen config show' prints the effective config.`);
  }
}
