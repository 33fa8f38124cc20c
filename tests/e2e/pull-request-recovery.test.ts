// pr mode survives its worker: a `kaizen worker` SIGKILLed while it pushes kaizen/<id> (a hook on
// the fake GitHub's bare repository holds the first push) is replaced by another, which retries
// the push after the heartbeat timeout and finds no pull request to reuse, so it opens one; a
// worker SIGKILLed while the pull request is followed is replaced too, and the follower, whose
// state is in Temporal, merges it once its checks are green. Exactly one pull request, one
// follower, one ledger line of each kind. Real processes, real git over HTTP, real dev server.
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startImprovement } from '../../src/cli/improvement-client.js';
import { pullRequestWorkflowId } from '../../src/core/forge/follow.js';
import { pullRequestStateQuery } from '../../src/contracts/pull-request.js';
import type { ImprovementResult } from '../../src/core/types.js';
import { readLedgerLines } from '../helpers/e2e.js';
import { FaultKit, processRuns, waitUntil } from '../helpers/fault-kit.js';
import { credentialHelperAuth, git as clientGit } from '../helpers/git-client.js';
import { createRepo } from '../helpers/git-repo.js';
import type { FakeForge } from '../helpers/forges/fake-forge.js';
import { startFakeGitHub } from '../helpers/forges/github.js';
import { SAMPLE_REPO } from '../helpers/paths.js';

const TOKEN = 'github-token';
const kit = new FaultKit(inject('temporalAddress'));
let github: FakeForge;

beforeAll(async () => {
  github = await startFakeGitHub();
  kit.later(() => github.close());
});
afterAll(() => kit.cleanup());

describe('pr mode when its worker is killed', () => {
  it('killed in the push and again while following: one pull request, followed once, merged once', async () => {
    const name = 'acme/recover-1';
    github.createRepo(name);
    const repo = createRepo({}, { from: SAMPLE_REPO });
    kit.later(() => repo.cleanup());
    repo.write('kaizen.config.json', JSON.stringify({ recentChangeMinutes: 0, heartbeatTimeout: '10s', forge: { kind: 'github', pollInterval: '1s', autoMerge: true } }));
    repo.commitAll('the shop');
    repo.git('remote', 'add', 'origin', github.cloneUrl(name));
    await clientGit(repo.path, [...credentialHelperAuth('x-access-token', TOKEN), 'push', '-q', '--force', 'origin', 'main']);

    // The first push of a kaizen/* branch waits in the remote's update hook until it is killed.
    const scratch = mkdtempSync(join(tmpdir(), 'kaizen-pr-recovery-'));
    kit.later(() => rmSync(scratch, { recursive: true, force: true }));
    const hookPid = join(scratch, 'hook.pid');
    const hook = join(github.repos.path(name), 'hooks', 'update');
    writeFileSync(hook, `#!/bin/sh\ncase "$1" in refs/heads/kaizen/*) if [ ! -e '${hookPid}' ]; then echo $$ > '${hookPid}'; exec sleep 600; fi;; esac\nexit 0\n`);
    chmodSync(hook, 0o755);
    kit.later(() => {
      const pid = existsSync(hookPid) ? Number(readFileSync(hookPid, 'utf8')) : 0;
      if (pid && processRuns(pid)) process.kill(pid, 'SIGKILL');
    });

    const env = { GITHUB_TOKEN: TOKEN, GITHUB_API_URL: github.apiUrl };
    const taskQueue = `recovery-pr-${Date.now().toString(36)}`;
    const client = await kit.client();
    const first = await kit.worker(taskQueue, env);
    const handle = await startImprovement(client, { repoPath: repo.path, mode: 'pr' }, taskQueue);
    await waitUntil('the push to reach the remote', () => (existsSync(hookPid) ? true : undefined));
    const second = await kit.worker(taskQueue, env);
    const killedAt = Date.now();
    await first.kill();

    const result = (await handle.result()) as ImprovementResult;
    console.log(`recovery figure, pushBranch in pr mode: run finished ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill (heartbeatTimeout 10s)`);
    // The push was retried on the second worker, not merely finished by the first.
    const started = ((await handle.fetchHistory()).events ?? []).flatMap((e) => (e.activityTaskStartedEventAttributes ? [e.activityTaskStartedEventAttributes] : []));
    const scheduled = new Map(((await handle.fetchHistory()).events ?? []).flatMap((e) => (e.activityTaskScheduledEventAttributes ? [[String(e.eventId), e.activityTaskScheduledEventAttributes.activityType?.name]] : [])));
    expect(started.filter((a) => scheduled.get(String(a.scheduledEventId)) === 'pushBranch').map((a) => a.attempt)).toEqual([2]);
    expect(result, result.reason).toMatchObject({ outcome: 'proposed', pullRequest: { number: 1 } });
    expect(github.pulls.list(name)).toHaveLength(1);
    const branch = String(result.branch);
    expect(github.repos.branchSha(name, branch)).toBe(result.commit);
    // The dead worker's push never landed; the retry's did, once.
    expect(github.repos.pushes(name).filter((p) => p.updates.some((u) => u.ref === `refs/heads/${branch}`))).toHaveLength(1);

    // The follower has looked; its worker dies too, and a third one takes over the following.
    const repoRoot = String(readLedgerLines(repo.path)[0]?.repo);
    const follower = client.workflow.getHandle(pullRequestWorkflowId(repoRoot, 1));
    await expect.poll(async () => (await follower.query(pullRequestStateQuery).catch(() => null))?.checkedAt ?? null, { timeout: 60_000, interval: 500 }).not.toBeNull();
    await kit.worker(taskQueue, env);
    await second.kill();
    github.setChecks(name, 1, 'green');

    await expect.poll(async () => (await follower.describe()).status.name, { timeout: 120_000, interval: 500 }).toBe('COMPLETED');
    expect(github.pull(name, 1).state).toBe('merged');
    expect(github.pulls.list(name)).toHaveLength(1);
    const lines = readLedgerLines(repo.path);
    expect(lines.filter((l) => (l.kind ?? 'improvement') === 'improvement')).toHaveLength(1);
    expect(lines.filter((l) => l.kind === 'review')).toEqual([expect.objectContaining({ review: 'merged', commit: result.commit })]);
    expect(github.invalidRequests).toEqual([]);
  });
});
