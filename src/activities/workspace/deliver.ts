// Delivering a verified change where a team works: push `kaizen/<id>` to the configured
// remote (push and pr modes), then open a pull request on the remote's forge (pr mode).
// Both are idempotent, so a retry after a crash finds what the crashed attempt did.
// A token travels to git only in the environment of the command that needs it (git-auth.ts).
import { GitFailedError } from '../../core/errors.js';
import type { ForgeConfig } from '../../core/config/config.js';
import { forgeSettings } from '../../core/config/environment.js';
import { BaseNotOnRemoteError, BranchTakenOverError, ForgeNotConfiguredError, RemoteMissingError } from '../../core/forge/errors.js';
import { gitAuthEnv, isHttpRemote, tokenForms } from '../../core/forge/git-auth.js';
import { gitDetail, pushRefusalOf, pushRefusedError, type PushFailureContext } from '../../core/forge/push-failure.js';
import { pullRequestBody, type PullRequestFacts } from '../../core/forge/pull-request-body.js';
import { describeRemote, FORGE_NAMES, forgeKindOf, forgeTarget, inferForgeKind, parseRemoteUrl, type ForgeKind } from '../../core/forge/target.js';
import { workflowLink } from '../../core/notifications/links.js';
import type { PullRequestLink, Workspace } from '../../core/types.js';
import type { PushResult } from '../../core/repository/landing.js';
import { git, isAncestor, resolveCommit, runGit, type GitContext } from '../../adapters/git.js';
import type { ActivityDeps, ForgeConnector } from '../../contracts/ports.js';
import { activityContext, webUiBaseOf } from '../context.js';
import { BRANCH_PREFIX, gitContext } from './common.js';
import { MIRROR_REMOTE, remoteAuth } from './mirror.js';

export interface DeliverInput {
  workspace: Workspace;
  commit: string;
  /** The config's `remote` (a remote's name) and `forge` (no secrets in either). */
  remote: string;
  forge: ForgeConfig;
  /**
   * A rebased pull request: the commit Kaizen pushed to the branch before. The branch is
   * replaced only while it is still there (`--force-with-lease` on that commit); anything else
   * on it is a person's work (BranchTakenOverError).
   */
  replaces?: string;
}

/** The remote as this worker reaches it: its URL, the forge it is on, and git's credentials. */
export interface RemoteAccess {
  url: string;
  kind: ForgeKind | null;
  /** Environment for git commands that talk to the remote (the token's header, or nothing). */
  env: Record<string, string>;
  tokenVariable: string | undefined;
  token: string | undefined;
  secrets: string[];
}

export function createDeliverActivities(deps: ActivityDeps) {
  return {
    /** Pushes the verified commit to `kaizen/<id>` on the remote; done already when it is there. */
    async pushBranch(given: DeliverInput): Promise<PushResult> {
      const input = onMirror(given);
      const { workspace, commit, remote } = input;
      const { branch } = workspace;
      // The only branches Kaizen ever forces are its own.
      if (!branch.startsWith(BRANCH_PREFIX)) throw new Error(`refusing to push ${branch}: Kaizen pushes only its own ${BRANCH_PREFIX}* branches`);
      const repo = gitContext(deps, workspace.repoRoot);
      const access = await remoteAccess(deps, repo, remote, input.forge);
      const failure: PushFailureContext = { branch, remote: `${remote} (${describeRemote(access.url)})`, tokenVariable: access.tokenVariable, suggestedVariable: suggestedVariable(access) };
      const ref = `refs/heads/${branch}`;
      const done = (alreadyThere: boolean): PushResult => ({ remote, branch, commit, alreadyThere });

      const before = await remoteTip(repo, remote, ref, access, failure);
      if (before === commit) return done(true);
      if (input.replaces !== undefined && before !== input.replaces) throw new BranchTakenOverError(branch, input.replaces, before);
      await requireBaseOnRemote(repo, remote, workspace, access, failure);
      // --force-with-lease with the value just seen: an earlier attempt's commit (or the one a rebase replaces) may be replaced, nothing else.
      const push = await runGit(repo, ['push', '--porcelain', '--no-verify', `--force-with-lease=${ref}:${before ?? ''}`, remote, `${commit}:${ref}`], { env: access.env });
      if (push.exitCode === 0) return done(false);
      // The push may have landed although git reported a failure (a connection cut after it).
      const after = await remoteTip(repo, remote, ref, access, failure).catch(() => before);
      if (after === commit) return done(false);
      // The lease broke: someone pushed between the look and the push.
      if (input.replaces !== undefined && after !== before) throw new BranchTakenOverError(branch, input.replaces, after);
      throw gitFailure(`push ${remote} ${branch}`, push.stderr || push.stdout, access, failure);
    },

    /** Opens the pull request of `kaizen/<id>` against the target branch, or finds the one an earlier attempt opened. */
    async openPullRequest(given: DeliverInput & { facts: PullRequestFacts }): Promise<PullRequestLink & { reused: boolean }> {
      const input = onMirror(given);
      const { workspace, commit } = input;
      const repo = gitContext(deps, workspace.repoRoot);
      const access = await remoteAccess(deps, repo, input.remote, input.forge);
      const kind = forgeKindOf(access.url, input.forge.kind);
      const settings = forgeSettings(deps.env, kind);
      if (!settings.token) {
        throw new ForgeNotConfiguredError(
          `${settings.tokenVariable} is not set on the worker, so Kaizen cannot open a pull request on ${FORGE_NAMES[kind]}`,
          `Set ${settings.tokenVariable} in the worker's environment to a token that may push and open pull requests (README.md, "Pull requests"), or use mode push`,
        );
      }
      const target = forgeTarget(access.url, kind, { ...(input.forge.repo ? { repo: input.forge.repo } : {}), ...(settings.apiUrl ? { apiUrl: settings.apiUrl } : {}), apiUrlVariable: settings.apiUrlVariable });
      const connect = deps.forges ?? (await realConnector());
      const forge = connect(target, { token: settings.token, variable: settings.tokenVariable });

      const existing = await forge.findOpenPullRequest(workspace.branch);
      if (existing) return { url: existing.url, number: existing.number, reused: true };
      const title = (await git(repo, ['log', '-1', '--format=%s', commit])).trim();
      const ctx = activityContext();
      const link = workflowLink(webUiBaseOf(deps), ctx?.info.workflowNamespace ?? 'default', input.facts.workflowId);
      const opened = await forge.openPullRequest({ head: workspace.branch, base: workspace.targetBranch, title, body: pullRequestBody(input.facts, link), labels: input.forge.labels });
      ctx?.log.info('pull request opened', { number: opened.number, url: opened.url });
      return { url: opened.url, number: opened.number, reused: false };
    },
  };
}

