import { describe, expect, it } from 'vitest';
import type { ActivityDeps, NotificationEvent, Notifier } from '../../../src/contracts/ports.js';
import { createNotifyActivities } from '../../../src/activities/notify.js';
import { createLogNotifier } from '../../../src/adapters/notifiers/log.js';
import type { ImprovementResult } from '../../../src/core/types.js';
import { activityDeps } from '../../helpers/activity-deps.js';

const result: ImprovementResult = {
  workflowId: 'improvement-r1',
  runId: 'r1',
  repo: '/srv/demo',
  file: 'src/math.js',
  strategy: 'autofix',
  mode: 'branch',
  outcome: 'proposed',
  reason: 'fixed 2 findings\n(no-unused-vars)',
  commit: '0123456789abcdef0123456789abcdef01234567',
  branch: 'kaizen/r1',
  findingsFixed: 2,
  fixedRules: ['no-unused-vars'],
  linesAdded: 1,
  linesRemoved: 3,
  steps: [],
  startedAt: '2025-01-01T00:00:00.000Z',
  finishedAt: '2025-01-01T00:01:00.000Z',
};

function depsWith(notifiers: Notifier[]): ActivityDeps {
  return activityDeps({ notifiers, env: process.env });
}

function recording(id: string, received: NotificationEvent[]): Notifier {
  return { id, send: async (event) => void received.push(event) };
}

describe('notify', () => {
  it('delivers to every notifier even when one rejects and another throws synchronously', async () => {
    const received: NotificationEvent[] = [];
    const rejecting: Notifier = { id: 'webhook', send: () => Promise.reject(new Error('HTTP 500 from hooks.example')) };
    const throwing: Notifier = {
      id: 'email',
      send: () => {
        throw new Error('SMTP refused');
      },
    };
    const { notify } = createNotifyActivities(depsWith([rejecting, recording('first', received), throwing, recording('second', received)]));

    const outcome = await notify({ result, ledgerPath: '/srv/demo/.kaizen/ledger.jsonl' });

    expect(outcome.delivered).toEqual(['first', 'second']);
    expect(outcome.failed).toEqual([
      { id: 'webhook', error: 'HTTP 500 from hooks.example' },
      { id: 'email', error: 'SMTP refused' },
    ]);
    expect(received).toEqual([
      { kind: 'improvement', result, ledgerPath: '/srv/demo/.kaizen/ledger.jsonl' },
      { kind: 'improvement', result, ledgerPath: '/srv/demo/.kaizen/ledger.jsonl' },
    ]);
  });

  it('sends concurrently: a slow notifier does not hold back the others', async () => {
    const order: string[] = [];
    let releaseSlow = () => {};
    const slow: Notifier = {
      id: 'slow',
      send: () =>
        new Promise<void>((resolve) => {
          releaseSlow = () => {
            order.push('slow');
            resolve();
          };
        }),
    };
    const fast: Notifier = {
      id: 'fast',
      send: async () => {
        order.push('fast');
        releaseSlow();
      },
    };
    const { notify } = createNotifyActivities(depsWith([slow, fast]));
    expect(await notify({ result, ledgerPath: null })).toEqual({ delivered: ['slow', 'fast'], failed: [] });
    expect(order).toEqual(['fast', 'slow']);
  });

  it('with no notifiers delivers nothing and does not fail', async () => {
    const { notify } = createNotifyActivities(depsWith([]));
    expect(await notify({ result, ledgerPath: null })).toEqual({ delivered: [], failed: [] });
  });
});

describe('log notifier', () => {
  it('writes one line with outcome, file, reason and branch for a proposal', async () => {
    const lines: string[] = [];
    const notifier = createLogNotifier((line) => lines.push(line));
    expect(notifier.id).toBe('log');
    await notifier.send({ kind: 'improvement', result, ledgerPath: null });
    expect(lines).toEqual([
      'kaizen: proposed src/math.js in /srv/demo: fixed 2 findings (no-unused-vars) (branch kaizen/r1, commit 0123456789ab)',
    ]);
  });

  it('names the commit of an applied change and copes with no file and no commit', async () => {
    const lines: string[] = [];
    const notifier = createLogNotifier((line) => lines.push(line));
    await notifier.send({ kind: 'improvement', result: { ...result, outcome: 'applied', reason: 'landed' }, ledgerPath: null });
    const { commit: _commit, branch: _branch, ...bare } = result;
    await notifier.send({
      kind: 'improvement',
      result: { ...bare, outcome: 'skipped', file: null, reason: 'baseline red' },
      ledgerPath: null,
    });
    expect(lines).toEqual([
      'kaizen: applied src/math.js in /srv/demo: landed (commit 0123456789ab)',
      'kaizen: skipped (no file) in /srv/demo: baseline red',
    ]);
  });
});
