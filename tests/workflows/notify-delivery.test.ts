// Channels on Temporal's time-skipping server: the improvement workflow with the real
// delivery and ledger activities against real HTTP and SMTP servers. A channel that fails
// twice is retried and delivered; one that never answers is retried, then recorded as
// undelivered; the outcome never changes and no secret reaches the ledger or the history.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, DefaultLogger, Worker } from '@temporalio/worker';
import { afterEach, describe, expect, it } from 'vitest';
import { kaizenActivityInterceptors } from '../../src/activities/failure-interceptor.js';
import { createLedgerActivities } from '../../src/activities/ledger.js';
import { createNotifyActivities } from '../../src/activities/notify.js';
import type { ConfigInput } from '../../src/core/config/config.js';
import { Config } from '../../src/core/config/config.js';
import { parseLedger } from '../../src/core/ledger/ledger.js';
import { progressQuery } from '../../src/contracts/improvement.js';
import { improvement } from '../../src/workflows/improvement.js';
import { fakeActivities } from '../helpers/fake-activities.js';
import { sampleSummary } from '../helpers/notify-fixtures.js';
import { startHttpReceiver, startSmtpReceiver, type Answer, type HttpReceiver } from '../helpers/notify-servers.js';
import { useTimeSkipping } from '../helpers/time-skipping.js';
import { createRepo } from '../helpers/git-repo.js';
import { fakeDeps } from '../integration/workspace/fixtures.js';
import type { notifyProbe } from './fixtures/notify-workflows.js';

const TOKEN = 'XOXB-T0KEN-5f4e3d2c1b';
const SECRET = 'whsec-9a8b7c6d5e';
const PASSWORD = 'smtp-pa55-1a2b3c';

const ts = useTimeSkipping();
let seq = 0;
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function http(answer: (n: number) => Answer): Promise<HttpReceiver> {
  const server = await startHttpReceiver(answer);
  cleanups.push(() => server.close());
  return server;
}

/** A git repository with a commit: the ledger is written only into one. */
function tempRepo(): string {
  const repo = createRepo();
  cleanups.push(() => repo.cleanup());
  return repo.path;
}

/** Fake saga steps, real delivery and ledger activities reading secrets from `env`. */
function activitiesWith(config: ConfigInput, env: NodeJS.ProcessEnv) {
  const deps = fakeDeps({ KAIZEN_UI_URL: 'http://ui.test', ...env });
  const notify = createNotifyActivities(deps);
  const ledger = createLedgerActivities(deps);
  return fakeActivities({
    config,
    overrides: { deliverNotification: notify.deliverNotification, recordOutcome: ledger.recordOutcome, recordUndelivered: ledger.recordUndelivered },
  });
}

async function runImprovement(config: ConfigInput, env: NodeJS.ProcessEnv, repo: string) {
  const { activities, log } = activitiesWith(config, env);
  const workflowId = `improvement-notify-${++seq}`;
  const started = Date.now();
  const out = await ts.withWorker(activities, async (taskQueue) => {
    const handle = await ts.env.client.workflow.start(improvement, { taskQueue, workflowId, args: [{ repoPath: repo }] });
    const result = await handle.result();
    const progress = await handle.query(progressQuery);
    const history = readableHistory(await handle.fetchHistory());
    return { result, progress, history };
  });
  return { ...out, log, workflowId, realMs: Date.now() - started };
}

/** The history as JSON with every payload's data decoded, so a search sees what it carries. */
function readableHistory(history: unknown): string {
  const json = JSON.stringify(history);
  const decoded = [...json.matchAll(/"data":"([A-Za-z0-9+/=]+)"/g)].map((m) => Buffer.from(m[1]!, 'base64').toString('utf8'));
  return [json, ...decoded].join('\n');
}

