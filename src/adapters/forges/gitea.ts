// The Forge port on Gitea and Forgejo, over fetch (gitea-js is only a test dependency, and
// sends nothing fetch cannot). Labels go by id (Gitea 1.20 takes no names); checks are the
// commit statuses of the head, where Gitea and Forgejo Actions report.
import type { Forge, ForgeAccess, ForgeCredentials, ForgeTarget, MergeAnswer, MergeOptions, NewPullRequest, PullRequestInfo } from '../../contracts/ports.js';
import { foldChecks } from '../../core/forge/types.js';
import { callForge, HttpAnswerError, isStatus, splitRepo } from './common.js';

interface GiteaPull {
  number: number;
  html_url: string;
  state: string;
  merged?: boolean;
  merge_commit_sha?: string | null;
  title: string;
  draft?: boolean;
  mergeable?: boolean | null;
  head: { ref: string; sha: string };
  base: { ref: string };
  labels?: { id: number; name: string }[] | null;
}

const LABEL_COLOUR = '#0e8a16';
const REQUEST_TIMEOUT_MS = 30_000;

export function connectGitea(target: ForgeTarget, credentials: ForgeCredentials): Forge {
  const { owner, name } = splitRepo(target.repo);
  const repoPath = `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}`;

  async function request<T>(operation: string, method: string, path: string, body?: unknown): Promise<T> {
    return callForge('gitea', operation, credentials.variable, async () => {
      const response = await fetch(`${target.apiUrl}${repoPath}${path}`, {
        method,
        headers: { Authorization: `token ${credentials.token}`, Accept: 'application/json', ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await response.text();
      if (!response.ok) throw new HttpAnswerError(response.status, Object.fromEntries(response.headers.entries()), messageOf(text) || response.statusText);
      return (text ? JSON.parse(text) : undefined) as T;
    });
  }

  async function get(number: number): Promise<PullRequestInfo> {
    const pull = await request<GiteaPull>(`read pull request #${number}`, 'GET', `/pulls/${number}`);
    const combined = await request<{ statuses?: { context: string; status: string }[] | null }>('read commit statuses', 'GET', `/commits/${pull.head.sha}/status`);
    const results = (combined.statuses ?? []).map((s) => ({ name: s.context, state: stateOf(s.status) }));
    return {
      number: pull.number,
      url: pull.html_url,
      status: pull.merged ? 'merged' : pull.state === 'open' ? 'open' : 'closed',
      title: pull.title,
      draft: pull.draft ?? /^(WIP:|\[WIP\])/i.test(pull.title),
      headBranch: pull.head.ref,
      headSha: pull.head.sha,
      baseBranch: pull.base.ref,
      labels: (pull.labels ?? []).map((l) => l.name),
      mergeable: pull.mergeable ?? null,
      ...foldChecks(results),
    };
  }

  async function find(branch: string): Promise<PullRequestInfo | null> {
    // Gitea 1.20 cannot filter by head: list the open ones and match.
    for (let page = 1; page <= 10; page++) {
      const pulls = await request<GiteaPull[]>(`list the pull requests of ${branch}`, 'GET', `/pulls?state=open&limit=50&page=${page}`);
      const pull = pulls.find((p) => p.head.ref === branch);
      if (pull) return get(pull.number);
      if (pulls.length < 50) return null;
    }
    return null;
  }

  async function labelIds(names: string[]): Promise<number[]> {
    const existing = await request<{ id: number; name: string }[]>('list labels', 'GET', '/labels?limit=50');
    const ids: number[] = [];
    for (const label of names) {
      const found = existing.find((l) => l.name === label);
      ids.push(found ? found.id : (await request<{ id: number }>(`create label ${label}`, 'POST', '/labels', { name: label, color: LABEL_COLOUR })).id);
    }
    return ids;
  }

  return {
    target,
    findOpenPullRequest: find,
    pullRequest: get,

    async access(): Promise<ForgeAccess> {
      const repo = await request<{ permissions?: { admin?: boolean; push?: boolean; pull?: boolean } }>('read the repository', 'GET', '');
      const can = repo.permissions;
      const push = can?.push === true || can?.admin === true;
      return { role: can?.admin ? 'admin' : push ? 'write' : can?.pull ? 'read' : 'none', push, openPullRequests: push, merge: push };
    },

    async openPullRequest(pr: NewPullRequest): Promise<PullRequestInfo> {
      let number: number;
      try {
        number = (await request<GiteaPull>(`open a pull request from ${pr.head}`, 'POST', '/pulls', { head: pr.head, base: pr.base, title: pr.title, body: pr.body })).number;
      } catch (err) {
        // 409 "pull request already exists for these targets": an earlier attempt opened it.
        const existing = isStatus(err, 409) || isStatus(err, 422) ? await find(pr.head) : null;
        if (!existing) throw err;
        number = existing.number;
      }
      if (pr.labels.length) {
        const ids = await labelIds(pr.labels);
        await request(`label pull request #${number}`, 'POST', `/issues/${number}/labels`, { labels: ids });
      }
      return get(number);
    },

    async comment(number: number, body: string): Promise<void> {
      await request(`comment on pull request #${number}`, 'POST', `/issues/${number}/comments`, { body });
    },

    async close(number: number): Promise<void> {
      await request(`close pull request #${number}`, 'PATCH', `/pulls/${number}`, { state: 'closed' });
    },

    async merge(number: number, options: MergeOptions): Promise<MergeAnswer> {
      try {
        await request(`merge pull request #${number}`, 'POST', `/pulls/${number}/merge`, { Do: options.method, head_commit_id: options.sha });
      } catch (err) {
        // 405 not mergeable or checks not green; 409 the head moved.
        if (isStatus(err, 405) || isStatus(err, 409)) return { merged: false, reason: (err as Error).message };
        throw err;
      }
      const after = await request<GiteaPull>(`read pull request #${number}`, 'GET', `/pulls/${number}`);
      return { merged: true, sha: after.merge_commit_sha ?? options.sha };
    },
  };
}

function stateOf(status: string): 'success' | 'failure' | 'pending' | 'neutral' {
  if (status === 'success') return 'success';
  if (status === 'failure' || status === 'error') return 'failure';
  if (status === 'warning') return 'neutral';
  return 'pending';
}

function messageOf(text: string): string {
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // not JSON: a proxy's page
  }
  return text.trim().split('\n')[0]?.slice(0, 200) ?? '';
}
