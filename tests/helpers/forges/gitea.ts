// A fake Gitea/Forgejo on 127.0.0.1 (API under /api/v1) that validates every request against
// the part of Gitea's published swagger description that Kaizen uses (vendored in
// tests/fixtures/forges/gitea-openapi.json, see its header), keeps pull requests in memory
// over real bare repositories and serves them over git smart HTTP.
//
//   const gitea = await startFakeGitea();                 // token 'gitea-token'
//   gitea.createRepo('acme/app');
//   const api = giteaApi(gitea.webUrl, { token: 'gitea-token' });   // gitea-js, or fetch
//   gitea.setChecks('acme/app', 1, 'green'); gitea.mergePull('acme/app', 1, 'squash');
//   expect(gitea.invalidRequests).toEqual([]);
import { readFileSync } from 'node:fs';
import type { MergeMethod } from '../bare-merge.js';
import { credentialsOf, RemoteTokens } from '../remote-tokens.js';
import { FakeForge, idOf, storeErrorReply, type FakeForgeOptions, type RepoInfo } from './fake-forge.js';
import { ForgeHttpError, type ApiRequest, type Handler, type Reply } from './forge-server.js';
import { OpenApiValidator } from './openapi-validator.js';
import type { Check, Pull } from './pull-store.js';

export const GITEA_OPERATIONS = [
  'userGetCurrent',
  'repoGet',
  'repoCreatePullRequest',
  'repoGetPullRequest',
  'repoListPullRequests',
  'repoEditPullRequest',
  'repoMergePullRequest',
  'repoPullRequestIsMerged',
  'repoGetCombinedStatusByRef',
  'repoListStatusesByRef',
  'issueAddLabel',
  'issueCreateComment',
  'issueListLabels',
  'issueCreateLabel',
  'repoGetBranchProtection',
  'repoGetBranch',
  'repoDeleteBranch',
] as const;

const DESCRIPTION = new URL('../../fixtures/forges/gitea-openapi.json', import.meta.url);
const MERGE_STYLES: Record<string, MergeMethod> = { merge: 'merge', rebase: 'rebase', 'rebase-merge': 'rebase-merge', squash: 'squash' };

export async function startFakeGitea(options: FakeForgeOptions = {}): Promise<FakeForge> {
  const tokens = options.tokens ?? new RemoteTokens({ 'gitea-token': { user: 'kaizen-bot', access: 'write' } });
  const validator = new OpenApiValidator(JSON.parse(readFileSync(DESCRIPTION, 'utf8')), GITEA_OPERATIONS);
  let swaggerUrl = '';
  const forge = new FakeForge(
    {
      style: 'gitea',
      validator,
      defaultCheckKind: 'status',
      defaultMergeMethod: 'merge',
      flavour: {
        apiRoot: '/api/v1',
        // Gitea takes `token <t>`, `Bearer <t>` and Basic with the token as the password.
        tokenOf: (req) => credentialsOf(req.headers.authorization)?.token,
        unauthorized: (hadToken) => ({ status: 401, body: { message: hadToken ? 'user does not exist [uid: 0, name: ]' : 'token is required', url: swaggerUrl } }),
        notFound: () => ({ status: 404, body: { errors: null, message: 'not found', url: swaggerUrl } }),
        invalid: (issues) => ({ status: 422, body: { message: issues.map((i) => `[${i.at}]: ${i.message}`).join(', '), url: swaggerUrl } }),
      },
      serverError: (status) => ({ status, body: { message: 'Internal Server Error', url: swaggerUrl } }),
      // Gitea has no API rate limit of its own; a proxy in front of it answers 429.
      rateLimited: ({ retryAfterSeconds }) => ({ status: 429, headers: { 'retry-after': String(retryAfterSeconds ?? 1) }, body: { message: 'Too Many Requests' } }),
      handlers: (self) => giteaHandlers(self),
    },
    tokens,
    'gitea-token',
    options,
  );
  await forge.start();
  swaggerUrl = `${forge.webUrl}/api/swagger`;
  return forge;
}