/** A repository given by URL is pushed to that URL: the mirror's own remote, whatever `remote` the config names. */
function onMirror<T extends DeliverInput>(input: T): T {
  return input.workspace.remoteUrl ? { ...input, remote: MIRROR_REMOTE } : input;
}

/** The adapters load octokit and gitbeaker: only when a pull request is opened. */
async function realConnector(): Promise<ForgeConnector> {
  return (await import('../../adapters/forges/index.js')).connectForge;
}

/** The remote's URL, forge and the environment git needs to reach it (also `kaizen undo`'s fetch of the target branch). */
export async function remoteAccess(deps: Pick<ActivityDeps, 'env'>, repo: GitContext, remote: string, forge: ForgeConfig): Promise<RemoteAccess> {
  const got = await runGit(repo, ['remote', 'get-url', '--push', remote]);
  const url = got.stdout.trim();
  if (got.exitCode !== 0 || url === '') throw new RemoteMissingError(repo.cwd, remote);
  const host = parseRemoteUrl(url)?.host;
  const kind = forge.kind ?? (host ? inferForgeKind(host) : null);
  const settings = kind ? forgeSettings(deps.env, kind) : undefined;
  const token = kind && settings?.token && isHttpRemote(url) ? settings.token : undefined;
  // No forge token: KAIZEN_GIT_TOKEN, when set, serves any https remote (remote-repositories.md).
  const generic = token ? undefined : remoteAuth(url, deps.env, kind ?? undefined);
  if (generic?.tokenVariable) return { url, kind, env: generic.env, tokenVariable: generic.tokenVariable, token: undefined, secrets: generic.secrets };
  return {
    url,
    kind,
    env: kind && token ? gitAuthEnv(url, kind, token, deps.env) : {},
    tokenVariable: token ? settings?.tokenVariable : undefined,
    token,
    secrets: kind && token ? tokenForms(kind, token) : [],
  };
}

/** The commit `ref` has on the remote, or null when the remote has no such branch. */
async function remoteTip(repo: GitContext, remote: string, ref: string, access: RemoteAccess, failure: PushFailureContext): Promise<string | null> {
  const listed = await runGit(repo, ['ls-remote', remote, ref], { env: access.env });
  if (listed.exitCode !== 0) throw gitFailure(`ls-remote ${remote} ${ref}`, listed.stderr || listed.stdout, access, failure);
  const line = listed.stdout.split('\n').find((l) => l.endsWith(`\t${ref}`));
  return line ? (line.split('\t')[0] ?? null) : null;
}

/** The remote's target branch has the commit the change was made on (fetching its objects when needed: only FETCH_HEAD is written). */
async function requireBaseOnRemote(repo: GitContext, remote: string, workspace: Workspace, access: RemoteAccess, failure: PushFailureContext): Promise<void> {
  const target = `refs/heads/${workspace.targetBranch}`;
  const tip = await remoteTip(repo, remote, target, access, failure);
  if (tip === null) throw new BaseNotOnRemoteError(remote, workspace.targetBranch, workspace.baseCommit, true);
  if (tip === workspace.baseCommit) return;
  if (!(await resolveCommit(repo, tip))) {
    const fetched = await runGit(repo, ['fetch', '--quiet', '--no-tags', remote, target], { env: access.env });
    if (fetched.exitCode !== 0) throw gitFailure(`fetch ${remote} ${workspace.targetBranch}`, fetched.stderr || fetched.stdout, access, failure);
  }
  if (!(await isAncestor(repo, workspace.baseCommit, tip))) throw new BaseNotOnRemoteError(remote, workspace.targetBranch, workspace.baseCommit, false);
}

function gitFailure(command: string, output: string, access: RemoteAccess, failure: PushFailureContext): Error {
  const refusal = pushRefusalOf(output);
  if (refusal) return pushRefusedError(refusal, output, failure, access.secrets);
  // The network, a 5xx, a lease another push broke: a later attempt may get through.
  return new GitFailedError(command, gitDetail(output, access.secrets));
}

function suggestedVariable(access: RemoteAccess): string | undefined {
  if (!isHttpRemote(access.url) || !access.kind) return undefined;
  return forgeSettings({}, access.kind).tokenVariable;
}
