// A fake GitHub (github.com or Enterprise Server) on 127.0.0.1 that validates every request
// against GitHub's published OpenAPI description (@octokit/openapi, the operations used vendored
// in tests/fixtures/forges/github-*-openapi.json) and keeps pull requests
// in memory over real bare repositories, which it also serves over git smart HTTP.
//
//   const github = await startFakeGitHub();                       // token 'github-token'
//   github.createRepo('acme/app', { 'index.js': '…' });
//   const octokit = new Octokit({ auth: 'github-token', baseUrl: github.apiUrl });
//   git push ${github.cloneUrl('acme/app')} …                    // Bearer or x-access-token:<token>
//   github.setChecks('acme/app', 1, 'red'); github.mergePull('acme/app', 1, 'squash');
//   github.rateLimitNext(1, { retryAfterSeconds: 1 }); github.failNext(2, 502);
//   expect(github.invalidRequests).toEqual([]);
import { readFileSync } from 'node:fs';
import { credentialsOf, RemoteTokens } from '../remote-tokens.js';
import type { MergeMethod } from '../bare-merge.js';
import { FakeForge, storeErrorReply, type FakeForgeOptions } from './fake-forge.js';
import { ForgeHttpError, type ApiRequest, type Handler, type Reply } from './forge-server.js';
import { GitHubShapes } from './github-shapes.js';
import { OpenApiValidator } from './openapi-validator.js';
import type { Pull } from './pull-store.js';

export const GITHUB_OPERATIONS = [
  'users/get-authenticated',
  'repos/get',
  'repos/get-branch',
  'pulls/create',
  'pulls/get',
  'pulls/list',
  'pulls/update',
  'pulls/merge',
  'checks/list-for-ref',
  'checks/get',
  'repos/list-commit-statuses-for-ref',
  'repos/get-combined-status-for-ref',
  'issues/add-labels',
  'issues/create-comment',
  'repos/get-branch-protection',
  'git/delete-ref',
] as const;

export interface FakeGitHubOptions extends FakeForgeOptions {
  /** 'api.github.com' (default) or a GitHub Enterprise Server description such as 'ghes-3.19' (API under /api/v3). */
  description?: string;
  /** GitHub answers `mergeable: null` until it has computed it after a change (default true). */
  mergeableComputedLazily?: boolean;
}

const DOCS = 'https://docs.github.com/rest';
const documents = new Map<string, unknown>();

/** The vendored part of a description @octokit/openapi publishes (`api.github.com`, `ghes-3.19`). */
function githubDescription(name: string): never {
  if (!documents.has(name)) {
    const file = new URL(`../../fixtures/forges/github-${name}-openapi.json`, import.meta.url);
    try {
      documents.set(name, JSON.parse(readFileSync(file, 'utf8')));
    } catch {
      throw new Error(`no vendored GitHub description '${name}' (${file.pathname}): cut it out of @octokit/openapi with tests/fixtures/forges/vendor-openapi-subset.ts`);
    }
  }
  return documents.get(name) as never;
}

export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeForge> {
  const description = options.description ?? 'api.github.com';
  const tokens = options.tokens ?? new RemoteTokens({ 'github-token': { user: 'kaizen-bot', access: 'write' } });
  const validator = new OpenApiValidator(githubDescription(description), GITHUB_OPERATIONS);
  const resetAt = Math.floor(Date.now() / 1000) + 3600;
  let used = 0;
  const forge = new FakeForge(
    {
      style: 'github',
      validator,
      defaultCheckKind: 'check-run',
      defaultMergeMethod: 'merge',
      flavour: {
        apiRoot: description === 'api.github.com' ? '' : '/api/v3',
        tokenOf: (req) => credentialsOf(req.headers.authorization)?.token,
        unauthorized: (hadToken) => ({ status: 401, body: { message: hadToken ? 'Bad credentials' : 'Requires authentication', documentation_url: DOCS, status: '401' } }),
        notFound: () => ({ status: 404, body: { message: 'Not Found', documentation_url: DOCS, status: '404' } }),
        invalid: (issues) => ({ status: 422, body: { message: `Invalid request.\n\n${issues.map((i) => `${i.at}: ${i.message}`).join('\n')}`, documentation_url: DOCS, status: '422' } }),
        commonHeaders: () => {
          used += 1;
          return { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': String(Math.max(0, 5000 - used)), 'x-ratelimit-used': String(used), 'x-ratelimit-reset': String(resetAt), 'x-ratelimit-resource': 'core', 'x-github-media-type': 'github.v3; format=json' };
        },
      },
      serverError: (status) => ({ status, body: { message: 'Server Error' } }),
      rateLimited: ({ retryAfterSeconds, resetInSeconds }): Reply =>
        retryAfterSeconds !== undefined
          ? { status: 403, headers: { 'retry-after': String(retryAfterSeconds) }, body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', documentation_url: `${DOCS}/using-the-rest-api/rate-limits-for-the-rest-api`, status: '403' } }
          : { status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + (resetInSeconds ?? 60)) }, body: { message: 'API rate limit exceeded for user ID 1.', documentation_url: `${DOCS}/using-the-rest-api/rate-limits-for-the-rest-api`, status: '403' } },
      handlers: (self) => githubHandlers(self, new GitHubShapes(self, validator), options.mergeableComputedLazily ?? true),
    },
    tokens,
    'github-token',
    options,
  );
  return forge.start();
}

