// Failover of a run whose host is lost (src/workflows/improvement/failover.ts): a repository
// given by URL moves to another worker and redoes the steps of its lost worktree; a busy host
// (all its activity slots taken) is not lost; a repository given by a path waits for its host.
// A "host" here is a step worker on its host queue and a worker on its presence queue; a lost
// host is one nobody polls. (The time-skipping server stops its clock while an activity is in
// flight, so it cannot time a dead worker's step out: a kill in the middle of a step is the
// cluster test's, tests/cluster/failover.test.ts.)
import { Context } from '@temporalio/activity';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { kaizenActivityInterceptors } from '../../src/activities/failure-interceptor.js';
import type { KaizenActivities } from '../../src/activities/index.js';
import { progressQuery } from '../../src/contracts/improvement.js';
import { hostQueueFor, presenceQueueFor } from '../../src/contracts/task-queues.js';
import type { ImprovementResult } from '../../src/core/types.js';
import { improvement } from '../../src/workflows/improvement.js';
import { Config, type ConfigInput } from '../../src/core/config/config.js';
import { fakeActivities, fakeAnalysis, fakeWorkspace, FAKE_REPO, type Fakes } from '../helpers/fake-activities.js';
import { useTimeSkipping } from '../helpers/time-skipping.js';

const ts = useTimeSkipping();
const REMOTE = 'file:///srv/git/acme/demo.git';
/** Short, so a lost host is noticed within seconds of real time where an activity holds the clock. */
const CONFIG: ConfigInput = { heartbeatTimeout: '2s' };
/** What locateRepo reads of it, so prepare already waits only that long. */
const HEARTBEAT_MS = 2000;
let seq = 0;

/** How a test host behaves. */
interface HostShape {
  /** Activity slots of its step worker (default: the SDK's). */
  slots?: number;
}

/**
 * The test's shared queue (workflows, locate) and its hosts, each a step worker on its host
 * queue and a presence worker on its presence queue, as `kaizen worker` runs them.
 */
async function withHosts<T>(fakes: Fakes, hosts: Record<string, HostShape>, fn: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = `failover-${process.pid}-${++seq}`;
  const common = {
    connection: ts.env.nativeConnection,
    maxHeartbeatThrottleInterval: 100,
    defaultHeartbeatThrottleInterval: 100,
    shutdownGraceTime: '1s',
  };
  const interceptors = { activity: kaizenActivityInterceptors };
  const workers = [await Worker.create({ ...common, interceptors, taskQueue, workflowBundle: ts.bundle, activities: fakes.activities })];
  for (const [name, shape] of Object.entries(hosts)) {
    const queue = hostQueueFor(taskQueue, name);
    const slots = shape.slots ? { maxConcurrentActivityTaskExecutions: shape.slots } : {};
    workers.push(await Worker.create({ ...common, ...slots, interceptors, taskQueue: queue, activities: fakes.activities }));
    workers.push(await Worker.create({ ...common, taskQueue: presenceQueueFor(queue), activities: { hostAlive: fakes.activities.hostAlive } }));
  }
  const running = workers.map((w) => w.run());
  try {
    return await fn(taskQueue);
  } finally {
    for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
    await Promise.allSettled(running);
  }
}

/** locateRepo answers the named hosts in turn (the last one again after that), as the shared queue's workers would. */
function locatedOn(taskQueueOf: () => string, order: string[]): KaizenActivities['locateRepo'] {
  let call = 0;
  return async (input) => {
    const host = order[Math.min(call++, order.length - 1)] as string;
    return { repoRoot: input.repoPath, hostQueue: hostQueueFor(taskQueueOf(), host), heartbeatTimeoutMs: HEARTBEAT_MS };
  };
}

/** The shared queue a fake runs on, from its host or presence queue's name. */
function sharedQueue(): string {
  return Context.current().info.taskQueue.replace(/@.*$/, '');
}

/** prepareWorkspace of a repository given by URL: a worktree of the host's mirror. */
function preparedFromMirror(config: ConfigInput = CONFIG): KaizenActivities['prepareWorkspace'] {
  return async (input) => ({ workspace: { ...fakeWorkspace(input.runId, '/mirror/acme/demo.git'), remoteUrl: input.repoRoot }, config: Config.parse(config) });
}

