// The repository checks of `kaizen doctor URL`, for a repository given by its clone URL: the
// worker works in its own mirror of it, so doctor makes (or fetches) this machine's mirror the
// way a worker does, and reads the config, the target branch and the test command from the
// remote's default branch. There is no checkout to check; the remote and forge checks are the
// same as a checkout's, and every mode delivers to that remote.
import { loadMirrorConfig, MIRROR_REMOTE, mirrorHasConfig, syncMirror } from '../../activities/workspace/mirror.js';
import { currentBranch, resolveCommit, runGit, type GitContext } from '../../adapters/git.js';
import type { Config } from '../../core/config/config.js';
import { ConfigInvalidError } from '../../core/errors.js';
import type { RepoUrl } from '../../core/repository/remote-url.js';
import type { ForgeConnector } from '../../contracts/ports.js';
import { messageOf } from './checks.js';
import { checkRemote, REMOTE_CHECKS } from './remote-checks.js';
import { checkTestCommand, findExecutable, REPO_CHECKS, type RepoFiles } from './repo-checks.js';
import { failed, passed, skipped, type DoctorCheck } from './report.js';

export interface UrlCheckOptions {
  repo: RepoUrl;
  env: NodeJS.ProcessEnv;
  forges?: ForgeConnector;
}

export async function checkUrlRepository(options: UrlCheckOptions): Promise<DoctorCheck[]> {
  const { repo, env } = options;
  const skipRest = (why: string) => REPO_CHECKS.slice(1).map((name) => skipped(name, why));
  let mirror: string;
  try {
    mirror = await syncMirror({ env }, repo);
  } catch (err) {
    return [failed('repo', `${repo.url} cannot be mirrored on this machine: ${messageOf(err)}`, 'Check the URL, the network, and the token or ssh key a worker here would use.'), ...skipRest('the repository is not reachable')];
  }
  const ctx: GitContext = { cwd: mirror, env };
  const defaultBranch = await currentBranch(ctx);
  const head = await resolveCommit(ctx, 'HEAD');
  if (head === null) return [failed('repo', `${repo.url} has no commit yet`, 'Push a first commit to it: Kaizen only changes committed content.'), ...skipRest('no commit')];
  const checks: DoctorCheck[] = [passed('repo', `${repo.url} (${defaultBranch ?? 'HEAD'} at ${head.slice(0, 8)}), mirrored at ${mirror}`)];

  let config: Config | undefined;
  try {
    config = await loadMirrorConfig({ env }, mirror);
    const hasFile = await mirrorHasConfig({ env }, mirror);
    checks.push(passed('config', hasFile ? `kaizen.config.json on ${defaultBranch ?? 'HEAD'} is valid` : `no kaizen.config.json on ${defaultBranch ?? 'HEAD'}: the defaults apply`));
  } catch (err) {
    if (!(err instanceof ConfigInvalidError)) throw err;
    checks.push(failed('config', `kaizen.config.json on ${defaultBranch ?? 'HEAD'} has ${err.problems.length} problem(s): ${err.problems.join('; ')}`, 'Correct each key named (see the Configuration table in the README) and push the fix.'));
  }

  checks.push(await checkRemoteTarget(ctx, config, defaultBranch));
  checks.push(skipped('checkout', 'a repository given by URL has no checkout here: workers work in their own mirrors'));
  checks.push(config ? await checkTestCommand(treeFiles(ctx, env), config) : skipped('test-command', 'kaizen.config.json is invalid'));
  if (!config) return [...checks, ...REMOTE_CHECKS.map((name) => skipped(name, 'kaizen.config.json is invalid'))];
  checks.push(...(await checkRemote({ root: mirror, config: { ...config, remote: MIRROR_REMOTE }, env, mirror: true, ...(options.forges ? { forges: options.forges } : {}) })));
  return checks;
}

async function checkRemoteTarget(ctx: GitContext, config: Config | undefined, defaultBranch: string | null): Promise<DoctorCheck> {
  const target = config?.targetBranch ?? defaultBranch;
  if (target === null) return failed('target-branch', "the remote's HEAD names no branch and no targetBranch is configured", 'Set "targetBranch" in kaizen.config.json.');
  const from = config?.targetBranch ? 'targetBranch in kaizen.config.json' : "the remote's default branch";
  if ((await resolveCommit(ctx, `refs/heads/${target}`)) === null) {
    return failed('target-branch', `'${target}' (${from}) does not exist on the remote`, 'Set "targetBranch" in kaizen.config.json to a branch the remote has.');
  }
  return passed('target-branch', `'${target}' (${from})`);
}

/** The default branch's tree in the mirror: package.json from it, repository paths checked there. */
function treeFiles(ctx: GitContext, env: NodeJS.ProcessEnv): RepoFiles {
  return {
    async packageJson() {
      const shown = await runGit(ctx, ['show', 'HEAD:package.json']);
      return shown.exitCode === 0 ? shown.stdout : null;
    },
    async executable(binary) {
      if (!binary.includes('/') || binary.startsWith('/')) return findExecutable(binary, ctx.cwd, env);
      const path = binary.replace(/^\.\//, '');
      // `100755 blob <sha>\t<path>`: an executable file committed in the repository.
      const listed = (await runGit(ctx, ['ls-tree', 'HEAD', '--', path])).stdout.trim();
      return listed.startsWith('100755 blob ') ? `${path} in the repository` : null;
    },
  };
}
