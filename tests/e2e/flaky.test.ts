// A test that fails once and then passes is a flaky test, not a broken change: the run is
// rerun, the change lands, and the repository's governor remembers the test by name for
// `kaizen governor` and `kaizen doctor`. Real dev server, worker, git and `node --test`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DoctorCheck } from '../../src/cli/doctor/report.js';
import type { GovernorView } from '../../src/core/governor/protocol.js';
import type { ImprovementResult } from '../../src/core/types.js';
import { createRepo, GIT_ENV, type TempRepo } from '../helpers/git-repo.js';
import { startKaizen, type E2eKaizen } from '../helpers/e2e.js';
import { runKaizen } from '../helpers/kaizen-process.js';

let kaizen: E2eKaizen;
let repo: TempRepo;
const markers = mkdtempSync(join(tmpdir(), 'kaizen-flaky-'));

/** One finding (no-var) and a test that fails the first time it ever runs, like a timeout under load. */
function flakyRepo(): TempRepo {
  const marker = join(markers, 'failed-once');
  return createRepo({
    'package.json': JSON.stringify({ name: 'flaky', type: 'module', scripts: { test: 'node --test' } }),
    'kaizen.config.json': JSON.stringify({ recentChangeMinutes: 0 }),
    'src/math.js': 'export function add(a, b) {\n  var sum = a + b;\n  return sum;\n}\n',
    'test/math.test.js': [
      "import { test } from 'node:test';",
      "import assert from 'node:assert/strict';",
      "import { existsSync, writeFileSync } from 'node:fs';",
      "import { add } from '../src/math.js';",
      '',
      "test('adds under load', () => {",
      `  if (!existsSync(${JSON.stringify(marker)})) {`,
      `    writeFileSync(${JSON.stringify(marker)}, '');`,
      "    assert.fail('timed out once');",
      '  }',
      '  assert.equal(add(2, 3), 5);',
      '});',
      '',
    ].join('\n'),
  });
}

beforeAll(async () => {
  kaizen = await startKaizen('flaky');
  repo = flakyRepo();
});

afterAll(async () => {
  await kaizen?.close();
  repo?.cleanup();
  rmSync(markers, { recursive: true, force: true });
});

describe('a flaky test', () => {
  it('does not block the change, and the governor, `kaizen governor` and `doctor` name it', async () => {
    const before = repo.head('main');
    const env = { ...GIT_ENV, TEMPORAL_ADDRESS: inject('temporalAddress'), KAIZEN_TASK_QUEUE: kaizen.taskQueue };
    const improved = await runKaizen(['improve', repo.path, '--strategy', 'autofix', '--mode', 'merge', '--wait', '--json'], env);
    expect(improved.code, improved.stderr).toBe(0);
    const result = JSON.parse(improved.stdout) as ImprovementResult;
    expect(result.outcome, result.reason).toBe('applied');
    expect(repo.git('rev-parse', 'main~1')).toBe(before);
    // Autofix on a tree never tested runs the tests once, on its change: the flaky run is verify's.
    expect(result.testsAfter?.flaky).toEqual(['adds under load']);

    const governor = await runKaizen(['governor', repo.path, '--json'], env);
    expect(governor.code, governor.stderr).toBe(0);
    const view = JSON.parse(governor.stdout) as GovernorView;
    expect(view.flaky.map((f) => [f.name, f.count, f.phase, f.lastRun])).toEqual([['adds under load', 1, 'verify', result.workflowId]]);
    const human = await runKaizen(['governor', repo.path], env);
    expect(human.stdout).toContain('1 flaky test: adds under load (1×');

    const doctor = await runKaizen(['doctor', repo.path, '--json'], env);
    const flakyCheck = (JSON.parse(doctor.stdout) as DoctorCheck[]).find((c) => c.name === 'flaky-tests');
    expect(flakyCheck?.ok).toBe(true);
    expect(flakyCheck?.warning).toContain('adds under load');
  });
});