describe('a run whose host is lost', () => {
  it('that is only busy (every activity slot taken by a long step) keeps the run: the probe answers', async () => {
    const fakes = fakeActivities({
      config: CONFIG,
      overrides: {
        locateRepo: locatedOn(sharedQueue, ['host-a', 'host-b']),
        prepareWorkspace: preparedFromMirror(),
        // Holds host-a's one slot three heartbeat timeouts long, heartbeating: knownTestRun waits meanwhile.
        async analyse() {
          const ctx = Context.current();
          for (let i = 0; i < 60; i++) {
            ctx.heartbeat();
            await new Promise((r) => setTimeout(r, 100));
          }
          return fakeAnalysis();
        },
      },
    });

    const result = await withHosts(
      fakes,
      { 'host-a': { slots: 1 }, 'host-b': {} },
      async (taskQueue) => {
        const handle = await ts.env.client.workflow.start(improvement, { taskQueue, workflowId: `failover-busy-${seq}`, args: [{ repoPath: REMOTE, mode: 'merge' }] });
        return { done: (await handle.result()) as ImprovementResult, progress: await handle.query(progressQuery), history: await handle.fetchHistory() };
      },
    );

    expect(result.done.outcome, result.done.reason).toBe('applied');
    expect(fakes.log.count('locateRepo')).toBe(1);
    expect(new Set(fakes.log.calls.filter((c) => c.name !== 'locateRepo' && c.name !== 'hostAlive' && c.taskQueue.includes('@')).map((c) => c.taskQueue.replace(/^.*@/, '')))).toEqual(new Set(['host-a']));
    expect(result.progress.updates.map((u) => u.message).join('\n')).toMatch(/knownTestRun waited 2s on .*@host-a, which answers: busy, not lost/);
    expect(fakes.log.count('hostAlive')).toBeGreaterThan(0);
    // locateRepo may clone a big mirror the first time: a long limit, a dead worker still noticed on heartbeat.
    const locate = (result.history.events ?? []).find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'locateRepo')?.activityTaskScheduledEventAttributes;
    expect(Number(locate?.startToCloseTimeout?.seconds)).toBe(30 * 60);
    expect(Number(locate?.heartbeatTimeout?.seconds)).toBe(30);
  });

  it('given by URL, moves to another worker and lands from there; given by a path, waits for its host', async () => {
    const first = new Set<string>();
    const fakes = fakeActivities({
      config: CONFIG,
      overrides: {
        // Each repository's first locate answers from host-gone (nobody polls it), any later one from host-b.
        async locateRepo(input) {
          const host = first.has(input.repoPath) ? 'host-b' : 'host-gone';
          first.add(input.repoPath);
          return { repoRoot: input.repoPath, hostQueue: hostQueueFor(sharedQueue(), host), heartbeatTimeoutMs: HEARTBEAT_MS };
        },
        async prepareWorkspace(input) {
          return input.repoRoot === REMOTE ? preparedFromMirror()(input) : { workspace: fakeWorkspace(input.runId, input.repoRoot), config: Config.parse(CONFIG) };
        },
      },
    });

    const view = await withHosts(fakes, { 'host-b': {} }, async (taskQueue) => {
      const path = await ts.env.client.workflow.start(improvement, { taskQueue, workflowId: `failover-path-${seq}`, args: [{ repoPath: FAKE_REPO, mode: 'merge' }] });
      const url = await ts.env.client.workflow.start(improvement, { taskQueue, workflowId: `failover-url-beside-${seq}`, args: [{ repoPath: REMOTE, mode: 'merge' }] });
      const moved = (await url.result()) as ImprovementResult;
      const movedNotes = (await url.query(progressQuery)).updates.map((u) => u.message).join('\n');
      const described = await path.describe();
      const history = await path.fetchHistory();
      await path.terminate('test over');
      return { moved, movedNotes, described, history };
    });

    // The URL's run: host-gone took nothing and did not answer its presence queue, so it was
    // located again (host-b), prepared there under a fresh run id, and landed from there.
    expect(view.moved.outcome, view.moved.reason).toBe('applied');
    expect(view.movedNotes).toMatch(/host lost: .*@host-gone took no step of prepareWorkspace and did not answer its presence queue; moving the run to another worker/);
    const urlCalls = (name: string) => fakes.log.calls.filter((c) => c.name === name && (c.name !== 'prepareWorkspace' || (c.input as { repoRoot: string }).repoRoot === REMOTE)).map((c) => c.taskQueue.replace(/^.*@/, ''));
    expect(urlCalls('prepareWorkspace')).toEqual(['host-b']);
    expect(fakes.log.inputsOf('prepareWorkspace')[0]?.runId).toBe(view.moved.runId);
    expect(urlCalls('integrate')).toEqual(['host-b']);
    expect(urlCalls('recordOutcome')).toEqual(['host-b']);
    expect(fakes.log.inputsOf('locateRepo').filter((i) => i.repoPath === REMOTE)).toHaveLength(2);
    // The path's run still waits for host-gone: located once, prepare scheduled there, no probe.
    expect(view.described.status.name).toBe('RUNNING');
    expect(fakes.log.inputsOf('locateRepo').filter((i) => i.repoPath === FAKE_REPO)).toHaveLength(1);
    expect(fakes.log.inputsOf('prepareWorkspace').filter((i) => i.repoRoot === FAKE_REPO)).toHaveLength(0);
    const scheduled = (view.history.events ?? []).flatMap((e) => {
      const a = e.activityTaskScheduledEventAttributes;
      return a ? [`${a.activityType?.name ?? '?'} on ${a.taskQueue?.name ?? '?'}`] : [];
    });
    expect(scheduled).toEqual([expect.stringMatching(/^locateRepo on failover-[\d-]+$/), expect.stringMatching(/^prepareWorkspace on .*@host-gone$/)]);
  });
});
