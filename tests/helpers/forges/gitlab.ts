// A fake self-managed GitLab on 127.0.0.1 (API under /api/v4) that validates every request
// against a description of the merge-request API Kaizen uses (tests/fixtures/forges/
// gitlab-openapi.json, written from GitLab's API documentation: see its header), keeps merge
// requests in memory over real bare repositories and serves them over git smart HTTP.
//
//   const gitlab = await startFakeGitLab();                // token 'gitlab-token'
//   gitlab.createRepo('acme/app');
//   const api = new Gitlab({ host: gitlab.webUrl, token: 'gitlab-token' });   // @gitbeaker/rest
//   gitlab.setChecks('acme/app', 1, 'red');               // a failed pipeline on the MR's head
//   expect(gitlab.invalidRequests).toEqual([]);
import { readFileSync } from 'node:fs';
import type { MergeMethod } from '../bare-merge.js';
import { credentialsOf, RemoteTokens } from '../remote-tokens.js';
import { FakeForge, idOf, storeErrorReply, type FakeForgeOptions, type RepoInfo } from './fake-forge.js';
import { ForgeHttpError, type ApiRequest, type Handler, type Reply } from './forge-server.js';
import { OpenApiValidator } from './openapi-validator.js';
import type { Check, CheckState, Pull } from './pull-store.js';

export const GITLAB_OPERATIONS = [
  'getCurrentUser',
  'getProject',
  'listProjectMergeRequests',
  'createMergeRequest',
  'getMergeRequest',
  'updateMergeRequest',
  'acceptMergeRequest',
  'listMergeRequestPipelines',
  'createMergeRequestNote',
  'listCommitStatuses',
  'getProtectedBranch',
  'deleteBranch',
] as const;

export interface FakeGitLabOptions extends FakeForgeOptions {
  /** The project setting "merge method": merge commit, merge commit only when fast-forwardable, or fast-forward. */
  mergeMethod?: 'merge' | 'rebase_merge' | 'ff';
}

const DESCRIPTION = new URL('../../fixtures/forges/gitlab-openapi.json', import.meta.url);
const STATUS: Record<CheckState, string> = { pending: 'running', success: 'success', failure: 'failed' };

export async function startFakeGitLab(options: FakeGitLabOptions = {}): Promise<FakeForge> {
  const tokens = options.tokens ?? new RemoteTokens({ 'gitlab-token': { user: 'kaizen-bot', access: 'write' } });
  const validator = new OpenApiValidator(JSON.parse(readFileSync(DESCRIPTION, 'utf8')), GITLAB_OPERATIONS);
  const resetAt = Math.floor(Date.now() / 1000) + 60;
  let observed = 0;
  const forge = new FakeForge(
    {
      style: 'gitlab',
      validator,
      defaultCheckKind: 'status',
      defaultMergeMethod: 'merge',
      flavour: {
        apiRoot: '/api/v4',
        // PRIVATE-TOKEN for personal, project and group access tokens; Bearer for OAuth (and PATs).
        tokenOf: (req) => (req.headers['private-token'] as string | undefined) ?? credentialsOf(req.headers.authorization)?.token,
        unauthorized: () => ({ status: 401, body: { message: '401 Unauthorized' } }),
        notFound: () => ({ status: 404, body: { error: '404 Not Found' } }),
        invalid: (issues) => ({ status: 400, body: { error: issues.map(gitlabMessage).join(', ') } }),
        commonHeaders: () => {
          observed += 1;
          return { 'RateLimit-Limit': '2000', 'RateLimit-Observed': String(observed), 'RateLimit-Remaining': String(Math.max(0, 2000 - observed)), 'RateLimit-Reset': String(resetAt), 'RateLimit-ResetTime': new Date(resetAt * 1000).toUTCString() };
        },
      },
      serverError: (status) => ({ status, body: { message: `${status} ${status === 502 ? 'Bad Gateway' : status === 503 ? 'Service Unavailable' : 'Internal Server Error'}` } }),
      rateLimited: ({ retryAfterSeconds, resetInSeconds }) => {
        const wait = retryAfterSeconds ?? resetInSeconds ?? 60;
        const reset = Math.floor(Date.now() / 1000) + wait;
        return { status: 429, headers: { 'Retry-After': String(wait), 'RateLimit-Remaining': '0', 'RateLimit-Reset': String(reset), 'RateLimit-ResetTime': new Date(reset * 1000).toUTCString() }, body: 'Retry later\n' };
      },
      handlers: (self) => gitlabHandlers(self, options.mergeMethod ?? 'merge'),
    },
    tokens,
    'gitlab-token',
    options,
  );
  return forge.start();
}

