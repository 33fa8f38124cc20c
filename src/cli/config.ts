// `kaizen config validate [REPO]` and `kaizen config show [REPO]`: the repository's
// kaizen.config.json checked against the one schema, and the effective config (defaults filled in).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadMirrorConfig, mirrorHasConfig, syncMirror } from '../activities/workspace/mirror.js';
import { loadRepoConfig } from '../activities/workspace/repo-config.js';
import { currentBranch } from '../adapters/git.js';
import { CONFIG_FILE, type Config } from '../core/config/config.js';
import { parseRepoUrl, type RepoUrl } from '../core/repository/remote-url.js';
import { ConfigInvalidError } from '../core/errors.js';
import { printJson } from './common.js';
import { CliError } from './errors.js';
import { isDirectory, resolveRepo } from './repo-target.js';

export interface ConfigOptions {
  json?: boolean;
}

/** Where the config is read: a checkout's folder, or this machine's mirror of a repository given by URL. */
type ConfigSource = { kind: 'checkout'; repoRoot: string } | { kind: 'mirror'; url: RepoUrl; mirror: string; branch: string };

async function configSourceOf(repo: string | undefined): Promise<ConfigSource> {
  const ref = await resolveRepo(repo ?? '.');
  const url = ref.remote ? parseRepoUrl(ref.repoRoot) : null;
  if (url) {
    // The mirror a worker here would use, made or fetched now, so what is shown is the remote's config.
    const mirror = await syncMirror({ env: process.env }, url);
    return { kind: 'mirror', url, mirror, branch: (await currentBranch({ cwd: mirror, env: process.env })) ?? 'HEAD' };
  }
  if (!isDirectory(ref.repoRoot)) throw new CliError(`Repository ${ref.repoRoot} does not exist here. Pass the path of a git checkout on this machine, or a clone URL.`);
  return { kind: 'checkout', repoRoot: ref.repoRoot };
}

function loadConfigOf(source: ConfigSource): Promise<Config> {
  return source.kind === 'mirror' ? loadMirrorConfig({ env: process.env }, source.mirror) : loadRepoConfig(source.repoRoot);
}

/** The config file as a reader would name it. */
function configPathOf(source: ConfigSource): string {
  return source.kind === 'mirror' ? `${CONFIG_FILE} on ${source.branch} of ${source.url.url}` : join(source.repoRoot, CONFIG_FILE);
}

async function configPresent(source: ConfigSource): Promise<boolean> {
  if (source.kind === 'checkout') return existsSync(join(source.repoRoot, CONFIG_FILE));
  return mirrorHasConfig({ env: process.env }, source.mirror);
}

export async function configValidateCommand(repo: string | undefined, opts: ConfigOptions): Promise<number> {
  const source = await configSourceOf(repo);
  const path = configPathOf(source);
  const present = await configPresent(source);
  try {
    await loadConfigOf(source);
  } catch (err) {
    if (!(err instanceof ConfigInvalidError)) throw err;
    if (opts.json) printJson({ ok: false, path, problems: err.problems });
    else process.stderr.write(`${path} is not valid:\n${err.problems.map((p) => `  ${p}`).join('\n')}\n`);
    return 1;
  }
  const where = source.kind === 'mirror' ? `${source.branch} of ${source.url.url}` : source.repoRoot;
  if (opts.json) printJson({ ok: true, path, present });
  else console.log(present ? `${path} is valid` : `${where} has no ${CONFIG_FILE}: the defaults apply ('kaizen config show' lists them)`);
  return 0;
}

export async function configShowCommand(repo: string | undefined, _opts: ConfigOptions): Promise<number> {
  const source = await configSourceOf(repo);
  try {
    printJson(await loadConfigOf(source));
    return 0;
  } catch (err) {
    if (!(err instanceof ConfigInvalidError)) throw err;
    throw new CliError(`${configPathOf(source)} is not valid:\n${err.problems.map((p) => `  ${p}`).join('\n')}\nFix it, then 'kaizen config show' prints the effective config.`);
  }
}
