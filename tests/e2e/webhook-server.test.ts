// `kaizen webhook-server` as a team runs it beside its workers: a real process, the e2e dev
// server and worker, a pull request pr mode opened on the fake GitHub and followed with a poll
// interval of an hour. A signed webhook makes the follow workflow look at once (here: merge on
// green checks); a delivery with a wrong signature wakes nothing.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { pullRequestWorkflowId } from '../../src/core/forge/follow.js';
import type { ImprovementResult } from '../../src/core/types.js';
import { pullRequestStateQuery } from '../../src/contracts/pull-request.js';
import { readLedgerLines, startKaizen, type E2eKaizen } from '../helpers/e2e.js';
import { credentialHelperAuth, git as clientGit } from '../helpers/git-client.js';
import { createRepo, type TempRepo } from '../helpers/git-repo.js';
import type { FakeForge } from '../helpers/forges/fake-forge.js';
import { startFakeGitHub } from '../helpers/forges/github.js';
import { runKaizen, SAMPLE_REPO, startKaizenProcess, type KaizenProcess } from '../helpers/kaizen-process.js';
import { freePort } from '../helpers/ports.js';

const TOKEN = 'github-token';
const SECRET = 'shared-webhook-secret';
let github: FakeForge;
let kaizen: E2eKaizen;
let receiver: KaizenProcess | undefined;
let receiverUrl: string;
let repo: TempRepo | undefined;

const env = () => ({ ...process.env, GITHUB_TOKEN: TOKEN, GITHUB_API_URL: github.apiUrl, TEMPORAL_ADDRESS: inject('temporalAddress'), KAIZEN_TASK_QUEUE: kaizen.taskQueue });

beforeAll(async () => {
  github = await startFakeGitHub();
  kaizen = await startKaizen('webhooks', { GITHUB_TOKEN: TOKEN, GITHUB_API_URL: github.apiUrl });
  const port = await freePort();
  receiver = startKaizenProcess(['webhook-server', '--port', String(port), '--host', '127.0.0.1'], { ...env(), KAIZEN_WEBHOOK_SECRET: SECRET });
  await receiver.waitFor('Webhook server on');
  receiverUrl = `http://127.0.0.1:${port}/`;
});

afterAll(async () => {
  await receiver?.stop();
  await kaizen?.close();
  await github?.close();
  repo?.cleanup();
});

function deliver(event: string, payload: unknown, secret = SECRET): Promise<Response> {
  const body = JSON.stringify(payload);
  const signature = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
  return fetch(receiverUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-github-event': event, 'x-hub-signature-256': signature, 'x-github-delivery': String(Date.now()) }, body });
}

describe('kaizen webhook-server', () => {
  it('wakes the workflow following the pull request a signed delivery names; a forged one wakes nothing', async () => {
    const name = 'acme/hooked';
    github.createRepo(name);
    repo = createRepo({}, { from: SAMPLE_REPO });
    repo.write('kaizen.config.json', JSON.stringify({ recentChangeMinutes: 0, forge: { kind: 'github', pollInterval: '1h', autoMerge: true } }));
    repo.commitAll('the shop');
    repo.git('remote', 'add', 'origin', github.cloneUrl(name));
    await clientGit(repo.path, [...credentialHelperAuth('x-access-token', TOKEN), 'push', '-q', '--force', 'origin', 'main']);
    const run = await runKaizen(['improve', repo.path, '--mode', 'pr', '--wait', '--json'], env());
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as ImprovementResult & { pullRequest: { number: number; url: string } };
    const number = result.pullRequest.number;
    const repoRoot = String(readLedgerLines(repo.path)[0]?.repo);
    const follower = kaizen.client.workflow.getHandle(pullRequestWorkflowId(repoRoot, number));
    // The first look found no checks yet; the next poll is an hour away.
    await expect.poll(async () => (await follower.query(pullRequestStateQuery).catch(() => null))?.checkedAt ?? null, { timeout: 60_000, interval: 500 }).not.toBeNull();
    github.setChecks(name, number, 'green');

    const pullRequestEvent = { action: 'synchronize', number, pull_request: { number, html_url: result.pullRequest.url }, repository: { full_name: name } };
    const forged = await deliver('pull_request', pullRequestEvent, 'not-the-secret');
    expect(forged.status).toBe(401);
    await new Promise((r) => setTimeout(r, 3000));
    expect(github.pull(name, number).state).toBe('open');

    const real = await deliver('check_suite', { action: 'completed', check_suite: { pull_requests: [{ number }] }, repository: { full_name: name } });
    expect(real.status).toBe(202);
    expect(((await real.json()) as { woken: string[] }).woken).toEqual([pullRequestWorkflowId(repoRoot, number)]);
    await expect.poll(() => github.pull(name, number).state, { timeout: 30_000, interval: 250 }).toBe('merged');
    await expect.poll(async () => (await follower.query(pullRequestStateQuery).catch(() => null))?.review ?? null, { timeout: 30_000, interval: 250 }).toBe('merged');
    expect(receiver?.output()).toContain(`github check_suite for ${name} (#${number}): woke ${pullRequestWorkflowId(repoRoot, number)}`);
    expect(receiver?.output()).toContain('refused a delivery');
  });

  it('refuses to start without a secret, saying where to set it', async () => {
    const run = await runKaizen(['webhook-server', '--port', '0'], { ...env(), KAIZEN_WEBHOOK_SECRET: '' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('needs KAIZEN_WEBHOOK_SECRET');
  });
});
