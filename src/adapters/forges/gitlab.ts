// The Forge port on GitLab (gitlab.com and self-managed), through @gitbeaker/rest. A pull
// request is a merge request, its number the project-scoped `iid`; checks are the commit
// statuses of the head and the merge request's latest pipeline.
import { Gitlab } from '@gitbeaker/rest';
import type { Forge, ForgeAccess, ForgeCredentials, ForgeTarget, MergeAnswer, MergeOptions, NewPullRequest, PullRequestInfo } from '../../contracts/ports.js';
import { foldChecks } from '../../core/forge/types.js';
import { callForge, isStatus } from './common.js';

interface MergeRequestFields {
  iid: number;
  web_url: string;
  state: string;
  title: string;
  draft?: boolean;
  source_branch: string;
  target_branch: string;
  sha: string;
  labels?: (string | { name: string })[];
  detailed_merge_status?: string;
  has_conflicts?: boolean;
}

const DEVELOPER = 30;
const MAINTAINER = 40;
const GITLAB_ROLES: Record<number, string> = { 0: 'No access', 5: 'Minimal access', 10: 'Guest', 15: 'Planner', 20: 'Reporter', 30: 'Developer', 40: 'Maintainer', 50: 'Owner' };

const NOT_YET_KNOWN = ['checking', 'unchecked', 'preparing', 'approvals_syncing'];
const CONFLICTING = ['conflict', 'need_rebase'];

export function connectGitLab(target: ForgeTarget, credentials: ForgeCredentials): Forge {
  // gitbeaker appends /api/v4 itself.
  const api = new Gitlab({ host: target.apiUrl.replace(/\/api\/v4\/?$/, ''), token: credentials.token });
  const project = target.repo;
  const call = <T>(operation: string, body: () => Promise<T>) => callForge('gitlab', operation, credentials.variable, body);

  async function get(iid: number): Promise<PullRequestInfo> {
    const mr = (await call(`read merge request !${iid}`, () => api.MergeRequests.show(project, iid))) as unknown as MergeRequestFields;
    const [statuses, pipelines] = await Promise.all([
      call('read commit statuses', () => api.Commits.allStatuses(project, mr.sha)) as Promise<unknown> as Promise<{ name: string; status: string }[]>,
      call('read pipelines', () => api.MergeRequests.allPipelines(project, iid)) as Promise<unknown> as Promise<{ id: number; sha: string; status: string }[]>,
    ]);
    const latest = pipelines.filter((p) => p.sha === mr.sha).sort((a, b) => b.id - a.id)[0];
    // Every pipeline job is also a commit status; the pipeline alone counts only when there are none.
    const results = statuses.length
      ? statuses.map((s) => ({ name: s.name, state: stateOf(s.status) }))
      : latest
        ? [{ name: `pipeline ${latest.id}`, state: stateOf(latest.status) }]
        : [];
    const merge = mr.detailed_merge_status ?? '';
    return {
      number: mr.iid,
      url: mr.web_url,
      status: mr.state === 'merged' ? 'merged' : mr.state === 'opened' ? 'open' : 'closed',
      title: mr.title,
      draft: mr.draft ?? false,
      headBranch: mr.source_branch,
      headSha: mr.sha,
      baseBranch: mr.target_branch,
      labels: (mr.labels ?? []).map((l) => (typeof l === 'string' ? l : l.name)),
      mergeable: mr.has_conflicts || CONFLICTING.includes(merge) ? false : NOT_YET_KNOWN.includes(merge) ? null : true,
      ...foldChecks(results),
    };
  }

  async function find(branch: string): Promise<PullRequestInfo | null> {
    const open = (await call(`list the merge requests of ${branch}`, () => api.MergeRequests.all({ projectId: project, sourceBranch: branch, state: 'opened' }))) as unknown as MergeRequestFields[];
    const mr = open.find((m) => m.source_branch === branch);
    return mr ? get(mr.iid) : null;
  }

  return {
    target,
    findOpenPullRequest: find,
    pullRequest: get,

    async access(): Promise<ForgeAccess> {
      const shown = (await call('read the project', () => api.Projects.show(project))) as unknown as { permissions?: { project_access?: { access_level?: number } | null; group_access?: { access_level?: number } | null } };
      const level = Math.max(shown.permissions?.project_access?.access_level ?? 0, shown.permissions?.group_access?.access_level ?? 0);
      // Developers push unprotected branches and open merge requests; a protected target's
      // "allowed to merge" decides for them, Maintainers may by default.
      return { role: `${GITLAB_ROLES[level] ?? 'level'} (${level})`, push: level >= DEVELOPER, openPullRequests: level >= DEVELOPER, merge: level >= MAINTAINER ? true : level >= DEVELOPER ? null : false };
    },

    async openPullRequest(request: NewPullRequest): Promise<PullRequestInfo> {
      try {
        const created = (await call(`open a merge request from ${request.head}`, () =>
          api.MergeRequests.create(project, request.head, request.base, request.title, {
            description: request.body,
            ...(request.labels.length ? { labels: request.labels.join(',') } : {}),
          }),
        )) as unknown as MergeRequestFields;
        return get(created.iid);
      } catch (err) {
        // 409 "Another open merge request already exists for this source branch".
        const existing = isStatus(err, 409) ? await find(request.head) : null;
        if (!existing) throw err;
        if (request.labels.length) await call(`label merge request !${existing.number}`, () => api.MergeRequests.edit(project, existing.number, { addLabels: request.labels.join(',') }));
        return get(existing.number);
      }
    },

    async comment(iid: number, body: string): Promise<void> {
      await call(`comment on merge request !${iid}`, () => api.MergeRequestNotes.create(project, iid, body));
    },

    async close(iid: number): Promise<void> {
      await call(`close merge request !${iid}`, () => api.MergeRequests.edit(project, iid, { stateEvent: 'close' }));
    },

    async merge(iid: number, options: MergeOptions): Promise<MergeAnswer> {
      try {
        // merge and rebase follow the project's merge method; squash is per request.
        const merged = (await call(`merge merge request !${iid}`, () => api.MergeRequests.accept(project, iid, { sha: options.sha, squash: options.method === 'squash' }))) as unknown as {
          state: string;
          merge_commit_sha?: string | null;
          squash_commit_sha?: string | null;
          sha: string;
        };
        return { merged: true, sha: merged.merge_commit_sha ?? merged.squash_commit_sha ?? merged.sha };
      } catch (err) {
        // 405 closed, draft or pipeline must succeed; 406 conflicts or not rebased; 409 the head moved.
        if (isStatus(err, 405) || isStatus(err, 406) || isStatus(err, 409)) return { merged: false, reason: (err as Error).message };
        throw err;
      }
    },
  };
}

function stateOf(status: string): 'success' | 'failure' | 'pending' | 'neutral' {
  if (status === 'success') return 'success';
  if (status === 'failed' || status === 'canceled') return 'failure';
  if (status === 'skipped' || status === 'manual') return 'neutral';
  return 'pending';
}
