// A repository given by URL lives on each worker as one bare mirror under Kaizen's home,
// `<home>/repos/<host>/<owner>/<name>.git`, with Kaizen's state (ledger, caches, logs,
// worktrees) in its `.kaizen/` folder as for a checkout. Every run fetches it first, under a
// lock beside it (`<name>.git.lock`), so concurrent runs on one worker never fetch at once.
// A token reaches git only in the environment of the one command that talks to the remote.
import { randomUUID } from 'node:crypto';
import { homedir } from 'node:os';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { forgeSettings, kaizenUserHome, namedSecret } from '../../core/config/environment.js';
import { GitFailedError } from '../../core/errors.js';
import { basicAuthEnv, basicUserOf, isHttpRemote, tokenForms } from '../../core/forge/git-auth.js';
import { gitDetail } from '../../core/forge/push-failure.js';
import { inferForgeKind, type ForgeKind } from '../../core/forge/target.js';
import { mirrorRelativePath, parseRepoUrl, type RepoUrl } from '../../core/repository/remote-url.js';
import { runGit, type GitContext } from '../../adapters/git.js';
import type { ActivityDeps } from '../../contracts/ports.js';
import { activityContext } from '../context.js';
import { withFileLock } from './file-lock.js';
import { configFromText, presetFallback } from './repo-config.js';
import { CONFIG_FILE, type Config, type ConfigInput } from '../../core/config/config.js';
import { gitContext } from './common.js';

/** Root files whose text (not only presence) says which linter a repository uses. */
const PRESET_TEXT_FILES = ['pyproject.toml'];
/** The variable a token for any https remote comes from when its host names no known forge. */
export const GENERIC_TOKEN_VARIABLE = 'KAIZEN_GIT_TOKEN';
/** The mirror's own remote: its URL is the repository's normalised URL (never a credential). */
export const MIRROR_REMOTE = 'origin';
const FETCH_LOCK_STALE_MS = 15 * 60_000;
const FETCH_LOCK_WAIT_MS = 10 * 60_000;

/** What the mirror needs of a worker's deps (doctor and config use it outside a worker too). */
export type MirrorDeps = Pick<ActivityDeps, 'env'>;

/** How this worker reaches a remote: the environment of its git commands and the secret forms to redact. */
export interface RemoteAuth {
  env: Record<string, string>;
  tokenVariable: string | undefined;
  secrets: string[];
}

/** Kaizen's home on this worker (KAIZEN_USER_HOME, else ~/.kaizen). */
export function kaizenHome(env: NodeJS.ProcessEnv): string {
  return kaizenUserHome(env) ?? join(homedir(), '.kaizen');
}

/** The mirror of a repository given by URL on this worker. */
export function mirrorPathOf(repo: RepoUrl, env: NodeJS.ProcessEnv): string {
  return join(kaizenHome(env), 'repos', ...mirrorRelativePath(repo).split('/'));
}

/** Where a repository's git data is on this worker: the mirror for a URL, else the path itself. */
export function localRepoRoot(repoRoot: string, env: NodeJS.ProcessEnv): string {
  const url = parseRepoUrl(repoRoot);
  return url ? mirrorPathOf(url, env) : repoRoot;
}

/**
 * The token for an http(s) remote: the forge's variable when its host names a forge (or
 * `forge.kind` says so), else KAIZEN_GIT_TOKEN. ssh and file remotes use git's own means.
 */
export function remoteAuth(url: string, env: NodeJS.ProcessEnv, configuredKind?: ForgeKind): RemoteAuth {
  if (!isHttpRemote(url)) return { env: {}, tokenVariable: undefined, secrets: [] };
  const host = parseRepoUrl(url)?.host;
  const kind = configuredKind ?? (host ? inferForgeKind(host) : null);
  const forgeToken = kind ? forgeSettings(env, kind) : undefined;
  const tokenVariable = forgeToken?.token ? forgeToken.tokenVariable : namedSecret(env, GENERIC_TOKEN_VARIABLE) ? GENERIC_TOKEN_VARIABLE : undefined;
  const token = tokenVariable ? namedSecret(env, tokenVariable) : undefined;
  if (!token) return { env: {}, tokenVariable: undefined, secrets: [] };
  return { env: basicAuthEnv(url, basicUserOf(kind), token, env), tokenVariable, secrets: tokenForms(kind, token) };
}

/**
 * Clones the mirror the first time, then fetches every branch but Kaizen's own `kaizen/*`
 * (the mirror's local ones are its runs' worktrees); returns the mirror's path.
 */
