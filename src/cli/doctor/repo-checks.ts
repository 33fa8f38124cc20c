// The repository checks of `kaizen doctor`: a git repo with a commit, a valid
// kaizen.config.json, the target branch, the checkout's state, the test command, and the
// remote and forge push and pr modes deliver to (remote-checks.ts). Each returns DoctorChecks
// and never throws.
import { constants } from 'node:fs';
import { access, readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { loadRepoConfig } from '../../activities/workspace/repo-config.js';
import { currentBranch, git, resolveCommit, statusEntries, type GitContext } from '../../adapters/git.js';
import type { Config } from '../../core/config/config.js';
import { failed, passed, skipped, warned, type DoctorCheck } from './report.js';
import { ConfigInvalidError } from '../../core/errors.js';
import { resolveTestCommand } from '../../core/test-runs/command.js';
import { messageOf } from './checks.js';
import { searchPath } from '../../core/config/environment.js';
import { checkRemote, REMOTE_CHECKS } from './remote-checks.js';

export const REPO_CHECKS = ['repo', 'config', 'target-branch', 'checkout', 'test-command', ...REMOTE_CHECKS] as const;

export interface RepoCheckOptions {
  /** The REPO argument; undefined means "the current folder, if it is a git repository". */
  repo?: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export async function checkRepository(options: RepoCheckOptions): Promise<DoctorCheck[]> {
  const path = resolve(options.cwd, options.repo ?? '.');
  const skipRest = (why: string) => REPO_CHECKS.slice(1).map((name) => skipped(name, why));
  const root = await repoRoot(path, options.env);
  if (root === null) {
    if (options.repo === undefined) return [skipped('repo', `no REPO given and ${path} is not a git repository`), ...skipRest('no repository')];
    const exists = await stat(path).then((s) => s.isDirectory(), () => false);
    return [
      exists
        ? failed('repo', `${path} is not a git repository`, `Run \`git init && git add -A && git commit -m init\` there, or name an existing checkout.`)
        : failed('repo', `${path} does not exist`, 'Pass the path of a git checkout on this machine (the worker must see the same path).'),
      ...skipRest('no repository'),
    ];
  }
  const ctx: GitContext = { cwd: root, env: options.env };
  const head = await resolveCommit(ctx, 'HEAD');
  if (head === null) {
    return [failed('repo', `${root} has no commit yet`, 'Commit something first: Kaizen only changes committed content.'), ...skipRest('no commit')];
  }
  const branch = await currentBranch(ctx);
  const checks: DoctorCheck[] = [passed('repo', `${root} (${branch ?? 'detached HEAD'} at ${head.slice(0, 8)})`)];

  let config: Config | undefined;
  try {
    config = await loadRepoConfig(root);
    const hasFile = await stat(join(root, 'kaizen.config.json')).then(() => true, () => false);
    checks.push(passed('config', hasFile ? 'kaizen.config.json is valid' : 'no kaizen.config.json: the defaults apply'));
  } catch (err) {
    if (!(err instanceof ConfigInvalidError)) throw err;
    checks.push(failed('config', `kaizen.config.json has ${err.problems.length} problem(s): ${err.problems.join('; ')}`, 'Correct each key named (see the Configuration table in the README).'));
  }

  checks.push(await checkTargetBranch(ctx, config, branch));
  checks.push(await checkCheckout(ctx));
  checks.push(config ? await checkTestCommand(checkoutFiles(root, options.env), config) : skipped('test-command', 'kaizen.config.json is invalid'));
  checks.push(...(config ? await checkRemote({ root, config, env: options.env }) : REMOTE_CHECKS.map((name) => skipped(name, 'kaizen.config.json is invalid'))));
  return checks;
}

async function repoRoot(path: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  try {
    return (await git({ cwd: path, env }, ['rev-parse', '--show-toplevel'])).trim() || null;
  } catch {
    return null;
  }
}

async function checkTargetBranch(ctx: GitContext, config: Config | undefined, checkedOut: string | null): Promise<DoctorCheck> {
  const target = config?.targetBranch ?? checkedOut;
  if (target === null) {
    return failed('target-branch', 'HEAD is detached and no targetBranch is configured', 'Check out a branch, or set "targetBranch" in kaizen.config.json.');
  }
  const from = config?.targetBranch ? 'targetBranch in kaizen.config.json' : 'the checked-out branch';
  if ((await resolveCommit(ctx, `refs/heads/${target}`)) === null) {
    return failed('target-branch', `'${target}' (${from}) does not exist`, 'Set "targetBranch" in kaizen.config.json to an existing local branch.');
  }
  return passed('target-branch', `'${target}' (${from})`);
}

async function checkCheckout(ctx: GitContext): Promise<DoctorCheck> {
  const changes = (await statusEntries(ctx)).filter((e) => !e.path.startsWith('.kaizen/'));
  if (changes.length === 0) return passed('checkout', 'no uncommitted changes');
  const names = changes.slice(0, 3).map((e) => e.path).join(', ') + (changes.length > 3 ? ', …' : '');
  return warned(
    'checkout',
    `${changes.length} uncommitted change(s)`,
    `${changes.length} uncommitted change(s) (${names}): Kaizen never writes to a dirty checkout or targets those files; merge mode leaves verified branches instead of fast-forwarding`,
    'Commit or stash them when you want merge mode to land changes.',
  );
}

/** Where the test-command check reads the repository: a checkout, or the tree of a mirror's branch. */
export interface RepoFiles {
  /** package.json's text, or null when there is none. */
  packageJson(): Promise<string | null>;
  /** Where `binary` (a repository path or a name on PATH) resolves to an executable, or null. */
  executable(binary: string): Promise<string | null>;
}

function checkoutFiles(root: string, env: NodeJS.ProcessEnv): RepoFiles {
  return {
    packageJson: () => readFile(join(root, 'package.json'), 'utf8').catch(() => null),
    executable: (binary) => findExecutable(binary, root, env),
  };
}

export async function checkTestCommand(files: RepoFiles, config: Config): Promise<DoctorCheck> {
  const packageJsonText = await files.packageJson();
  let resolution: ReturnType<typeof resolveTestCommand>;
  try {
    resolution = resolveTestCommand({ ...(config.test.command !== undefined ? { configured: config.test.command } : {}), packageJsonText, required: config.test.required });
  } catch (err) {
    return failed('test-command', `test.command cannot be read: ${messageOf(err)}`, 'Correct "test.command" in kaizen.config.json (or give it as an argument array).');
  }
  if (resolution.kind === 'missing') {
    return failed('test-command', 'no test command', 'Add a "test" script to package.json, or set "test.command" in kaizen.config.json (or pass --test-cmd); "test.required": false lands changes without tests.');
  }
  if (resolution.kind === 'skip') {
    return warned('test-command', 'none', 'no test command and test.required is false: changes are verified by analysis only');
  }
  const [binary] = resolution.command;
  const shown = `\`${resolution.command.join(' ')}\` (from ${resolution.source})`;
  const found = binary ? await files.executable(binary) : null;
  if (!found) {
    return failed('test-command', `${shown}: '${binary ?? ''}' is not on PATH`, `Install ${binary ?? 'it'} on the worker's host, or set "test.command" in kaizen.config.json to a command that exists there.`);
  }
  return passed('test-command', `${shown}, ${binary} is ${found}`);
}

/** Where `binary` resolves: a path (relative to the repo) or a name searched on PATH. */
export async function findExecutable(binary: string, root: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  const candidates = binary.includes('/') ? [isAbsolute(binary) ? binary : resolve(root, binary)] : searchPath(env).map((dir) => join(dir, binary));
  for (const candidate of candidates) {
    const ok = await stat(candidate).then((s) => s.isFile(), () => false);
    if (ok && (await access(candidate, constants.X_OK).then(() => true, () => false))) return candidate;
  }
  return null;
}
