// `kaizen doctor` against reality: the e2e dev server, a real worker polling, real repos,
// the scripted OpenAI-compatible server and a real SMTP server; and what it says when a
// worker, the namespace, the server or the LLM key is wrong.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { resolveTemporalTarget } from '../../src/adapters/temporal/connection.js';
import { runDoctor, type DoctorOptions } from '../../src/cli/doctor/command.js';
import type { DoctorCheck } from '../../src/cli/doctor/report.js';
import { createRepo, GIT_ENV, type TempRepo } from '../helpers/git-repo.js';
import { startKaizen, type E2eKaizen } from '../helpers/e2e.js';
import { KAIZEN_ROOT, runKaizen } from '../helpers/kaizen-process.js';
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/notify-servers.js';
import { freePort } from '../helpers/ports.js';
import { startScriptedOpenAi, type ScriptedOpenAi } from '../helpers/scripted-openai.js';

const ORDER = ['temporal', 'namespace', 'search-attributes', 'worker', 'git', 'repo', 'config', 'target-branch', 'checkout', 'test-command', 'remote', 'forge', 'flaky-tests', 'llm', 'smtp'];
/** The environment without any LLM or SMTP settings the machine running the tests may have. */
const BASE_ENV: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(GIT_ENV).filter(([k]) => !/^(OPENAI_|SMTP_|KAIZEN_|TEMPORAL_)/.test(k)));

let kaizen: E2eKaizen;
let llm: ScriptedOpenAi;
let smtp: SmtpReceiver;
let repo: TempRepo;

beforeAll(async () => {
  kaizen = await startKaizen('doctor');
  llm = await startScriptedOpenAi();
  smtp = await startSmtpReceiver();
  repo = createRepo({}, { from: join(KAIZEN_ROOT, 'examples', 'sample-repo') });
});

afterAll(async () => {
  await kaizen?.close();
  await llm?.close();
  await smtp?.close();
  repo?.cleanup();
});

function options(overrides: Partial<DoctorOptions> = {}): DoctorOptions {
  return {
    target: resolveTemporalTarget({}, { address: inject('temporalAddress'), namespace: 'default' }),
    taskQueue: kaizen.taskQueue,
    repo: repo.path,
    cwd: KAIZEN_ROOT,
    env: BASE_ENV,
    ...overrides,
  };
}

const byName = (checks: DoctorCheck[]) => Object.fromEntries(checks.map((c) => [c.name, c]));

describe('kaizen doctor', () => {
  it('is all green for a clean repository with a worker polling, the LLM endpoint and SMTP up (a real process, --json)', async () => {
    const env = {
      ...BASE_ENV,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      KAIZEN_TASK_QUEUE: kaizen.taskQueue,
      OPENAI_BASE_URL: llm.baseUrl,
      KAIZEN_MODEL: 'scripted-model',
      SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
    };
    const run = await runKaizen(['doctor', repo.path, '--json'], env);
    const checks = JSON.parse(run.stdout) as DoctorCheck[];
    expect(checks.map((c) => c.name)).toEqual(ORDER);
    // A checkout without a remote, improved in place: the delivery checks have nothing to check.
    expect(checks.filter((c) => !c.ok || c.warning || c.skipped).map((c) => [c.name, c.skipped]), JSON.stringify(checks, null, 2)).toEqual([
      ['remote', true],
      ['forge', true],
    ]);
    expect(byName(checks).remote?.detail).toContain('only modes push and pr need one');
    expect(run.code, run.stderr).toBe(0);
    expect(byName(checks).worker?.detail).toContain(`polling '${kaizen.taskQueue}'`);
    expect(byName(checks).worker?.detail).toContain(`polling this host's '${kaizen.worker.hostQueue}'`);
  });

  it('fails the worker check, with the fix, when nobody polls the task queue (human output, exit 1)', async () => {
    const queue = `nobody-polls-${Date.now().toString(36)}`;
    const run = await runKaizen(['doctor', repo.path], { ...BASE_ENV, TEMPORAL_ADDRESS: inject('temporalAddress'), KAIZEN_TASK_QUEUE: queue });
    expect(run.code).toBe(1);
    const lines = run.stdout.split('\n');
    expect(lines).toContain(`✘ worker: no worker polls the task queue '${queue}' in 'default' — fix: Start one: \`kaizen worker\` (or \`kaizen dev\`) with the same TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE and KAIZEN_TASK_QUEUE=${queue}.`);
    expect(lines.filter((l) => l.startsWith('✘'))).toHaveLength(1);
    expect(lines).toContain('- llm: skipped (OPENAI_API_KEY and OPENAI_BASE_URL are not set; only the llm strategy needs them, autofix works without)');
  });

  it('an address nothing listens on fails the Temporal check fast and skips what depends on it', async () => {
    const address = `127.0.0.1:${await freePort()}`;
    const started = Date.now();
    const checks = await runDoctor(options({ target: resolveTemporalTarget({}, { address, namespace: 'default' }) }));
    expect(Date.now() - started).toBeLessThan(5000);
    const c = byName(checks);
    expect(c.temporal).toMatchObject({ ok: false, detail: expect.stringContaining(`Cannot reach the Temporal server at ${address}`), fix: expect.stringContaining("'kaizen dev'") });
    for (const name of ['namespace', 'search-attributes', 'worker']) expect(c[name]).toMatchObject({ ok: true, skipped: true, detail: 'Temporal is not reachable' });
    // The local checks still run.
    expect(c.repo).toMatchObject({ ok: true });
    expect(c['test-command']).toMatchObject({ ok: true });
  });

  it('a namespace that does not exist fails with the command that creates it', async () => {
    const checks = byName(await runDoctor(options({ target: resolveTemporalTarget({}, { address: inject('temporalAddress'), namespace: 'no-such-namespace' }) })));
    expect(checks.namespace).toMatchObject({ ok: false, fix: expect.stringContaining('temporal operator namespace create --namespace no-such-namespace') });
    expect(checks['search-attributes']).toMatchObject({ skipped: true });
  });

  it('an LLM endpoint answering 401 fails naming OPENAI_API_KEY; a closed SMTP port fails naming SMTP_URL', async () => {
    llm.setModels({ kind: 'status', status: 401, body: { error: { message: 'Incorrect API key provided' } } });
    try {
      const checks = byName(
        await runDoctor(options({ env: { ...BASE_ENV, OPENAI_BASE_URL: llm.baseUrl, OPENAI_API_KEY: 'sk-wrong', SMTP_URL: `smtp://127.0.0.1:${await freePort()}` } })),
      );
      expect(checks.llm).toMatchObject({ ok: false, detail: expect.stringContaining('HTTP 401'), fix: expect.stringContaining('OPENAI_API_KEY') });
      expect(checks.smtp).toMatchObject({ ok: false, fix: expect.stringContaining('SMTP_URL') });
      expect(checks.worker).toMatchObject({ ok: true });
    } finally {
      llm.setModels(['scripted-model']);
    }
  });
});