export async function syncMirror(deps: MirrorDeps, repo: RepoUrl): Promise<string> {
  const mirror = mirrorPathOf(repo, deps.env);
  await mkdir(dirname(mirror), { recursive: true });
  const ctx = activityContext();
  const auth = remoteAuth(repo.url, deps.env);
  await withFileLock(
    `${mirror}.lock`,
    { staleMs: FETCH_LOCK_STALE_MS, waitMs: FETCH_LOCK_WAIT_MS, ...(ctx ? { onWait: () => ctx.heartbeat(), signal: ctx.cancellationSignal } : {}) },
    async () => {
      if (!(await exists(join(mirror, 'HEAD')))) await cloneMirror(deps, repo, mirror, auth);
      const git = gitContext(deps, mirror);
      // The URL may be spelled differently by this run (https vs ssh of the same repository).
      await checked(git, ['config', `remote.${MIRROR_REMOTE}.url`, repo.url], repo, auth);
      await checked(git, ['fetch', '--quiet', '--no-tags', MIRROR_REMOTE, '+refs/heads/*:refs/heads/*', '^refs/heads/kaizen/*'], repo, auth, auth.env);
    },
  );
  return mirror;
}

/** Fetches the remote's `branch` into the mirror (a rebase onto a moved target needs its objects and ref). */
export async function fetchBranch(deps: MirrorDeps, repo: RepoUrl, mirror: string, branch: string): Promise<void> {
  const auth = remoteAuth(repo.url, deps.env);
  const ctx = activityContext();
  await withFileLock(`${mirror}.lock`, { staleMs: FETCH_LOCK_STALE_MS, waitMs: FETCH_LOCK_WAIT_MS, ...(ctx ? { onWait: () => ctx.heartbeat(), signal: ctx.cancellationSignal } : {}) }, () =>
    checked(gitContext(deps, mirror), ['fetch', '--quiet', '--no-tags', MIRROR_REMOTE, `+refs/heads/${branch}:refs/heads/${branch}`], repo, auth, auth.env),
  );
}

/** The config in the mirror's `branch` (default: the remote's default branch), with command-line overrides. */
export async function loadMirrorConfig(deps: MirrorDeps, mirror: string, branch?: string, overrides?: ConfigInput): Promise<Config> {
  const tree = branch ? `refs/heads/${branch}` : 'HEAD';
  const git = gitContext(deps, mirror);
  const show = async (file: string) => {
    const shown = await runGit(git, ['show', `${tree}:${file}`]);
    return shown.exitCode === 0 ? shown.stdout : undefined;
  };
  // The analyser presets are detected from the files at the root of the branch, as in a checkout.
  const names = new Set((await runGit(git, ['ls-tree', '--name-only', tree])).stdout.split('\n').filter(Boolean));
  const texts = new Map<string, string>();
  for (const file of PRESET_TEXT_FILES) {
    const text = names.has(file) ? await show(file) : undefined;
    if (text !== undefined) texts.set(file, text);
  }
  const fallback = presetFallback({ exists: (file) => names.has(file), text: (file) => texts.get(file) });
  return configFromText((await show(CONFIG_FILE)) ?? null, `${tree}:${CONFIG_FILE} in ${mirror}`, overrides, fallback);
}

/** Whether the mirror's `branch` (default: the remote's default branch) holds kaizen.config.json. */
export async function mirrorHasConfig(deps: MirrorDeps, mirror: string, branch?: string): Promise<boolean> {
  const tree = branch ? `refs/heads/${branch}` : 'HEAD';
  return (await runGit(gitContext(deps, mirror), ['cat-file', '-e', `${tree}:${CONFIG_FILE}`])).exitCode === 0;
}

async function cloneMirror(deps: MirrorDeps, repo: RepoUrl, mirror: string, auth: RemoteAuth): Promise<void> {
  // Cloned beside, then renamed: a crash half-way leaves no half mirror where the next run looks.
  const partial = `${mirror}.partial-${randomUUID().slice(0, 8)}`;
  try {
    await checked(gitContext(deps, dirname(mirror)), ['clone', '--bare', '--quiet', '--no-tags', repo.url, partial], repo, auth, auth.env);
    await rm(mirror, { recursive: true, force: true });
    await rename(partial, mirror);
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
}

async function checked(ctx: GitContext, args: string[], repo: RepoUrl, auth: RemoteAuth, env: Record<string, string> = {}): Promise<void> {
  const out = await runGit(ctx, args, { env });
  if (out.exitCode === 0) return;
  const detail = gitDetail(out.stderr || out.stdout, auth.secrets);
  const hint = /auth|401|403|could not read|terminal prompts|denied|not found|404/i.test(detail) ? ` ${credentialsHint(repo, auth)}` : '';
  throw new GitFailedError(`${args[0] ?? ''} ${repo.url}`, `${detail.replace(/\.$/, '')}.${hint}`);
}

function credentialsHint(repo: RepoUrl, auth: RemoteAuth): string {
  if (repo.scheme === 'ssh') return "Check that the worker's ssh agent or keys may read the repository.";
  if (repo.scheme !== 'https' && repo.scheme !== 'http') return 'Check that the URL names a repository this worker can read.';
  if (auth.tokenVariable) return `The token in ${auth.tokenVariable} was refused or cannot see the repository: give it read and write access to its contents.`;
  const kind = inferForgeKind(repo.host);
  return `No token was sent: set ${kind ? forgeSettings({}, kind).tokenVariable : GENERIC_TOKEN_VARIABLE} in the worker's environment.`;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