function giteaHandlers(forge: FakeForge): Record<string, Handler> {
  const fail = (status: number, message: string): never => {
    throw new ForgeHttpError({ status, body: { message, url: `${forge.webUrl}/api/swagger` } });
  };
  const repoOf = (req: ApiRequest) => forge.repo(`${req.params.owner}/${req.params.repo}`) ?? fail(404, 'not found');
  const writable = (req: ApiRequest) => {
    const info = repoOf(req);
    if (req.user.access !== 'write') fail(403, 'user should have write permission');
    return info;
  };
  const pullOf = (req: ApiRequest): Pull => forge.pulls.get(repoOf(req).fullName, Number(req.params.index)) ?? fail(404, 'not found');
  const body = (req: ApiRequest) => (req.body ?? {}) as Record<string, unknown>;
  const ok = (value: unknown, status = 200): Reply => ({ status, body: value });
  const user = (login: string) => ({ id: idOf(login), login, login_name: '', full_name: login, email: `${login}@noreply.localhost`, avatar_url: `${forge.webUrl}/avatars/${login}`, username: login, is_admin: false, active: true, restricted: false, visibility: 'public', created: '1970-01-01T00:00:00Z', last_login: '1970-01-01T00:00:00Z' });
  const repository = (info: RepoInfo, access: string) => ({
    id: info.id,
    owner: user(info.fullName.split('/')[0]!),
    name: info.fullName.split('/')[1],
    full_name: info.fullName,
    private: true,
    default_branch: info.defaultBranch,
    html_url: `${forge.webUrl}/${info.fullName}`,
    clone_url: forge.cloneUrl(info.fullName),
    has_pull_requests: true,
    allow_merge_commits: true,
    allow_rebase: true,
    allow_rebase_explicit: true,
    allow_squash_merge: true,
    default_merge_style: 'merge',
    permissions: { admin: false, push: access === 'write', pull: true },
  });
  const label = (repo: string, name: string) => {
    const l = forge.pulls.ensureLabel(repo, name);
    return { id: l.id, name: l.name, color: l.color, description: '', exclusive: false, url: `${forge.apiUrl}/repos/${repo}/labels/${l.id}` };
  };
  const branchInfo = (pull: Pull, ref: string, sha: string) => {
    const info = forge.repo(pull.repo)!;
    return { label: ref, ref, sha, repo_id: info.id, repo: repository(info, 'write') };
  };
  const pullJson = (pull: Pull) => ({
    id: pull.id,
    url: `${forge.webUrl}/${pull.repo}/pulls/${pull.number}`,
    number: pull.number,
    user: user(pull.author),
    title: pull.title,
    body: pull.body,
    labels: pull.labels.map((name) => label(pull.repo, name)),
    milestone: null,
    assignee: null,
    assignees: null,
    state: pull.state === 'open' ? 'open' : 'closed',
    is_locked: false,
    comments: pull.comments.length,
    html_url: `${forge.webUrl}/${pull.repo}/pulls/${pull.number}`,
    diff_url: `${forge.webUrl}/${pull.repo}/pulls/${pull.number}.diff`,
    patch_url: `${forge.webUrl}/${pull.repo}/pulls/${pull.number}.patch`,
    mergeable: pull.state === 'open' && forge.pulls.mergeable(pull),
    merged: pull.state === 'merged',
    merged_at: pull.mergedAt ?? null,
    merge_commit_sha: pull.mergeCommitSha ?? null,
    merged_by: pull.mergedBy ? user(pull.mergedBy) : null,
    allow_maintainer_edit: false,
    base: branchInfo(pull, pull.base, forge.pulls.baseSha(pull)),
    head: branchInfo(pull, pull.head, forge.pulls.headSha(pull)),
    merge_base: forge.repos.git(pull.repo, ['merge-base', forge.pulls.baseSha(pull), forge.pulls.headSha(pull)]),
    due_date: null,
    created_at: pull.createdAt,
    updated_at: pull.updatedAt,
    closed_at: pull.closedAt ?? null,
  });
  const status = (repo: string, check: Check) => ({ id: check.id, status: check.state, context: check.name, description: `${check.name} ${check.state}`, target_url: `${forge.webUrl}/${repo}/actions/runs/${check.id}`, url: `${forge.apiUrl}/repos/${repo}/statuses/${check.sha}`, created_at: check.createdAt, updated_at: check.updatedAt, creator: user('ci-bot') });
  const shaOf = (info: RepoInfo, ref: string) => forge.repos.branchSha(info.fullName, ref) ?? (/^[0-9a-f]{40}$/.test(ref) ? ref : fail(404, `object does not exist [id: ${ref}, rel_path: ]`));

  return {
    userGetCurrent: (req) => ok(user(req.user.user)),
    repoGet: (req) => ok(repository(repoOf(req), req.user.access)),
    repoCreatePullRequest: (req) => {
      const info = writable(req);
      const { head, base, title } = body(req) as { head?: string; base?: string; title?: string };
      if (!head || !base || !title) return fail(422, '[Head Base Title]: Required');
      try {
        return ok(pullJson(forge.pulls.create({ repo: info.fullName, head, base, title, body: String(body(req).body ?? ''), author: req.user.user })), 201);
      } catch (error) {
        return storeErrorReply(error, (e) => ({ status: e.code === 'exists' ? 409 : 422, body: { message: e.message, url: `${forge.webUrl}/api/swagger` } }));
      }
    },
    repoGetPullRequest: (req) => ok(pullJson(pullOf(req))),
    repoListPullRequests: (req) => {
      const info = repoOf(req);
      const q = req.query as { state?: string; page?: number; limit?: number };
      const state = q.state ?? 'open';
      const limit = Number(q.limit ?? 30);
      const page = Number(q.page ?? 1);
      const pulls = forge.pulls.list(info.fullName).filter((p) => state === 'all' || (state === 'open') === (p.state === 'open'));
      return ok(pulls.slice((page - 1) * limit, page * limit).map(pullJson));
    },
    repoEditPullRequest: (req) => {
      writable(req);
      const pull = pullOf(req);
      const { title, state, base } = body(req) as { title?: string; state?: string; base?: string };
      if (title !== undefined) pull.title = title;
      if (body(req).body !== undefined) pull.body = String(body(req).body);
      if (base !== undefined) pull.base = base;
      if (state === 'closed') forge.pulls.close(pull);
      if (state === 'open') forge.pulls.reopen(pull);
      return ok(pullJson(pull), 201);
    },
    repoMergePullRequest: (req) => {
      writable(req);
      const pull = pullOf(req);
      const { Do, MergeTitleField, MergeMessageField, head_commit_id, delete_branch_after_merge } = body(req) as Record<string, string | boolean | undefined>;
      const method = MERGE_STYLES[String(Do)] ?? fail(405, `merge style ${String(Do)} is not supported by this fake`);
      if (pull.state === 'merged') return fail(405, 'The PR is already merged');
      const title = String(MergeTitleField ?? `Merge pull request '${pull.title}' (#${pull.number}) from ${pull.head} into ${pull.base}`);
      try {
        const result = forge.pulls.merge(pull, { method, message: MergeMessageField ? `${title}\n\n${String(MergeMessageField)}` : title, by: req.user.user, expectedHeadSha: head_commit_id ? String(head_commit_id) : undefined });
        if (!result.merged) return fail(result.reason === 'head-moved' || result.reason === 'base-moved' ? 409 : 405, result.reason === 'head-moved' ? 'head out of date' : 'Please try again later');
      } catch (error) {
        return storeErrorReply(error, (e) => ({ status: 405, body: { message: e.code === 'checks-not-green' ? 'Not all required status checks successful' : e.message, url: `${forge.webUrl}/api/swagger` } }));
      }
      if (delete_branch_after_merge === true) forge.repos.git(pull.repo, ['update-ref', '-d', `refs/heads/${pull.head}`]);
      return { status: 200 };
    },
    repoPullRequestIsMerged: (req) => (pullOf(req).state === 'merged' ? { status: 204 } : fail(404, 'not found')),
    repoGetCombinedStatusByRef: (req) => {
      const info = repoOf(req);
      const sha = shaOf(info, req.params.ref!);
      const statuses = forge.pulls.checksFor(info.fullName, sha, 'status');
      if (statuses.length === 0) return ok({ state: '', sha: '', total_count: 0, statuses: null, repository: null, commit_url: '', url: '' });
      const state = forge.pulls.combinedState(info.fullName, sha, 'status');
      return ok({ state, sha, total_count: statuses.length, statuses: statuses.map((c) => status(info.fullName, c)), repository: repository(info, 'write'), commit_url: `${forge.apiUrl}/repos/${info.fullName}/git/commits/${sha}`, url: `${forge.apiUrl}/repos/${info.fullName}/commits/${sha}/status` });
    },
    repoListStatusesByRef: (req) => {
      const info = repoOf(req);
      return ok(forge.pulls.checksFor(info.fullName, shaOf(info, req.params.ref!), 'status').reverse().map((c) => status(info.fullName, c)));
    },
    issueListLabels: (req) => ok(forge.pulls.repoLabels(repoOf(req).fullName).map((l) => label(repoOf(req).fullName, l.name))),
    issueCreateLabel: (req) => {
      const info = writable(req);
      const { name, color } = body(req) as { name: string; color: string };
      if (forge.pulls.repoLabels(info.fullName).some((l) => l.name === name)) return fail(422, 'label already exists');
      forge.pulls.ensureLabel(info.fullName, name, color.replace(/^#/, ''));
      return ok(label(info.fullName, name), 201);
    },
    issueAddLabel: (req) => {
      writable(req);
      const pull = pullOf(req);
      const ids = ((body(req).labels ?? []) as number[]).map(Number);
      const known = forge.pulls.repoLabels(pull.repo);
      const missing = ids.filter((id) => !known.some((l) => l.id === id));
      if (missing.length > 0) return fail(422, `label does not exist [label_id: ${missing[0]}]`);
      forge.pulls.addLabels(pull, known.filter((l) => ids.includes(l.id)).map((l) => l.name));
      return ok(pull.labels.map((name) => label(pull.repo, name)));
    },
    issueCreateComment: (req) => {
      writable(req);
      const pull = pullOf(req);
      const comment = forge.pulls.addComment(pull, String(body(req).body), req.user.user);
      return ok({ id: comment.id, html_url: `${forge.webUrl}/${pull.repo}/pulls/${pull.number}#issuecomment-${comment.id}`, pull_request_url: `${forge.webUrl}/${pull.repo}/pulls/${pull.number}`, issue_url: '', user: user(comment.author), original_author: '', original_author_id: 0, body: comment.body, created_at: comment.createdAt, updated_at: comment.createdAt }, 201);
    },
    repoGetBranchProtection: (req) => {
      const info = repoOf(req);
      const protection = forge.pulls.protections.get(`${info.fullName}:${req.params.name}`) ?? fail(404, 'not found');
      return ok({ branch_name: req.params.name, rule_name: req.params.name, enable_push: false, enable_status_check: protection.requiredChecks.length > 0, status_check_contexts: protection.requiredChecks, required_approvals: 0, block_on_outdated_branch: false, created_at: '1970-01-01T00:00:00Z', updated_at: '1970-01-01T00:00:00Z' });
    },
    repoGetBranch: (req) => {
      const info = repoOf(req);
      const sha = forge.repos.branchSha(info.fullName, req.params.branch!) ?? fail(404, 'branch does not exist');
      const isProtected = forge.repos.isProtected(info.fullName, req.params.branch!);
      return ok({ name: req.params.branch, commit: { id: sha, message: forge.repos.git(info.fullName, ['log', '-1', '--format=%B', sha]), url: `${forge.webUrl}/${info.fullName}/commit/${sha}` }, protected: isProtected, user_can_push: !isProtected && req.user.access === 'write', user_can_merge: req.user.access === 'write', required_approvals: 0, enable_status_check: false, status_check_contexts: [] });
    },
    repoDeleteBranch: (req) => {
      const info = writable(req);
      const branch = req.params.branch!;
      if (!forge.repos.branchSha(info.fullName, branch)) return fail(404, 'branch does not exist');
      if (forge.repos.isProtected(info.fullName, branch) || branch === info.defaultBranch) return fail(403, 'branch protected');
      forge.repos.git(info.fullName, ['update-ref', '-d', `refs/heads/${branch}`]);
      return { status: 204 };
    },
  };
}
