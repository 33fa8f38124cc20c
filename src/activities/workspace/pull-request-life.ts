// What the workflow that follows one pull request (workflows/pull-request.ts) does to the
// world: look at the pull request, merge it at the verified commit, comment and close it, and
// write its `"kind":"review"` ledger line. The forge is reached as pr mode reached it (the
// checkout's remote, forge.*, the token in the worker's environment); no secret crosses
// Temporal.
import type { ForgeConfig } from '../../core/config/config.js';
import { forgeSettings } from '../../core/config/environment.js';
import { GitFailedError } from '../../core/errors.js';
import { ForgeNotConfiguredError, RemoteMissingError } from '../../core/forge/errors.js';
import { gitDetail } from '../../core/forge/push-failure.js';
import { forgeKindOf, forgeTarget, FORGE_NAMES } from '../../core/forge/target.js';
import type { MergeAnswer, MergeMethod, PullRequestInfo } from '../../core/forge/types.js';
import { formatLedgerLine } from '../../core/ledger/ledger.js';
import type { ReviewEntry } from '../../core/ledger/types.js';
import { runGit } from '../../adapters/git.js';
import type { ActivityDeps, Forge, ForgeConnector } from '../../contracts/ports.js';
import { activityContext } from '../context.js';
import { recordInLedger } from '../ledger.js';
import { gitContext } from './common.js';
import { remoteAccess } from './deliver.js';
import { MIRROR_REMOTE } from './mirror.js';

/** One pull request of a repository, as the follow workflow names it: no secrets. */
export interface PullRequestTarget {
  repoRoot: string;
  remote: string;
  /** A repository given by URL: `repoRoot` is its mirror, reached through the mirror's own remote. */
  remoteUrl?: string;
  forge: ForgeConfig;
  number: number;
}

export function createPullRequestLifeActivities(deps: ActivityDeps) {
  return {
    /** State, head commit, mergeability and checks of the pull request now. */
    async pullRequestState(input: PullRequestTarget): Promise<PullRequestInfo> {
      return (await forgeOf(deps, input)).pullRequest(input.number);
    },

    /** Merges only while the head is still `sha` (the forge refuses otherwise); a refusal is an answer. */
    async mergePullRequest(input: PullRequestTarget & { method: MergeMethod; sha: string }): Promise<MergeAnswer> {
      const forge = await forgeOf(deps, input);
      const answer = await forge.merge(input.number, { method: input.method, sha: input.sha });
      activityContext()?.log.info('pull request merge', { number: input.number, merged: answer.merged });
      return answer;
    },

    /** Says why, then closes; a retry after the close finds it closed and does neither again. */
    async closePullRequest(input: PullRequestTarget & { comment: string }): Promise<void> {
      const forge = await forgeOf(deps, input);
      const now = await forge.pullRequest(input.number);
      if (now.status !== 'open') return;
      await forge.comment(input.number, input.comment);
      await forge.close(input.number);
    },

    /** Says something on the pull request (a rebase and what verified it); a retry may say it twice, never loses it. */
    async commentOnPullRequest(input: PullRequestTarget & { comment: string }): Promise<void> {
      await (await forgeOf(deps, input)).comment(input.number, input.comment);
    },

    /** The commit `branch` (the pull request's target) is at on the remote now, or null when it has no such branch. */
    async remoteBranchTip(input: Omit<PullRequestTarget, 'number'> & { branch: string }): Promise<string | null> {
      const remote = input.remoteUrl ? MIRROR_REMOTE : input.remote;
      const repo = gitContext(deps, input.repoRoot);
      const access = await remoteAccess(deps, repo, remote, input.forge);
      const ref = `refs/heads/${input.branch}`;
      const listed = await runGit(repo, ['ls-remote', remote, ref], { env: access.env });
      if (listed.exitCode !== 0) throw new GitFailedError(`ls-remote ${remote} ${input.branch}`, gitDetail(listed.stderr || listed.stdout, access.secrets));
      const line = listed.stdout.split('\n').find((l) => l.endsWith(`\t${ref}`));
      return line?.split('\t')[0] ?? null;
    },

    async recordReview(input: { repoRoot: string; entry: ReviewEntry }): Promise<{ ledgerPath: string | null }> {
      return recordInLedger(deps, input.repoRoot, formatLedgerLine(input.entry));
    },
  };
}

async function forgeOf(deps: ActivityDeps, input: PullRequestTarget): Promise<Forge> {
  const remote = input.remoteUrl ? MIRROR_REMOTE : input.remote;
  const got = await runGit(gitContext(deps, input.repoRoot), ['remote', 'get-url', '--push', remote]);
  const url = got.stdout.trim();
  if (got.exitCode !== 0 || url === '') throw new RemoteMissingError(input.repoRoot, remote);
  const kind = forgeKindOf(url, input.forge.kind);
  const settings = forgeSettings(deps.env, kind);
  if (!settings.token) {
    throw new ForgeNotConfiguredError(
      `${settings.tokenVariable} is not set on the worker, so Kaizen cannot follow pull request #${input.number} on ${FORGE_NAMES[kind]}`,
      `Set ${settings.tokenVariable} in the worker's environment to the token pr mode used (README.md, "Pull requests")`,
    );
  }
  const target = forgeTarget(url, kind, { ...(input.forge.repo ? { repo: input.forge.repo } : {}), ...(settings.apiUrl ? { apiUrl: settings.apiUrl } : {}), apiUrlVariable: settings.apiUrlVariable });
  const connect: ForgeConnector = deps.forges ?? (await import('../../adapters/forges/index.js')).connectForge;
  return connect(target, { token: settings.token, variable: settings.tokenVariable });
}
