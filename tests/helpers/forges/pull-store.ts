// What a forge knows about pull (merge) requests, kept in memory over real bare repositories:
// head and base are branches of the same bare repo, so the head commit is whatever was last
// pushed, mergeability is a real merge-tree, and merging moves the base branch for real.
// Each fake renders this state in its own forge's JSON.
import type { BareRepos, Identity } from '../bare-repos.js';
import { canMerge, commitsAhead, mergeBranches, type MergeMethod, type MergeResult } from '../bare-merge.js';

export type PullState = 'open' | 'closed' | 'merged';
export type CheckState = 'pending' | 'success' | 'failure';

export interface Check {
  id: number;
  repo: string;
  name: string;
  sha: string;
  state: CheckState;
  /** GitHub keeps check runs (Actions, apps) apart from commit statuses (older CI). */
  kind: 'check-run' | 'status';
  createdAt: string;
  updatedAt: string;
}

export interface Comment {
  id: number;
  body: string;
  author: string;
  createdAt: string;
}

export interface Label {
  id: number;
  name: string;
  color: string;
}

export interface Pull {
  id: number;
  number: number;
  repo: string;
  head: string;
  base: string;
  title: string;
  body: string;
  author: string;
  draft: boolean;
  state: PullState;
  labels: string[];
  comments: Comment[];
  createdAt: string;
  updatedAt: string;
  closedAt?: string;
  mergedAt?: string;
  mergedBy?: string;
  mergeCommitSha?: string;
  /** Head and base commits when the pull request stopped being open. */
  finalHeadSha?: string;
  finalBaseSha?: string;
}

export interface BranchProtection {
  /** Check names that must be green on the head commit before a merge. */
  requiredChecks: string[];
}

export class PullStoreError extends Error {
  constructor(
    readonly code: 'missing-branch' | 'no-commits' | 'exists' | 'not-open' | 'checks-not-green' | 'not-mergeable',
    message: string,
  ) {
    super(message);
  }
}

