// Mode merge on a repository given by URL: push the fast-forward of the target branch to the
// remote, only while the remote's branch is still at the verified base. The push is a plain
// one (never forced): git refuses it by itself when the branch moved since the check, and the
// run then rebases onto the fetched tip and verifies again, as for a checkout.
import { GitFailedError, TargetBranchMissingError } from '../../core/errors.js';
import { pushRefusalOf, pushRefusedError, gitDetail, type PushFailureContext } from '../../core/forge/push-failure.js';
import { parseRepoUrl, type RepoUrl } from '../../core/repository/remote-url.js';
import type { Workspace } from '../../core/types.js';
import type { IntegrateResult } from '../../core/repository/landing.js';
import { isAncestor, runGit, type GitContext } from '../../adapters/git.js';
import type { ActivityDeps } from '../../contracts/ports.js';
import { gitContext, shortSha } from './common.js';
import { fetchBranch, GENERIC_TOKEN_VARIABLE, MIRROR_REMOTE, remoteAuth, type RemoteAuth } from './mirror.js';

export function remoteOf(workspace: Workspace): RepoUrl | null {
  return workspace.remoteUrl ? parseRepoUrl(workspace.remoteUrl) : null;
}

export async function fastForwardRemote(deps: ActivityDeps, workspace: Workspace, repo: RepoUrl, commit: string): Promise<IntegrateResult> {
  const mirror = gitContext(deps, workspace.repoRoot);
  const auth = remoteAuth(repo.url, deps.env);
  const ref = `refs/heads/${workspace.targetBranch}`;
  const failure: PushFailureContext = {
    branch: workspace.targetBranch,
    remote: repo.url,
    tokenVariable: auth.tokenVariable,
    suggestedVariable: auth.tokenVariable ? undefined : GENERIC_TOKEN_VARIABLE,
  };
  const applied: IntegrateResult = { kind: 'applied', commit, reason: `pushed the fast-forward of ${workspace.targetBranch} to ${shortSha(commit)} to ${repo.url}` };
  const landed = async () => {
    // The mirror follows at once, so the next run here starts from the landed change.
    // Only from the base: a fetch that brought a newer tip meanwhile is left alone.
    await runGit(mirror, ['update-ref', ref, commit, workspace.baseCommit]);
    return applied;
  };
  const moved = async (tip: string): Promise<IntegrateResult> => {
    await fetchBranch(deps, repo, workspace.repoRoot, workspace.targetBranch);
    return { kind: 'target_moved', targetCommit: tip, reason: `${workspace.targetBranch} on ${repo.url} moved from ${shortSha(workspace.baseCommit)} to ${shortSha(tip)} while the change was prepared` };
  };

  const tip = await remoteTip(mirror, ref, auth, failure, workspace, repo);
  // A retry after the push landed.
  if (tip === commit) return landed();
  if (tip !== workspace.baseCommit) return moved(tip);
  if (!(await isAncestor(mirror, workspace.baseCommit, commit))) {
    throw new GitFailedError(`push ${commit}`, `${shortSha(commit)} does not descend from ${shortSha(workspace.baseCommit)}, so ${workspace.targetBranch} cannot be fast-forwarded to it`);
  }
  const push = await runGit(mirror, ['push', '--porcelain', '--no-verify', MIRROR_REMOTE, `${commit}:${ref}`], { env: auth.env });
  if (push.exitCode === 0) return landed();
  // The push may have landed although git reported a failure (a connection cut after it).
  const now = await remoteTip(mirror, ref, auth, failure, workspace, repo);
  if (now === commit) return landed();
  if (now !== workspace.baseCommit) return moved(now);
  const output = push.stderr || push.stdout;
  const refusal = pushRefusalOf(output);
  if (refusal === 'protected' || refusal === 'rejected') return keepOnRemote(mirror, workspace, repo, commit, auth, gitDetail(output, auth.secrets));
  if (refusal) throw pushRefusedError(refusal, output, failure, auth.secrets);
  throw new GitFailedError(`push ${repo.url} ${workspace.targetBranch}`, gitDetail(output, auth.secrets));
}

/**
 * The remote refused the fast-forward of the target branch (a protected branch, a hook): the
 * verified change is pushed as `kaizen/<id>` instead (a new branch, never forced), so it is not
 * lost with the worker's mirror, and the run ends `proposed` saying why.
 */
async function keepOnRemote(mirror: GitContext, workspace: Workspace, repo: RepoUrl, commit: string, auth: RemoteAuth, refused: string): Promise<IntegrateResult> {
  const ref = `refs/heads/${workspace.branch}`;
  const push = await runGit(mirror, ['push', '--porcelain', '--no-verify', MIRROR_REMOTE, `${commit}:${ref}`], { env: auth.env });
  if (push.exitCode !== 0) {
    throw new GitFailedError(`push ${repo.url} ${workspace.branch}`, `the remote refused the fast-forward of ${workspace.targetBranch} (${refused}) and the push of ${workspace.branch}: ${gitDetail(push.stderr || push.stdout, auth.secrets)}`);
  }
  return {
    kind: 'proposed',
    branch: workspace.branch,
    commit,
    reason: `${repo.url} refused the fast-forward of ${workspace.targetBranch} (${refused}); pushed ${workspace.branch} instead: merge it through a pull request, or use --mode pr`,
  };
}

async function remoteTip(mirror: GitContext, ref: string, auth: RemoteAuth, failure: PushFailureContext, workspace: Workspace, repo: RepoUrl): Promise<string> {
  const listed = await runGit(mirror, ['ls-remote', MIRROR_REMOTE, ref], { env: auth.env });
  if (listed.exitCode !== 0) {
    const output = listed.stderr || listed.stdout;
    const refusal = pushRefusalOf(output);
    if (refusal) throw pushRefusedError(refusal, output, failure, auth.secrets);
    throw new GitFailedError(`ls-remote ${repo.url} ${workspace.targetBranch}`, gitDetail(output, auth.secrets));
  }
  const line = listed.stdout.split('\n').find((l) => l.endsWith(`\t${ref}`));
  const tip = line?.split('\t')[0];
  if (!tip) throw new TargetBranchMissingError(repo.url, workspace.targetBranch);
  return tip;
}
