// What the Forge port speaks: pull requests (merge requests on GitLab) in one shape for
// GitHub, GitLab and Gitea/Forgejo. Plain JSON: these cross the Temporal boundary.

export type PullRequestStatus = 'open' | 'closed' | 'merged';

/** Every check and commit status on the head commit, folded: any failure wins, then pending. */
export type ChecksState = 'success' | 'failure' | 'pending' | 'none';

export interface PullRequestRef {
  number: number;
  url: string;
}

export interface PullRequestInfo extends PullRequestRef {
  status: PullRequestStatus;
  title: string;
  draft: boolean;
  headBranch: string;
  headSha: string;
  baseBranch: string;
  labels: string[];
  /** null while the forge is still computing it (GitHub, Gitea after a push; GitLab `checking`). */
  mergeable: boolean | null;
  checks: ChecksState;
  /** Names of the failed checks, for a comment that says which. */
  failedChecks: string[];
}

export interface NewPullRequest {
  /** The branch with the change (Kaizen's `kaizen/<id>`). */
  head: string;
  /** The branch it is meant for. */
  base: string;
  title: string;
  body: string;
  labels: string[];
}

/** What a token may do in the repository, from the role the forge reports for it. */
export interface ForgeAccess {
  /** The role in the forge's words: `write`, `maintain`, `Developer (30)`, … */
  role: string;
  /** Push `kaizen/*` branches to the repository. */
  push: boolean;
  /** Open pull requests from those branches. */
  openPullRequests: boolean;
  /** Merge pull requests through the API; null when the target branch's protection decides. */
  merge: boolean | null;
}

export const MERGE_METHODS = ['merge', 'squash', 'rebase'] as const;
export type MergeMethod = (typeof MERGE_METHODS)[number];

export interface MergeOptions {
  method: MergeMethod;
  /** The head commit Kaizen verified: the forge refuses when someone pushed after it. */
  sha: string;
}

export type MergeAnswer = { merged: true; sha: string } | { merged: false; reason: string };

/** Folds check results (`success`, `failure`, `pending`, …, in each forge's words) into one state. */
export function foldChecks(results: { name: string; state: 'success' | 'failure' | 'pending' | 'neutral' }[]): { checks: ChecksState; failedChecks: string[] } {
  const failed = results.filter((r) => r.state === 'failure').map((r) => r.name);
  if (failed.length) return { checks: 'failure', failedChecks: [...new Set(failed)] };
  if (results.some((r) => r.state === 'pending')) return { checks: 'pending', failedChecks: [] };
  return { checks: results.some((r) => r.state === 'success') ? 'success' : 'none', failedChecks: [] };
}
