// Concurrent runs of one repository share the work: N `kaizen improve --mode merge` started at
// once without --file, on a repository with N fixable files, land N changes on N different
// files (the governor reserves each run's file), none rolled back, and the learner counts no
// failure (before: all runs took the same file, 1 landed and N-1 rolled back as failures).
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { ImprovementResult } from '../../src/core/types.js';
import type { GovernorView } from '../../src/core/governor/protocol.js';
import { GIT_ENV, createRepo } from '../helpers/git-repo.js';
import { FaultKit } from '../helpers/fault-kit.js';
import { runKaizen } from '../helpers/kaizen-process.js';
import { SAMPLE_REPO } from '../helpers/paths.js';

const RUNS = 4;
const kit = new FaultKit(inject('temporalAddress'));
afterAll(() => kit.cleanup());

describe('concurrent improvements of one repository', () => {
  it(`${RUNS} concurrent improve --mode merge without --file land ${RUNS} different files; the learner counts no failure`, async () => {
    // The sample's cart.js, format.js and inventory.js have fixable findings; a fourth file too.
    const repo = createRepo({}, { from: SAMPLE_REPO });
    kit.later(() => repo.cleanup());
    repo.write('kaizen.config.json', JSON.stringify({ recentChangeMinutes: 0 }));
    repo.write('src/discount.js', '// Discounts on an order total.\nexport function discounted(total, percent) {\n  var rate = percent / 100;\n  let result = total - total * rate;\n  return result;\n}\n');
    const base = repo.commitAll('four fixable files');
    const taskQueue = `concurrent-${Date.now().toString(36)}`;
    await kit.worker(taskQueue);
    const env = { ...process.env, ...GIT_ENV, TEMPORAL_ADDRESS: kit.address, KAIZEN_TASK_QUEUE: taskQueue };

    const runs = await Promise.all(
      Array.from({ length: RUNS }, () => runKaizen(['improve', repo.path, '--mode', 'merge', '--wait', '--json'], env, { timeoutMs: 220_000 })),
    );

    const results = runs.map((r) => {
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as ImprovementResult;
    });
    const summary = results.map((r) => `${r.file ?? '-'}: ${r.outcome} (${r.reason})`).join('\n');
    console.log(`concurrent runs:\n${summary}`);
    expect(results.map((r) => r.outcome), summary).toEqual(Array<string>(RUNS).fill('applied'));
    expect(new Set(results.map((r) => r.file)).size, summary).toBe(RUNS);
    // N commits on main, one per run, each touching only its own file.
    expect(repo.git('rev-list', '--count', `${base}..main`)).toBe(String(RUNS));
    for (const r of results) expect(repo.git('show', '--name-only', '--format=', r.commit ?? 'missing')).toBe(r.file);
    expect(repo.git('status', '--porcelain')).toBe('');

    const governor = await runKaizen(['governor', repo.path, '--json'], env);
    expect(governor.code, governor.stderr).toBe(0);
    const view = JSON.parse(governor.stdout) as GovernorView;
    expect(view.totals.rolled_back ?? 0).toBe(0);
    expect(view.strategies.every((s) => s.failures === 0), JSON.stringify(view.strategies)).toBe(true);
    expect(view.active).toEqual([]);
  });
});