describe('delivery from the improvement workflow', () => {
  it('retries a channel that answers 500 twice, without re-sending the others, and skips digest channels', async () => {
    const flaky = await http((n) => (n <= 2 ? { status: 500, body: 'upstream broke' } : { status: 200, body: 'ok' }));
    const generic = await http(() => ({ status: 204 }));
    const digest = await http(() => ({ status: 200 }));
    const repo = tempRepo();
    const { result, log, progress, history } = await runImprovement(
      {
        notifications: {
          channels: [
            { id: 'team', type: 'slack' },
            { id: 'hook', type: 'webhook' },
            { id: 'daily', type: 'discord', digest: true },
          ],
        },
      },
      { KAIZEN_SLACK_WEBHOOK_URL: `${flaky.url}/services/${TOKEN}`, KAIZEN_WEBHOOK_URL: generic.url, KAIZEN_WEBHOOK_SECRET: SECRET, KAIZEN_DISCORD_WEBHOOK_URL: digest.url },
      repo,
    );

    expect(result.outcome).toBe('applied');
    expect(flaky.requests).toHaveLength(3);
    expect(new Set(flaky.requests.map((r) => r.body)).size).toBe(1);
    expect(generic.requests).toHaveLength(1);
    expect(digest.requests).toHaveLength(0);
    expect(log.count('deliverNotification')).toBe(4);
    expect(log.inputsOf('deliverNotification').map((i) => i.channel.id).sort()).toEqual(['hook', 'team', 'team', 'team']);
    const ledger = parseLedger(readFileSync(join(repo, '.kaizen', 'ledger.jsonl'), 'utf8'));
    expect(ledger.entries.map((e) => e.outcome)).toEqual(['applied']);
    expect(ledger.undelivered).toEqual([]);
    expect(progress.updates.map((u) => u.message).join('\n')).not.toContain('not delivered');
    // Retried attempts leave no event (only the last one does); the inputs are there.
    expect(history).toContain('"deliveryId":"improvement-notify-');
    expect(history).not.toContain(TOKEN);
    expect(history).not.toContain(SECRET);
  });

  it('records a channel that never answers as undelivered after its retries; the outcome stands; no secret leaks', async () => {
    const silent = await http(() => 'hang');
    const smtp = await startSmtpReceiver({ auth: { user: 'kaizen', pass: PASSWORD } });
    cleanups.push(() => smtp.close());
    const repo = tempRepo();
    const { result, progress, history, workflowId } = await runImprovement(
      {
        notifications: {
          channels: [
            { id: 'team', type: 'slack', timeout: '1s' },
            { id: 'mail', type: 'email', to: ['dev@example.com'] },
          ],
          retry: { maximumAttempts: 3, initialInterval: '2s' },
        },
      },
      { KAIZEN_SLACK_WEBHOOK_URL: `${silent.url}/services/${TOKEN}`, SMTP_URL: `smtp://kaizen:${PASSWORD}@127.0.0.1:${smtp.port}` },
      repo,
    );

    expect(result.outcome).toBe('applied');
    expect(silent.requests).toHaveLength(3);
    expect(smtp.messages).toHaveLength(1);
    const text = readFileSync(join(repo, '.kaizen', 'ledger.jsonl'), 'utf8');
    const ledger = parseLedger(text);
    expect(ledger.badLines).toEqual([]);
    expect(ledger.entries.map((e) => e.outcome)).toEqual(['applied']);
    expect(ledger.undelivered).toEqual([
      expect.objectContaining({ kind: 'undelivered', workflowId, channel: 'team', channelType: 'slack', event: 'applied', deliveryId: `${workflowId}:team:applied` }),
    ]);
    expect(ledger.undelivered[0]?.error).toMatch(/no answer within 900 ms|timed out/);
    expect(ledger.undelivered[0]?.error).toContain('after 3 attempts');
    expect(progress.updates.map((u) => u.message).join('\n')).toContain('notification to team not delivered');

    for (const secret of [TOKEN, SECRET, PASSWORD]) {
      expect(text).not.toContain(secret);
      expect(history).not.toContain(secret);
    }
    // Not a vacuous search: the decoded history holds the delivery inputs and the failures.
    expect(history).toContain('"deliveryId":"improvement-notify-');
    expect(history).toContain('no answer within 900 ms');
  });

  it('records a misconfigured channel at once (not retried), naming the variable to set', async () => {
    const repo = tempRepo();
    const { result, log } = await runImprovement({ notifications: { channels: [{ id: 'hook', type: 'webhook' }] } }, {}, repo);
    expect(result.outcome).toBe('applied');
    expect(log.count('deliverNotification')).toBe(1);
    const [entry] = parseLedger(readFileSync(join(repo, '.kaizen', 'ledger.jsonl'), 'utf8')).undelivered;
    expect(entry?.error).toContain('Set KAIZEN_WEBHOOK_URL');
    expect(entry?.error).not.toContain('attempts');
  });
});

describe('the helpers for the cycle and governor workflows', () => {
  it('notifyCycleDigest sends digest channels their outcomes; notifyPaused reaches channels that listed paused', async () => {
    const server = await http(() => ({ status: 200 }));
    const repo = tempRepo();
    const config = Config.parse({
      notifications: {
        channels: [
          { id: 'daily', type: 'slack', digest: true, events: ['applied', 'rolled_back'] },
          { id: 'hook', type: 'webhook', events: ['paused'] },
        ],
      },
    });
    const { activities, log } = activitiesWith({}, { KAIZEN_SLACK_WEBHOOK_URL: `${server.url}/slack`, KAIZEN_WEBHOOK_URL: `${server.url}/hook`, KAIZEN_WEBHOOK_SECRET: SECRET });
    const bundle = await bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL('./fixtures/notify-workflows.ts', import.meta.url)), logger: new DefaultLogger('WARN') });
    const taskQueue = `notify-probe-${process.pid}`;
    const worker = await Worker.create({ connection: ts.env.nativeConnection, taskQueue, workflowBundle: bundle, activities, interceptors: { activity: kaizenActivityInterceptors } });
    const reports = await worker.runUntil(
      ts.env.client.workflow.execute<typeof notifyProbe>('notifyProbe', {
        taskQueue,
        workflowId: `cycle-probe-${++seq}`,
        args: [{ repo, summary: sampleSummary(), config: { notifications: config.notifications }, taskQueue }],
      }),
    );

    expect(reports).toEqual([
      { delivered: ['daily'], undelivered: [] },
      { delivered: ['hook'], undelivered: [] },
    ]);
    expect(server.requests.map((r) => r.path)).toEqual(['/slack', '/hook']);
    const digest = server.requests[0]!.body;
    expect(digest).toContain('improvement-a');
    expect(digest).toContain('improvement-b');
    expect(digest).not.toContain('improvement-c');
    expect(JSON.parse(server.requests[1]!.body)).toMatchObject({ event: 'paused', pause: { by: 'alice', reason: 'release freeze' } });
    expect(log.inputsOf('deliverNotification').map((i) => i.deliveryId)).toEqual([expect.stringMatching(/^cycle-probe-\d+:daily:cycle_summary$/), expect.stringMatching(/^cycle-probe-\d+:hook:paused$/)]);
  });
});
