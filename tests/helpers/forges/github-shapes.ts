// GitHub's JSON for the fake's state. Each object starts from the skeleton of the documented
// response schema (every required field, neutral values) and overlays what the fake knows,
// so octokit's callers see the fields GitHub sends, with real values where they matter.
import { commitsAhead } from '../bare-merge.js';
import { overlay } from './schema-skeleton.js';
import { idOf, type FakeForge, type RepoInfo } from './fake-forge.js';
import type { OpenApiValidator } from './openapi-validator.js';
import type { Check, Pull } from './pull-store.js';

export class GitHubShapes {
  private readonly skeletons = new Map<string, unknown>();

  constructor(
    private readonly forge: FakeForge,
    private readonly validator: OpenApiValidator,
  ) {}

  /** The documented response of `operationId` with `fields` over it. */
  shape(operationId: string, status: number, fields: unknown): Record<string, unknown> {
    const key = `${operationId}:${status}`;
    if (!this.skeletons.has(key)) this.skeletons.set(key, this.validator.responseSkeleton(operationId, status));
    return overlay(this.skeletons.get(key), fields) as Record<string, unknown>;
  }

  /** A component schema (`simple-user`, `label`, `status`) with `fields` over it. */
  component(name: string, fields: unknown): Record<string, unknown> {
    const key = `#${name}`;
    if (!this.skeletons.has(key)) this.skeletons.set(key, this.validator.schemaSkeleton(name));
    return overlay(this.skeletons.get(key), fields) as Record<string, unknown>;
  }

  get api(): string {
    return this.forge.apiUrl;
  }

  user(login: string): Record<string, unknown> {
    return this.component('simple-user', { login, id: idOf(login), node_id: `U_${login}`, type: 'User', site_admin: false, url: `${this.api}/users/${login}`, html_url: `${this.forge.webUrl}/${login}`, avatar_url: `${this.forge.webUrl}/${login}.png` });
  }

  repository(info: RepoInfo, access: 'write' | 'read'): Record<string, unknown> {
    const [owner = '', name = ''] = info.fullName.split('/');
    return {
      id: info.id,
      node_id: `R_${info.id}`,
      name,
      full_name: info.fullName,
      owner: this.user(owner),
      private: true,
      visibility: 'private',
      default_branch: info.defaultBranch,
      html_url: `${this.forge.webUrl}/${info.fullName}`,
      url: `${this.api}/repos/${info.fullName}`,
      clone_url: this.forge.cloneUrl(info.fullName),
      git_url: this.forge.cloneUrl(info.fullName),
      allow_merge_commit: true,
      allow_squash_merge: true,
      allow_rebase_merge: true,
      delete_branch_on_merge: false,
      permissions: { admin: false, maintain: false, push: access === 'write', triage: access === 'write', pull: true },
    };
  }

  label(repo: string, name: string): Record<string, unknown> {
    const label = this.forge.pulls.ensureLabel(repo, name);
    return this.component('label', { id: label.id, node_id: `LA_${label.id}`, url: `${this.api}/repos/${repo}/labels/${encodeURIComponent(name)}`, name, color: label.color, default: false, description: null });
  }

  /** Fields common to pull-request and pull-request-simple. */
  pullFields(pull: Pull): Record<string, unknown> {
    const info = this.forge.repo(pull.repo)!;
    const owner = pull.repo.split('/')[0]!;
    const url = `${this.api}/repos/${pull.repo}/pulls/${pull.number}`;
    const side = (ref: string, sha: string) => ({ label: `${owner}:${ref}`, ref, sha, user: this.user(owner), repo: this.repository(info, 'write') });
    return {
      url,
      id: pull.id,
      node_id: `PR_${pull.id}`,
      html_url: `${this.forge.webUrl}/${pull.repo}/pull/${pull.number}`,
      issue_url: `${this.api}/repos/${pull.repo}/issues/${pull.number}`,
      number: pull.number,
      state: pull.state === 'open' ? 'open' : 'closed',
      locked: false,
      title: pull.title,
      body: pull.body || null,
      user: this.user(pull.author),
      labels: pull.labels.map((name) => this.label(pull.repo, name)),
      created_at: pull.createdAt,
      updated_at: pull.updatedAt,
      closed_at: pull.closedAt ?? null,
      merged_at: pull.mergedAt ?? null,
      merge_commit_sha: pull.mergeCommitSha ?? null,
      draft: pull.draft,
      head: side(pull.head, this.forge.pulls.headSha(pull)),
      base: side(pull.base, this.forge.pulls.baseSha(pull)),
      author_association: 'MEMBER',
      auto_merge: null,
      assignee: null,
      milestone: null,
      _links: { self: { href: url }, html: { href: `${this.forge.webUrl}/${pull.repo}/pull/${pull.number}` } },
    };
  }

  /** The full pull request; `mergeable` null while GitHub is still computing it. */
  pull(pull: Pull, mergeability: { mergeable: boolean | null; state: string }): Record<string, unknown> {
    const open = pull.state === 'open';
    return this.shape('pulls/get', 200, {
      ...this.pullFields(pull),
      merged: pull.state === 'merged',
      mergeable: open ? mergeability.mergeable : null,
      mergeable_state: open ? mergeability.state : 'unknown',
      merged_by: pull.mergedBy ? this.user(pull.mergedBy) : null,
      comments: pull.comments.length,
      review_comments: 0,
      commits: open ? commitsAhead(this.forge.repos, pull.repo, pull.base, pull.head) : 1,
      maintainer_can_modify: false,
    });
  }

  checkRun(repo: string, check: Check): Record<string, unknown> {
    const completed = check.state !== 'pending';
    return this.shape('checks/get', 200, {
      id: check.id,
      node_id: `CR_${check.id}`,
      head_sha: check.sha,
      name: check.name,
      external_id: String(check.id),
      url: `${this.api}/repos/${repo}/check-runs/${check.id}`,
      html_url: `${this.forge.webUrl}/${repo}/runs/${check.id}`,
      details_url: `${this.forge.webUrl}/${repo}/runs/${check.id}`,
      status: completed ? 'completed' : 'in_progress',
      conclusion: completed ? check.state : null,
      started_at: check.createdAt,
      completed_at: completed ? check.updatedAt : null,
      output: { title: null, summary: null, text: null, annotations_count: 0, annotations_url: `${this.api}/repos/${repo}/check-runs/${check.id}/annotations` },
      check_suite: { id: check.id },
      app: null,
      pull_requests: [],
    });
  }

  status(repo: string, check: Check): Record<string, unknown> {
    return this.component('status', {
      url: `${this.api}/repos/${repo}/statuses/${check.sha}`,
      avatar_url: null,
      id: check.id,
      node_id: `SC_${check.id}`,
      state: check.state,
      description: `${check.name} ${check.state}`,
      target_url: `${this.forge.webUrl}/${repo}/ci/${check.id}`,
      context: check.name,
      created_at: check.createdAt,
      updated_at: check.updatedAt,
      creator: this.user('ci-bot'),
    });
  }
}