/** GitHub's timestamp shape: second precision, Z. */
export function timestamp(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export class PullStore {
  private readonly pulls = new Map<string, Pull[]>();
  private readonly checks: Check[] = [];
  private readonly labels = new Map<string, Label[]>();
  readonly protections = new Map<string, BranchProtection>();
  private nextId = 1000;

  constructor(readonly repos: BareRepos) {}

  create(input: { repo: string; head: string; base: string; title: string; body?: string; author: string; draft?: boolean }): Pull {
    for (const branch of [input.head, input.base]) {
      if (!this.repos.branchSha(input.repo, branch)) throw new PullStoreError('missing-branch', `branch ${branch} does not exist in ${input.repo}`);
    }
    if (commitsAhead(this.repos, input.repo, input.base, input.head) === 0) {
      throw new PullStoreError('no-commits', `No commits between ${input.base} and ${input.head}`);
    }
    const existing = this.list(input.repo).find((p) => p.state === 'open' && p.head === input.head && p.base === input.base);
    if (existing) throw new PullStoreError('exists', `A pull request already exists for ${input.head} into ${input.base}: #${existing.number}`);
    const list = this.pulls.get(input.repo) ?? [];
    const now = timestamp();
    const pull: Pull = {
      id: this.nextId++,
      number: list.length + 1,
      repo: input.repo,
      head: input.head,
      base: input.base,
      title: input.title,
      body: input.body ?? '',
      author: input.author,
      draft: input.draft ?? false,
      state: 'open',
      labels: [],
      comments: [],
      createdAt: now,
      updatedAt: now,
    };
    list.push(pull);
    this.pulls.set(input.repo, list);
    return pull;
  }

  get(repo: string, number: number): Pull | undefined {
    return this.pulls.get(repo)?.find((p) => p.number === number);
  }

  /** Newest first, like the forges' default order. */
  list(repo: string): Pull[] {
    return [...(this.pulls.get(repo) ?? [])].reverse();
  }

  headSha(pull: Pull): string {
    return pull.finalHeadSha ?? this.repos.branchSha(pull.repo, pull.head) ?? '';
  }

  baseSha(pull: Pull): string {
    return pull.finalBaseSha ?? this.repos.branchSha(pull.repo, pull.base) ?? '';
  }

  mergeable(pull: Pull): boolean {
    return pull.state === 'open' && canMerge(this.repos, pull.repo, pull.base, pull.head);
  }

  /** Merges through the forge: refuses a pull that is not open, not green or conflicting. */
  merge(pull: Pull, opts: { method: MergeMethod; message: string; by: string; author?: Identity; expectedHeadSha?: string }): MergeResult {
    if (pull.state !== 'open') throw new PullStoreError('not-open', `Pull request #${pull.number} is ${pull.state}`);
    const required = this.protections.get(`${pull.repo}:${pull.base}`)?.requiredChecks ?? [];
    const green = new Set(this.checksFor(pull.repo, this.headSha(pull)).filter((c) => c.state === 'success').map((c) => c.name));
    const missing = required.filter((name) => !green.has(name));
    if (missing.length > 0) throw new PullStoreError('checks-not-green', `Required status check${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} ${missing.length > 1 ? 'are' : 'is'} expected.`);
    const headSha = this.headSha(pull);
    const result = mergeBranches(this.repos, pull.repo, { base: pull.base, head: pull.head, method: opts.method, message: opts.message, author: opts.author, expectedHeadSha: opts.expectedHeadSha });
    if (result.merged) {
      const now = timestamp();
      Object.assign(pull, { state: 'merged', mergedAt: now, closedAt: now, updatedAt: now, mergedBy: opts.by, mergeCommitSha: result.sha, finalHeadSha: headSha, finalBaseSha: result.sha });
    }
    return result;
  }

  close(pull: Pull): void {
    if (pull.state !== 'open') return;
    const now = timestamp();
    Object.assign(pull, { state: 'closed', closedAt: now, updatedAt: now, finalHeadSha: this.headSha(pull), finalBaseSha: this.baseSha(pull) });
  }

  reopen(pull: Pull): void {
    if (pull.state !== 'closed') return;
    Object.assign(pull, { state: 'open', closedAt: undefined, finalHeadSha: undefined, finalBaseSha: undefined, updatedAt: timestamp() });
  }

  /** A person pushes a commit to the pull request's head branch. Returns the new head. */
  pushAsPerson(pull: Pull, files: Record<string, string | null>, message: string, person: Identity): string {
    const sha = this.repos.commitFiles(pull.repo, pull.head, files, { message, author: person });
    pull.updatedAt = timestamp();
    return sha;
  }

  addComment(pull: Pull, body: string, author: string): Comment {
    const comment = { id: this.nextId++, body, author, createdAt: timestamp() };
    pull.comments.push(comment);
    pull.updatedAt = comment.createdAt;
    return comment;
  }

  /** Adds labels by name, creating the repository's missing labels as GitHub and GitLab do. */
  addLabels(pull: Pull, names: string[]): void {
    for (const name of names) {
      this.ensureLabel(pull.repo, name);
      if (!pull.labels.includes(name)) pull.labels.push(name);
    }
    pull.updatedAt = timestamp();
  }

  ensureLabel(repo: string, name: string, color = 'ededed'): Label {
    const labels = this.labels.get(repo) ?? [];
    let label = labels.find((l) => l.name === name);
    if (!label) {
      label = { id: this.nextId++, name, color };
      labels.push(label);
      this.labels.set(repo, labels);
    }
    return label;
  }

  repoLabels(repo: string): Label[] {
    return this.labels.get(repo) ?? [];
  }

  /** Sets (or replaces) the named checks on a commit. */
  setChecks(repo: string, sha: string, state: CheckState, names: string[], kind: Check['kind']): void {
    const now = timestamp();
    for (const name of names) {
      const existing = this.checks.find((c) => c.repo === repo && c.sha === sha && c.name === name && c.kind === kind);
      if (existing) Object.assign(existing, { state, updatedAt: now });
      else this.checks.push({ id: this.nextId++, repo, name, sha, state, kind, createdAt: now, updatedAt: now });
    }
  }

  checksFor(repo: string, sha: string, kind?: Check['kind']): Check[] {
    return this.checks.filter((c) => c.repo === repo && c.sha === sha && (!kind || c.kind === kind));
  }

  check(repo: string, id: number): Check | undefined {
    return this.checks.find((c) => c.repo === repo && c.id === id);
  }

  /** success only when every check is green; failure when any is red; pending otherwise. */
  combinedState(repo: string, sha: string, kind?: Check['kind']): CheckState | 'none' {
    const checks = this.checksFor(repo, sha, kind);
    if (checks.length === 0) return 'none';
    if (checks.some((c) => c.state === 'failure')) return 'failure';
    return checks.every((c) => c.state === 'success') ? 'success' : 'pending';
  }
}