function githubHandlers(forge: FakeForge, shapes: GitHubShapes, lazyMergeable: boolean): Record<string, Handler> {
  const computed = new Map<number, string>();
  const fail = (status: number, message: string, extra: Record<string, unknown> = {}): never => {
    throw new ForgeHttpError({ status, body: { message, documentation_url: DOCS, status: String(status), ...extra } });
  };
  const repoOf = (req: ApiRequest) => forge.repo(`${req.params.owner}/${req.params.repo}`) ?? fail(404, 'Not Found');
  const writable = (req: ApiRequest) => {
    const info = repoOf(req);
    if (req.user.access !== 'write') fail(403, 'Resource not accessible by personal access token');
    return info;
  };
  const pullOf = (req: ApiRequest, param = 'pull_number'): Pull => forge.pulls.get(repoOf(req).fullName, Number(req.params[param])) ?? fail(404, 'Not Found');
  const shaOf = (req: ApiRequest) => {
    const info = repoOf(req);
    const ref = req.params.ref!;
    const sha = forge.repos.branchSha(info.fullName, ref) ?? (/^[0-9a-f]{40}$/.test(ref) ? ref : undefined);
    return sha ?? fail(422, `No commit found for SHA: ${ref}`);
  };
  const mergeability = (pull: Pull) => {
    const key = `${forge.pulls.headSha(pull)}:${forge.pulls.baseSha(pull)}`;
    if (lazyMergeable && computed.get(pull.id) !== key) {
      computed.set(pull.id, key);
      return { mergeable: null, state: 'unknown' };
    }
    if (pull.draft) return { mergeable: forge.pulls.mergeable(pull), state: 'draft' };
    if (!forge.pulls.mergeable(pull)) return { mergeable: false, state: 'dirty' };
    const required = forge.pulls.protections.get(`${pull.repo}:${pull.base}`)?.requiredChecks ?? [];
    const checks = forge.pulls.checksFor(pull.repo, forge.pulls.headSha(pull));
    if (required.some((name) => !checks.some((c) => c.name === name && c.state === 'success'))) return { mergeable: true, state: 'blocked' };
    return { mergeable: true, state: checks.some((c) => c.state === 'failure') ? 'unstable' : 'clean' };
  };
  const ok = (body: unknown, status = 200): Reply => ({ status, body });
  const body = (req: ApiRequest) => (req.body ?? {}) as Record<string, unknown>;

  return {
    'users/get-authenticated': (req) => ok(shapes.shape('users/get-authenticated', 200, { ...shapes.user(req.user.user), name: req.user.user })),
    'repos/get': (req) => ok(shapes.shape('repos/get', 200, shapes.repository(repoOf(req), req.user.access === 'write' ? 'write' : 'read'))),
    'repos/get-branch': (req) => {
      const info = repoOf(req);
      const branch = req.params.branch!;
      const sha = forge.repos.branchSha(info.fullName, branch) ?? fail(404, 'Branch not found');
      const protection = forge.pulls.protections.get(`${info.fullName}:${branch}`);
      const url = `${shapes.api}/repos/${info.fullName}/branches/${branch}`;
      return ok(shapes.shape('repos/get-branch', 200, {
        name: branch,
        commit: { sha, url: `${shapes.api}/repos/${info.fullName}/commits/${sha}` },
        _links: { html: `${forge.webUrl}/${info.fullName}/tree/${branch}`, self: url },
        protected: protection !== undefined,
        protection: { enabled: protection !== undefined, required_status_checks: { enforcement_level: protection ? 'everyone' : 'off', contexts: protection?.requiredChecks ?? [] } },
        protection_url: `${url}/protection`,
      }));
    },
    'pulls/create': (req) => {
      const info = writable(req);
      const { title, head, base, draft } = body(req) as { title?: string; head: string; base: string; draft?: boolean };
      const [headOwner, headBranch] = head.includes(':') ? head.split(':', 2) : [info.fullName.split('/')[0], head];
      if (headOwner !== info.fullName.split('/')[0]) fail(422, 'Validation Failed', { errors: [{ resource: 'PullRequest', field: 'head', code: 'invalid' }] });
      try {
        const pull = forge.pulls.create({ repo: info.fullName, head: headBranch!, base, title: title ?? headBranch!, body: (body(req).body as string) ?? '', author: req.user.user, draft });
        return ok(shapes.pull(pull, mergeability(pull)), 201);
      } catch (error) {
        return storeErrorReply(error, (e) => ({ status: 422, body: { message: 'Validation Failed', errors: [{ resource: 'PullRequest', code: 'custom', message: e.message }], documentation_url: DOCS, status: '422' } }));
      }
    },
    'pulls/get': (req) => {
      const pull = pullOf(req);
      return ok(shapes.pull(pull, mergeability(pull)));
    },
    'pulls/list': (req) => {
      const info = repoOf(req);
      const q = req.query as { state?: string; head?: string; base?: string; per_page?: number; page?: number };
      const state = q.state ?? 'open';
      const perPage = Number(q.per_page ?? 30);
      const page = Number(q.page ?? 1);
      const pulls = forge.pulls
        .list(info.fullName)
        .filter((p) => state === 'all' || (state === 'open') === (p.state === 'open'))
        .filter((p) => !q.head || q.head === `${info.fullName.split('/')[0]}:${p.head}`)
        .filter((p) => !q.base || q.base === p.base);
      return ok(pulls.slice((page - 1) * perPage, page * perPage).map((p) => shapes.shape('pulls/list', 200, shapes.pullFields(p))));
    },
    'pulls/update': (req) => {
      writable(req);
      const pull = pullOf(req);
      const { title, state, base } = body(req) as { title?: string; state?: 'open' | 'closed'; base?: string };
      if (title !== undefined) pull.title = title;
      if (body(req).body !== undefined) pull.body = String(body(req).body);
      if (base !== undefined) pull.base = base;
      if (state === 'closed') forge.pulls.close(pull);
      if (state === 'open') forge.pulls.reopen(pull);
      return ok(shapes.pull(pull, mergeability(pull)));
    },
    'pulls/merge': (req) => {
      writable(req);
      const pull = pullOf(req);
      const { commit_title, commit_message, sha, merge_method } = body(req) as { commit_title?: string; commit_message?: string; sha?: string; merge_method?: MergeMethod };
      const method = merge_method ?? 'merge';
      const title = commit_title ?? (method === 'squash' ? `${pull.title} (#${pull.number})` : `Merge pull request #${pull.number} from ${pull.repo.split('/')[0]}/${pull.head}`);
      try {
        const result = forge.pulls.merge(pull, { method, message: commit_message ? `${title}\n\n${commit_message}` : title, by: req.user.user, expectedHeadSha: sha });
        if (result.merged) return ok({ sha: result.sha, merged: true, message: 'Pull Request successfully merged' });
        if (result.reason === 'head-moved') return fail(409, 'Head branch was modified. Review and try the merge again.');
        if (result.reason === 'base-moved') return fail(409, 'Base branch was modified. Review and try the merge again.');
        return fail(405, 'Pull Request is not mergeable');
      } catch (error) {
        return storeErrorReply(error, (e) => ({ status: 405, body: { message: e.code === 'checks-not-green' ? `Repository rule violations found\n\n${e.message}` : 'Pull Request is not mergeable', documentation_url: DOCS, status: '405' } }));
      }
    },
    'checks/list-for-ref': (req) => {
      const info = repoOf(req);
      const runs = forge.pulls.checksFor(info.fullName, shaOf(req), 'check-run').filter((c) => !req.query.check_name || c.name === req.query.check_name);
      return ok({ total_count: runs.length, check_runs: runs.map((c) => shapes.checkRun(info.fullName, c)) });
    },
    'checks/get': (req) => {
      const info = repoOf(req);
      const run = forge.pulls.check(info.fullName, Number(req.params.check_run_id));
      return run?.kind === 'check-run' ? ok(shapes.checkRun(info.fullName, run)) : fail(404, 'Not Found');
    },
    'repos/list-commit-statuses-for-ref': (req) => {
      const info = repoOf(req);
      return ok(forge.pulls.checksFor(info.fullName, shaOf(req), 'status').reverse().map((c) => shapes.status(info.fullName, c)));
    },
    'repos/get-combined-status-for-ref': (req) => {
      const info = repoOf(req);
      const sha = shaOf(req);
      const statuses = forge.pulls.checksFor(info.fullName, sha, 'status');
      const state = forge.pulls.combinedState(info.fullName, sha, 'status');
      return ok(shapes.shape('repos/get-combined-status-for-ref', 200, {
        state: state === 'none' ? 'pending' : state,
        sha,
        total_count: statuses.length,
        statuses: statuses.map((c) => shapes.status(info.fullName, c)),
        repository: shapes.repository(info, 'write'),
        commit_url: `${shapes.api}/repos/${info.fullName}/commits/${sha}`,
        url: `${shapes.api}/repos/${info.fullName}/commits/${sha}/status`,
      }));
    },
    'issues/add-labels': (req) => {
      writable(req);
      const pull = pullOf(req, 'issue_number');
      const raw = Array.isArray(req.body) ? req.body : ((req.body as { labels?: unknown[] }).labels ?? []);
      forge.pulls.addLabels(pull, raw.map((l) => (typeof l === 'string' ? l : String((l as { name: string }).name))));
      return ok(pull.labels.map((name) => shapes.label(pull.repo, name)));
    },
    'issues/create-comment': (req) => {
      writable(req);
      const pull = pullOf(req, 'issue_number');
      const comment = forge.pulls.addComment(pull, String(body(req).body), req.user.user);
      const url = `${shapes.api}/repos/${pull.repo}/issues/comments/${comment.id}`;
      return ok(shapes.shape('issues/create-comment', 201, { id: comment.id, node_id: `IC_${comment.id}`, url, html_url: `${forge.webUrl}/${pull.repo}/pull/${pull.number}#issuecomment-${comment.id}`, issue_url: `${shapes.api}/repos/${pull.repo}/issues/${pull.number}`, body: comment.body, user: shapes.user(comment.author), created_at: comment.createdAt, updated_at: comment.createdAt, author_association: 'MEMBER' }), 201);
    },
    'repos/get-branch-protection': (req) => {
      const info = repoOf(req);
      const protection = forge.pulls.protections.get(`${info.fullName}:${req.params.branch}`);
      if (!protection) return fail(404, 'Branch not protected');
      const url = `${shapes.api}/repos/${info.fullName}/branches/${req.params.branch}/protection`;
      return ok(shapes.shape('repos/get-branch-protection', 200, {
        url,
        required_status_checks: { url: `${url}/required_status_checks`, strict: false, contexts: protection.requiredChecks, checks: protection.requiredChecks.map((context) => ({ context, app_id: null })), contexts_url: `${url}/required_status_checks/contexts` },
        enforce_admins: { url: `${url}/enforce_admins`, enabled: true },
        allow_force_pushes: { enabled: false },
        allow_deletions: { enabled: false },
      }));
    },
    'git/delete-ref': (req) => {
      const info = writable(req);
      const ref = `refs/${req.params.ref}`;
      if (!forge.repos.refs(info.fullName)[ref]) return fail(422, 'Reference does not exist');
      forge.repos.git(info.fullName, ['update-ref', '-d', ref]);
      return { status: 204 };
    },
  };
}

