// The `kaizen` command line as a user runs it: real processes against the real dev server
// and a worker, with the JSON a script would read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { ImprovementResult } from '../../src/core/types.js';
import type { Progress } from '../../src/core/improvement/progress.js';
import type { TempRepo } from '../helpers/git-repo.js';
import { freePort } from '../helpers/ports.js';
import { sampleRepoCopy, startKaizen, type E2eKaizen } from '../helpers/e2e.js';
import { runKaizen, type CliResult } from '../helpers/kaizen-process.js';


let kaizen: E2eKaizen;
const repos: TempRepo[] = [];

function kaizenCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return runKaizen(args, { ...process.env, TEMPORAL_ADDRESS: inject('temporalAddress'), KAIZEN_TASK_QUEUE: kaizen.taskQueue, ...env });
}

function sampleRepo(extraConfig: Record<string, unknown> = {}): TempRepo {
  const repo = sampleRepoCopy(extraConfig);
  repos.push(repo);
  return repo;
}

beforeAll(async () => {
  kaizen = await startKaizen('cli');
});

afterAll(async () => {
  await kaizen?.close();
  for (const repo of repos) repo.cleanup();
});

describe('kaizen improve, status and list', () => {
  it('improve --wait --json prints the outcome a script can use; status and list agree', async () => {
    const repo = sampleRepo();
    const improved = await kaizenCli(['improve', repo.path, '--mode', 'merge', '--wait', '--json']);
    expect(improved.code, improved.stderr).toBe(0);
    const result = JSON.parse(improved.stdout) as ImprovementResult & { link: string };
    expect(result).toMatchObject({ outcome: 'applied', strategy: 'autofix', mode: 'merge' });
    expect(result.workflowId).toMatch(/^improve-/);
    expect(result.commit).toBe(repo.head('main'));
    expect(result.link).toContain(`/workflows/${result.workflowId}`);

    const status = await kaizenCli(['status', result.workflowId, '--json']);
    const progress = JSON.parse(status.stdout) as Progress;
    expect(progress).toMatchObject({ step: 'done', percent: 100, result: { outcome: 'applied', commit: result.commit } });
    expect(progress.updates.map((u) => u.step)).toEqual(expect.arrayContaining(['prepare', 'analyse', 'test', 'generate', 'apply', 'verify', 'integrate']));

    // Visibility is eventually consistent: give the list a few tries.
    let listed: { workflowId: string; outcome: string | null; repo: string | null }[] = [];
    for (let i = 0; i < 20 && !listed.some((r) => r.workflowId === result.workflowId && r.outcome); i++) {
      listed = JSON.parse((await kaizenCli(['list', '--repo', repo.path, '--json'])).stdout) as typeof listed;
      if (!listed.some((r) => r.workflowId === result.workflowId && r.outcome)) await new Promise((r) => setTimeout(r, 500));
    }
    expect(listed.find((r) => r.workflowId === result.workflowId)).toMatchObject({ outcome: 'applied' });
  });

  it('pause holds a run at the next step boundary and resume lets it finish', async () => {
    // A test suite that takes a few seconds gives the pause time to arrive mid-step.
    const repo = sampleRepo();
    repo.write('test/slow.test.js', "import { test } from 'node:test';\ntest('slow', () => new Promise((r) => setTimeout(r, 4000)));\n");
    repo.commitAll('a slow test');
    const started = JSON.parse((await kaizenCli(['improve', repo.path, '--json'])).stdout) as { workflowId: string };
    const id = started.workflowId;
    expect((await kaizenCli(['pause', id])).stdout).toContain('pause sent');

    let progress: Progress | undefined;
    for (let i = 0; i < 60; i++) {
      progress = JSON.parse((await kaizenCli(['status', id, '--json'])).stdout) as Progress;
      if (progress.paused) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(progress?.paused).toBe(true);
    const heldAt = progress?.pausedAt;
    expect(heldAt).toBeDefined();
    // Still held a while later: nothing moves while paused.
    await new Promise((r) => setTimeout(r, 2000));
    const later = JSON.parse((await kaizenCli(['status', id, '--json'])).stdout) as Progress;
    expect(later).toMatchObject({ paused: true, pausedAt: heldAt });
    expect(later.result).toBeUndefined();

    expect((await kaizenCli(['resume', id])).code).toBe(0);
    const result = (await kaizen.client.workflow.getHandle(id).result()) as ImprovementResult;
    expect(result.outcome).toBe('proposed');
    expect(result.branch).toMatch(/^kaizen\//);
  });

  it('cancel rolls a running improvement back', async () => {
    const repo = sampleRepo();
    repo.write('test/slow.test.js', "import { test } from 'node:test';\ntest('slow', () => new Promise((r) => setTimeout(r, 20000)));\n");
    repo.commitAll('a very slow test');
    const started = JSON.parse((await kaizenCli(['improve', repo.path, '--json'])).stdout) as { workflowId: string };
    // Wait until the tests of the change are running (autofix on a fresh tree has no baseline run), then cancel.
    for (let i = 0; i < 60; i++) {
      const p = JSON.parse((await kaizenCli(['status', started.workflowId, '--json'])).stdout) as Progress;
      if (p.step === 'verify') break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect((await kaizenCli(['cancel', started.workflowId])).code).toBe(0);
    const status = await kaizenCli(['status', started.workflowId, '--json']);
    let progress = JSON.parse(status.stdout) as Progress;
    for (let i = 0; i < 60 && !progress.result; i++) {
      await new Promise((r) => setTimeout(r, 500));
      progress = JSON.parse((await kaizenCli(['status', started.workflowId, '--json'])).stdout) as Progress;
    }
    expect(progress.result).toMatchObject({ outcome: 'rolled_back' });
    expect(progress.result?.reason).toMatch(/cancelled/);
    expect(repo.git('for-each-ref', 'refs/heads/kaizen')).toBe('');
    expect(repo.git('worktree', 'list').split('\n')).toHaveLength(1);
  });
});

describe('errors a user can cause', () => {
  it('names a missing repository', async () => {
    const out = await kaizenCli(['improve', '/nonexistent/repo']);
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/does not exist/);
  });

  it('names an unreachable Temporal server and how to start one', async () => {
    const port = await freePort();
    const out = await kaizenCli(['list'], { TEMPORAL_ADDRESS: `127.0.0.1:${port}` });
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(new RegExp(`Cannot reach the Temporal server at 127.0.0.1:${port}`));
    expect(out.stderr).toMatch(/kaizen dev/);
  });

  it('names an unknown workflow id', async () => {
    const out = await kaizenCli(['status', 'no-such-run']);
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/No workflow with id 'no-such-run'/);
  });

  it('has --help on every command', async () => {
    for (const command of ['dev', 'server', 'worker', 'demo', 'improve', 'status', 'pause', 'resume', 'cancel', 'list']) {
      const out = await kaizenCli([command, '--help']);
      expect(out.code, command).toBe(0);
      expect(out.stdout, command).toMatch(/Usage: kaizen/);
    }
  });
});
