// Merging one branch into another inside a bare repository, the way a forge's merge button
// does: merge commit, squash, rebase (and Gitea's rebase-merge, GitLab's fast-forward). The
// base branch moves with compare-and-swap, so a push that raced the merge is never lost.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FORGE_IDENTITY, ISOLATED_GIT_ENV, identityEnv, type BareRepos, type Identity } from './bare-repos.js';

export type MergeMethod = 'merge' | 'squash' | 'rebase' | 'rebase-merge' | 'fast-forward';

export type MergeResult =
  | { merged: true; sha: string }
  | { merged: false; reason: 'conflict' | 'not-fast-forward' | 'nothing-to-merge' | 'base-moved' | 'head-moved' };

export interface MergeRequest {
  base: string;
  head: string;
  method: MergeMethod;
  /** Commit message of the merge or squash commit (first line is the subject). */
  message: string;
  /** Author of a squash commit (the pull request's author); committer is always the forge. */
  author?: Identity;
  /** Refuse unless the head branch is at this commit (GitHub's `sha`, GitLab's `sha`). */
  expectedHeadSha?: string;
}

/** True when head can be merged into base without conflicts (what `mergeable` reports). */
export function canMerge(repos: BareRepos, name: string, base: string, head: string): boolean {
  return mergeTree(repos, name, base, head) !== undefined;
}

/** Commits of head that base lacks. */
export function commitsAhead(repos: BareRepos, name: string, base: string, head: string): number {
  return Number(repos.git(name, ['rev-list', '--count', `refs/heads/${base}..refs/heads/${head}`]));
}

export function mergeBranches(repos: BareRepos, name: string, request: MergeRequest): MergeResult {
  const baseSha = repos.branchSha(name, request.base);
  const headSha = repos.branchSha(name, request.head);
  if (!baseSha || !headSha) throw new Error(`cannot merge ${request.head} into ${request.base} of ${name}: a branch does not exist`);
  if (request.expectedHeadSha && request.expectedHeadSha !== headSha) return { merged: false, reason: 'head-moved' };
  if (repos.isAncestor(name, headSha, baseSha)) return { merged: false, reason: 'nothing-to-merge' };
  const forgeEnv = identityEnv(FORGE_IDENTITY);
  let newSha: string | undefined;
  switch (request.method) {
    case 'fast-forward':
      if (!repos.isAncestor(name, baseSha, headSha)) return { merged: false, reason: 'not-fast-forward' };
      newSha = headSha;
      break;
    case 'merge':
    case 'squash': {
      const tree = mergeTree(repos, name, baseSha, headSha);
      if (!tree) return { merged: false, reason: 'conflict' };
      const parents = request.method === 'merge' ? ['-p', baseSha, '-p', headSha] : ['-p', baseSha];
      const author = request.method === 'squash' && request.author ? identityEnv(request.author) : forgeEnv;
      const env = { ...author, GIT_COMMITTER_NAME: FORGE_IDENTITY.name, GIT_COMMITTER_EMAIL: FORGE_IDENTITY.email };
      newSha = repos.git(name, ['commit-tree', tree, ...parents, '-m', request.message], { env });
      break;
    }
    case 'rebase':
    case 'rebase-merge': {
      const rebased = rebaseOnto(repos, name, baseSha, headSha);
      if (!rebased) return { merged: false, reason: 'conflict' };
      newSha =
        request.method === 'rebase'
          ? rebased
          : repos.git(name, ['commit-tree', `${rebased}^{tree}`, '-p', baseSha, '-p', rebased, '-m', request.message], { env: forgeEnv });
      break;
    }
  }
  try {
    repos.git(name, ['update-ref', `refs/heads/${request.base}`, newSha, baseSha]);
  } catch {
    return { merged: false, reason: 'base-moved' };
  }
  return { merged: true, sha: newSha };
}

/** The merged tree of two commits, or undefined on a conflict (git ≥ 2.38). */
function mergeTree(repos: BareRepos, name: string, base: string, head: string): string | undefined {
  try {
    return repos.git(name, ['merge-tree', '--write-tree', '--no-messages', base, head]).split('\n')[0];
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 1) return undefined;
    throw new Error(`git merge-tree failed in ${name} (it needs git 2.38 or newer): ${String(error)}`);
  }
}

/** Replays head's commits (without merge commits) on base in a throw-away worktree. */
function rebaseOnto(repos: BareRepos, name: string, baseSha: string, headSha: string): string | undefined {
  const commits = repos.git(name, ['rev-list', '--reverse', '--no-merges', `${baseSha}..${headSha}`]).split('\n').filter(Boolean);
  const worktree = join(mkdtempSync(join(tmpdir(), 'kaizen-rebase-')), 'tree');
  const env = { ...ISOLATED_GIT_ENV, GIT_COMMITTER_NAME: FORGE_IDENTITY.name, GIT_COMMITTER_EMAIL: FORGE_IDENTITY.email };
  repos.git(name, ['worktree', 'add', '--detach', '-q', worktree, baseSha]);
  try {
    for (const commit of commits) {
      try {
        execFileSync('git', ['cherry-pick', '--allow-empty', '--keep-redundant-commits', commit], { cwd: worktree, env, stdio: 'pipe' });
      } catch {
        return undefined;
      }
    }
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: worktree, env, encoding: 'utf8' }).trim();
  } finally {
    repos.git(name, ['worktree', 'remove', '--force', worktree]);
    rmSync(join(worktree, '..'), { recursive: true, force: true });
  }
}
