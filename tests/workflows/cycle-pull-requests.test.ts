// Cycles of a repository in pr mode under the governor (time-skipping server, fake forge
// activities): while budget.maxOpenPullRequests of Kaizen's pull requests are open (or about to
// be), a cycle starts nothing new and says why; a pull request a person closes frees the budget
// and cools its file down, so the next cycle takes another file.
import { describe, expect, it } from 'vitest';
import { pullRequestWorkflowId } from '../../src/core/forge/follow.js';
import { governorWorkflowId } from '../../src/core/repository/key.js';
import { governorStateQuery } from '../../src/contracts/governor.js';
import { pullRequestChangedSignal } from '../../src/contracts/pull-request.js';
import { cycle } from '../../src/workflows/cycle.js';
import { continuousFakes, until } from '../helpers/continuous.js';
import { fakePullRequest } from '../helpers/fake-activities.js';
import { useTimeSkipping } from '../helpers/time-skipping.js';

const ts = useTimeSkipping();

describe('cycles in pr mode', () => {
  it('start nothing new while budget.maxOpenPullRequests are open; a close by a person frees a slot and cools that file down', async () => {
    const repo = '/repos/pr-budget';
    let opened = 0;
    const closed = new Set<number>();
    const fakes = continuousFakes(ts.plainClient, {
      config: { mode: 'pr', budget: { minIntervalMinutes: 0, maxOpenPullRequests: 1 }, forge: { pollInterval: '1d' } },
      files: ['src/a.js', 'src/b.js', 'src/c.js'],
      overrides: {
        openPullRequest: async () => {
          opened++;
          return { url: `https://github.com/acme/demo/pull/${opened}`, number: opened, reused: false };
        },
        pullRequestState: async (input) => fakePullRequest({ number: input.number, status: closed.has(input.number) ? 'closed' : 'open' }),
      },
    });
    const governor = () => ts.plainClient.workflow.getHandle(governorWorkflowId(repo)).query(governorStateQuery);
    await ts.withWorker(fakes.activities, async (taskQueue) => {
      const run = (n: number) => ts.plainClient.workflow.execute(cycle, { taskQueue, workflowId: `pr-cycle-${n}`, args: [{ repoPath: repo }] });

      // The first run will open a pull request: that is the limit, so the cycle stops there.
      const first = await run(1);
      expect(first.results.map((r) => [r.file, r.outcome])).toEqual([['src/a.js', 'proposed']]);
      expect(first.skipped.at(-1)?.reason).toMatch(/1 running pr-mode run will open more; budget\.maxOpenPullRequests is 1/);
      await until(governor, (v) => v.pullRequests.length === 1, 'the pull request registered with the governor');

      const second = await run(2);
      expect(second.results).toEqual([]);
      expect(second.skipped).toEqual([{ file: null, reason: expect.stringMatching(/1 of Kaizen's pull requests is open \(#1\); budget\.maxOpenPullRequests is 1; next slot when one is merged or closed/) }]);

      // A person closes #1; its follower sees it at once (a webhook's signal).
      closed.add(1);
      const follower = ts.plainClient.workflow.getHandle(pullRequestWorkflowId(repo, 1));
      await follower.signal(pullRequestChangedSignal);
      expect(await follower.result()).toMatchObject({ review: 'closed' });
      await until(governor, (v) => v.pullRequests.length === 0 && v.cooldowns.length === 1, 'the close recorded by the governor');

      const third = await run(3);
      expect(third.skipped[0]).toEqual({ file: 'src/a.js', reason: expect.stringContaining('a person closed pull request #1 on src/a.js') });
      expect(third.results.map((r) => [r.file, r.outcome])).toEqual([['src/b.js', 'proposed']]);
    });
  });
});
