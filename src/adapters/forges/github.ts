// The Forge port on GitHub and GitHub Enterprise Server, through @octokit/rest. Checks are
// read from both of GitHub's systems: check runs (Actions) and commit statuses.
import { Octokit } from '@octokit/rest';
import type { Forge, ForgeAccess, ForgeCredentials, ForgeTarget, MergeAnswer, MergeOptions, NewPullRequest, PullRequestInfo } from '../../contracts/ports.js';
import { foldChecks } from '../../core/forge/types.js';
import { callForge, isStatus, quietLog, splitRepo } from './common.js';

type GitHubPull = Awaited<ReturnType<Octokit['rest']['pulls']['get']>>['data'];

export function connectGitHub(target: ForgeTarget, credentials: ForgeCredentials): Forge {
  const octokit = new Octokit({ auth: credentials.token, baseUrl: target.apiUrl, log: quietLog, userAgent: 'kaizen' });
  const { owner, name: repo } = splitRepo(target.repo);
  const call = <T>(operation: string, body: () => Promise<T>) => callForge('github', operation, credentials.variable, body);

  async function info(pull: GitHubPull): Promise<PullRequestInfo> {
    const sha = pull.head.sha;
    const [runs, combined] = await Promise.all([
      // Fine-grained tokens cannot read check runs (403): commit statuses still count.
      call('read check runs', () => octokit.rest.checks.listForRef({ owner, repo, ref: sha, per_page: 100 })).catch((err: unknown) => {
        if (isStatus(err, 403)) return null;
        throw err;
      }),
      call('read commit statuses', () => octokit.rest.repos.getCombinedStatusForRef({ owner, repo, ref: sha, per_page: 100 })),
    ]);
    const results = [
      ...(runs?.data.check_runs ?? []).map((r) => ({ name: r.name, state: runState(r.status, r.conclusion) })),
      ...combined.data.statuses.map((s) => ({ name: s.context, state: s.state === 'success' ? ('success' as const) : s.state === 'pending' ? ('pending' as const) : ('failure' as const) })),
    ];
    return {
      number: pull.number,
      url: pull.html_url,
      status: pull.merged ? 'merged' : pull.state === 'open' ? 'open' : 'closed',
      title: pull.title,
      draft: pull.draft ?? false,
      headBranch: pull.head.ref,
      headSha: sha,
      baseBranch: pull.base.ref,
      labels: pull.labels.map((l) => l.name ?? '').filter(Boolean),
      mergeable: pull.mergeable ?? null,
      ...foldChecks(results),
    };
  }

  async function get(number: number): Promise<PullRequestInfo> {
    const { data } = await call(`read pull request #${number}`, () => octokit.rest.pulls.get({ owner, repo, pull_number: number }));
    return info(data);
  }

  async function find(branch: string): Promise<PullRequestInfo | null> {
    const { data } = await call(`list the pull requests of ${branch}`, () => octokit.rest.pulls.list({ owner, repo, state: 'open', head: `${owner}:${branch}`, per_page: 10 }));
    const pull = data.find((p) => p.head.ref === branch);
    return pull ? get(pull.number) : null;
  }

  return {
    target,
    findOpenPullRequest: find,
    pullRequest: get,

    async access(): Promise<ForgeAccess> {
      const { data } = await call('read the repository', () => octokit.rest.repos.get({ owner, repo }));
      const can = data.permissions;
      const role = can?.admin ? 'admin' : can?.maintain ? 'maintain' : can?.push ? 'write' : can?.triage ? 'triage' : can?.pull ? 'read' : 'none';
      // Kaizen opens pull requests from branches of the same repository, which takes push; rulesets may still ask for reviews or checks.
      const push = can?.push === true;
      return { role, push, openPullRequests: push, merge: push };
    },

    async openPullRequest(request: NewPullRequest): Promise<PullRequestInfo> {
      let number: number;
      try {
        const { data } = await call(`open a pull request from ${request.head}`, () =>
          octokit.rest.pulls.create({ owner, repo, head: request.head, base: request.base, title: request.title, body: request.body }),
        );
        number = data.number;
      } catch (err) {
        // "A pull request already exists for owner:branch": an earlier attempt opened it.
        const existing = isStatus(err, 422) ? await find(request.head) : null;
        if (!existing) throw err;
        number = existing.number;
      }
      if (request.labels.length) await call(`label pull request #${number}`, () => octokit.rest.issues.addLabels({ owner, repo, issue_number: number, labels: request.labels }));
      return get(number);
    },

    async comment(number: number, body: string): Promise<void> {
      await call(`comment on pull request #${number}`, () => octokit.rest.issues.createComment({ owner, repo, issue_number: number, body }));
    },

    async close(number: number): Promise<void> {
      await call(`close pull request #${number}`, () => octokit.rest.pulls.update({ owner, repo, pull_number: number, state: 'closed' }));
    },

    async merge(number: number, options: MergeOptions): Promise<MergeAnswer> {
      try {
        const { data } = await call(`merge pull request #${number}`, () => octokit.rest.pulls.merge({ owner, repo, pull_number: number, merge_method: options.method, sha: options.sha }));
        return data.merged ? { merged: true, sha: data.sha } : { merged: false, reason: data.message };
      } catch (err) {
        // 405: not mergeable or a rule (required checks); 409: the head is no longer `sha`.
        if (isStatus(err, 405) || isStatus(err, 409)) return { merged: false, reason: (err as Error).message };
        throw err;
      }
    },
  };
}

function runState(status: string, conclusion: string | null): 'success' | 'failure' | 'pending' | 'neutral' {
  if (status !== 'completed') return 'pending';
  if (conclusion === 'success') return 'success';
  if (conclusion === 'neutral' || conclusion === 'skipped') return 'neutral';
  return 'failure';
}