function gitlabMessage(issue: { at: string; message: string }): string {
  const missing = /required property '(.+)'/.exec(issue.message);
  const field = issue.at.split('/').filter(Boolean).slice(1).join('.');
  return missing ? `${field ? `${field}.` : ''}${missing[1]} is missing` : `${field || 'body'} is invalid`;
}

function gitlabHandlers(forge: FakeForge, projectMergeMethod: 'merge' | 'rebase_merge' | 'ff'): Record<string, Handler> {
  const fail = (status: number, message: unknown): never => {
    throw new ForgeHttpError({ status, body: { message } });
  };
  const projectOf = (req: ApiRequest): RepoInfo => {
    const id = req.params.id!;
    const info = /^\d+$/.test(id) ? [...forge.repoInfo.values()].find((r) => r.id === Number(id)) : forge.repo(id);
    return info ?? fail(404, '404 Project Not Found');
  };
  const writable = (req: ApiRequest) => {
    const info = projectOf(req);
    if (req.user.access !== 'write') fail(403, '403 Forbidden');
    return info;
  };
  const pullOf = (req: ApiRequest): Pull => forge.pulls.get(projectOf(req).fullName, Number(req.params.merge_request_iid)) ?? fail(404, '404 Not found');
  const body = (req: ApiRequest) => (req.body ?? {}) as Record<string, unknown>;
  const ok = (value: unknown, status = 200): Reply => ({ status, body: value });
  const user = (username: string) => ({ id: idOf(username), username, name: username, state: 'active', locked: false, avatar_url: null, web_url: `${forge.webUrl}/${username}` });
  const pipelineGated = (repo: string) => [...forge.pulls.protections.entries()].some(([key, p]) => key.startsWith(`${repo}:`) && p.requiredChecks.length > 0);
  const pipelineOf = (info: RepoInfo, sha: string) => {
    const jobs = forge.pulls.checksFor(info.fullName, sha, 'status');
    if (jobs.length === 0) return null;
    const state = forge.pulls.combinedState(info.fullName, sha, 'status');
    const first = jobs[0]!;
    return { id: first.id, iid: first.id, project_id: info.id, sha, ref: '', status: state === 'none' ? 'created' : STATUS[state], source: 'merge_request_event', created_at: first.createdAt, updated_at: jobs.at(-1)!.updatedAt, web_url: `${forge.webUrl}/${info.fullName}/-/pipelines/${first.id}` };
  };
  const project = (info: RepoInfo, access: string) => ({
    id: info.id,
    name: info.fullName.split('/').at(-1),
    path: info.fullName.split('/').at(-1),
    path_with_namespace: info.fullName,
    default_branch: info.defaultBranch,
    visibility: 'private',
    web_url: `${forge.webUrl}/${info.fullName}`,
    http_url_to_repo: forge.cloneUrl(info.fullName),
    merge_method: projectMergeMethod,
    squash_option: 'default_off',
    only_allow_merge_if_pipeline_succeeds: pipelineGated(info.fullName),
    remove_source_branch_after_merge: true,
    permissions: { project_access: { access_level: access === 'write' ? 30 : 20, notification_level: 3 }, group_access: null },
  });
  const mergeRequest = (pull: Pull) => {
    const info = forge.repo(pull.repo)!;
    const open = pull.state === 'open';
    const headSha = forge.pulls.headSha(pull);
    const conflict = open && !forge.pulls.mergeable(pull);
    const pipeline = pipelineOf(info, headSha);
    const mustPass = pipelineGated(pull.repo) && pipeline?.status !== 'success';
    const detailed = !open ? 'not_open' : pull.draft ? 'draft_status' : conflict ? 'conflict' : mustPass ? (pipeline?.status === 'running' ? 'ci_still_running' : 'ci_must_pass') : 'mergeable';
    return {
      id: pull.id,
      iid: pull.number,
      project_id: info.id,
      title: pull.title,
      description: pull.body,
      state: pull.state === 'open' ? 'opened' : pull.state,
      created_at: pull.createdAt,
      updated_at: pull.updatedAt,
      merged_by: pull.mergedBy ? user(pull.mergedBy) : null,
      merge_user: pull.mergedBy ? user(pull.mergedBy) : null,
      merged_at: pull.mergedAt ?? null,
      closed_at: pull.state === 'closed' ? (pull.closedAt ?? null) : null,
      target_branch: pull.base,
      source_branch: pull.head,
      source_project_id: info.id,
      target_project_id: info.id,
      author: user(pull.author),
      labels: pull.labels,
      draft: pull.draft,
      work_in_progress: pull.draft,
      merge_status: !open ? 'can_be_merged' : conflict ? 'cannot_be_merged' : 'can_be_merged',
      detailed_merge_status: detailed,
      has_conflicts: conflict,
      sha: headSha,
      merge_commit_sha: pull.mergeCommitSha ?? null,
      squash_commit_sha: null,
      user_notes_count: pull.comments.length,
      web_url: `${forge.webUrl}/${pull.repo}/-/merge_requests/${pull.number}`,
      head_pipeline: pipeline,
      diff_refs: { base_sha: forge.pulls.baseSha(pull), head_sha: headSha, start_sha: forge.pulls.baseSha(pull) },
    };
  };
  const status = (check: Check) => ({ id: check.id, sha: check.sha, ref: null, status: STATUS[check.state], name: check.name, target_url: `${forge.webUrl}/-/jobs/${check.id}`, description: null, created_at: check.createdAt, started_at: check.createdAt, finished_at: check.state === 'pending' ? null : check.updatedAt, allow_failure: false, author: user('ci-bot') });
  const labelsOf = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : typeof value === 'string' ? value.split(',').map((l) => l.trim()).filter(Boolean) : []);

  return {
    getCurrentUser: (req) => ok({ ...user(req.user.user), email: `${req.user.user}@example.com`, is_admin: false, bot: true }),
    getProject: (req) => ok(project(projectOf(req), req.user.access)),
    listProjectMergeRequests: (req) => {
      const info = projectOf(req);
      const q = req.query as { state?: string; source_branch?: string; target_branch?: string; page?: number; per_page?: number };
      const perPage = Number(q.per_page ?? 20);
      const page = Number(q.page ?? 1);
      const pulls = forge.pulls
        .list(info.fullName)
        .filter((p) => !q.state || q.state === 'all' || q.state === (p.state === 'open' ? 'opened' : p.state))
        .filter((p) => (!q.source_branch || p.head === q.source_branch) && (!q.target_branch || p.base === q.target_branch));
      return { status: 200, body: pulls.slice((page - 1) * perPage, page * perPage).map(mergeRequest), headers: { 'X-Page': String(page), 'X-Per-Page': String(perPage), 'X-Total': String(pulls.length), 'X-Total-Pages': String(Math.max(1, Math.ceil(pulls.length / perPage))) } };
    },
    createMergeRequest: (req) => {
      const info = writable(req);
      const b = body(req) as { source_branch: string; target_branch: string; title: string; description?: string; labels?: unknown };
      try {
        const pull = forge.pulls.create({ repo: info.fullName, head: b.source_branch, base: b.target_branch, title: b.title, body: b.description ?? '', author: req.user.user, draft: /^(draft:|\[draft\]|\(draft\))/i.test(b.title) });
        forge.pulls.addLabels(pull, labelsOf(b.labels));
        return ok(mergeRequest(pull), 201);
      } catch (error) {
        return storeErrorReply(error, (e) => ({ status: e.code === 'exists' ? 409 : e.code === 'missing-branch' ? 400 : 422, body: { message: [e.code === 'exists' ? `Another open merge request already exists for this source branch: !${/#(\d+)/.exec(e.message)?.[1] ?? ''}` : e.message] } }));
      }
    },
    getMergeRequest: (req) => ok(mergeRequest(pullOf(req))),
    updateMergeRequest: (req) => {
      writable(req);
      const pull = pullOf(req);
      const b = body(req);
      if (typeof b.title === 'string') pull.title = b.title;
      if (typeof b.description === 'string') pull.body = b.description;
      if (typeof b.target_branch === 'string') pull.base = b.target_branch;
      if (b.labels !== undefined) pull.labels = [];
      forge.pulls.addLabels(pull, [...labelsOf(b.labels), ...labelsOf(b.add_labels)]);
      const removed = labelsOf(b.remove_labels);
      pull.labels = pull.labels.filter((l) => !removed.includes(l));
      if (b.state_event === 'close') forge.pulls.close(pull);
      if (b.state_event === 'reopen') forge.pulls.reopen(pull);
      return ok(mergeRequest(pull));
    },
    acceptMergeRequest: (req) => {
      writable(req);
      const pull = pullOf(req);
      const b = body(req) as { squash?: boolean; sha?: string; merge_commit_message?: string; squash_commit_message?: string; should_remove_source_branch?: boolean };
      if (pull.state !== 'open' || pull.draft) return fail(405, '405 Method Not Allowed');
      const info = forge.repo(pull.repo)!;
      const fastForwardable = forge.repos.isAncestor(info.fullName, forge.pulls.baseSha(pull), forge.pulls.headSha(pull));
      if (projectMergeMethod !== 'merge' && !fastForwardable) return fail(406, 'Branch cannot be merged');
      const method: MergeMethod = b.squash ? 'squash' : projectMergeMethod === 'ff' ? 'fast-forward' : 'merge';
      const message = b.squash ? (b.squash_commit_message ?? pull.title) : (b.merge_commit_message ?? `Merge branch '${pull.head}' into '${pull.base}'\n\n${pull.title}\n\nSee merge request ${info.fullName}!${pull.number}`);
      try {
        const result = forge.pulls.merge(pull, { method, message, by: req.user.user, expectedHeadSha: b.sha });
        if (!result.merged) return result.reason === 'head-moved' ? fail(409, `SHA does not match HEAD of source branch: ${forge.pulls.headSha(pull)}`) : fail(406, 'Branch cannot be merged');
      } catch (error) {
        return storeErrorReply(error, () => ({ status: 405, body: { message: '405 Method Not Allowed' } }));
      }
      if (b.should_remove_source_branch) forge.repos.git(pull.repo, ['update-ref', '-d', `refs/heads/${pull.head}`]);
      return ok(mergeRequest(pull));
    },
    listMergeRequestPipelines: (req) => {
      const pull = pullOf(req);
      const info = forge.repo(pull.repo)!;
      const shas = forge.repos.git(info.fullName, ['rev-list', `${forge.pulls.baseSha(pull)}..${forge.pulls.headSha(pull)}`]).split('\n').filter(Boolean);
      return ok(shas.map((sha) => pipelineOf(info, sha)).filter(Boolean));
    },
    createMergeRequestNote: (req) => {
      writable(req);
      const pull = pullOf(req);
      const note = forge.pulls.addComment(pull, String(body(req).body), req.user.user);
      return ok({ id: note.id, body: note.body, author: user(note.author), created_at: note.createdAt, updated_at: note.createdAt, system: false, noteable_id: pull.id, noteable_type: 'MergeRequest', noteable_iid: pull.number, internal: false }, 201);
    },
    listCommitStatuses: (req) => {
      const info = projectOf(req);
      const sha = forge.repos.branchSha(info.fullName, req.params.sha!) ?? req.params.sha!;
      return ok(forge.pulls.checksFor(info.fullName, sha, 'status').reverse().map(status));
    },
    getProtectedBranch: (req) => {
      const info = projectOf(req);
      if (!forge.repos.isProtected(info.fullName, req.params.name!)) return fail(404, '404 Not found');
      return ok({ id: idOf(`${info.fullName}:${req.params.name}`), name: req.params.name, allow_force_push: false, code_owner_approval_required: false, push_access_levels: [{ id: 1, access_level: 0, access_level_description: 'No one', user_id: null, group_id: null }], merge_access_levels: [{ id: 2, access_level: 40, access_level_description: 'Maintainers', user_id: null, group_id: null }] });
    },
    deleteBranch: (req) => {
      const info = writable(req);
      const branch = req.params.branch!;
      if (!forge.repos.branchSha(info.fullName, branch)) return fail(404, '404 Branch Not Found');
      if (forge.repos.isProtected(info.fullName, branch) || branch === info.defaultBranch) return fail(403, '403 Forbidden');
      forge.repos.git(info.fullName, ['update-ref', '-d', `refs/heads/${branch}`]);
      return { status: 204 };
    },
  };
}
