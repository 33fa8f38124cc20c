// The installed `kaizen` bin as `npm ci` leaves it: the compiled CLI (dist/cli/bundle.cjs and
// commands.cjs, loaded with V8 code caches) runs a worker and improvements end to end, the worker
// finding its prebuilt workflow bundle and Kaizen's home from the bundled file's location.
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { staleBuildReason } from '../../bin/build-stamp.cjs';
import { CLI_FOLDER, COMMANDS_FILE, TREE_FILE } from '../../bin/cli-layout.cjs';
import type { ImprovementResult } from '../../src/core/types.js';
import { sampleRepoCopy } from '../helpers/e2e.js';
import { GIT_ENV, type TempRepo } from '../helpers/git-repo.js';
import { KAIZEN_ROOT, runKaizen, startKaizenProcess, type KaizenProcess } from '../helpers/kaizen-process.js';

const BUNDLE = join(KAIZEN_ROOT, CLI_FOLDER, TREE_FILE);
const IMPROVE_CACHE = join(KAIZEN_ROOT, CLI_FOLDER, `${COMMANDS_FILE}.improve.v8-cache`);
const taskQueue = `e2e-compiled-${Date.now().toString(36)}`;
const repos: TempRepo[] = [];
let worker: KaizenProcess | undefined;

const env = (): NodeJS.ProcessEnv => ({ ...process.env, ...GIT_ENV, TEMPORAL_ADDRESS: inject('temporalAddress'), KAIZEN_TASK_QUEUE: taskQueue });

function sampleRepo(): TempRepo {
  const repo = sampleRepoCopy();
  repos.push(repo);
  return repo;
}

beforeAll(() => {
  // CI's `npm ci` built dist/ (prepare); a working copy edited since gets it rebuilt here.
  if (staleBuildReason(KAIZEN_ROOT) !== null) execFileSync(process.execPath, ['--import', 'tsx', join(KAIZEN_ROOT, 'scripts', 'build.ts')], { cwd: KAIZEN_ROOT, stdio: 'inherit' });
  expect(staleBuildReason(KAIZEN_ROOT)).toBeNull();
  expect(existsSync(BUNDLE)).toBe(true);
  rmSync(IMPROVE_CACHE, { force: true });
}, 240_000);

afterAll(async () => {
  await worker?.stop();
  for (const repo of repos) repo.cleanup();
});

describe('the compiled kaizen bin', () => {
  it('runs a worker and improvements to applied, and later starts reuse the code cache the first one kept', async () => {
    worker = startKaizenProcess(['worker'], env(), { bin: true });
    await worker.waitFor('Kaizen worker polling', 120_000);

    const cacheWrites: number[] = [];
    for (const round of [1, 2]) {
      const repo = sampleRepo();
      const improved = await runKaizen(['improve', repo.path, '--mode', 'merge', '--wait', '--json'], env(), { bin: true });
      expect(improved.code, improved.stderr).toBe(0);
      const result = JSON.parse(improved.stdout) as ImprovementResult;
      expect(result.outcome, `round ${round}: ${result.reason ?? ''}`).toBe('applied');
      expect(result.commit).toBe(repo.head('main'));
      cacheWrites.push(statSync(IMPROVE_CACHE).mtimeMs);
    }
    // Written by the first run; the second found V8 accepting it, so left it as it was.
    expect(cacheWrites[1]).toBe(cacheWrites[0]);
  }, 240_000);
});
