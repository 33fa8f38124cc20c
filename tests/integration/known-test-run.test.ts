// knownTestRun: what the tree-hash cache knows of a worktree's tree without running anything,
// so the saga can skip a known red repository before generating and skip the baseline of a
// known green one. runTests writes what it learns (green, and red twice without a timeout).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestActivities } from '../../src/activities/tests.js';
import { DEFAULT_REMEMBER_RED_MS } from '../../src/activities/test-cache.js';
import { Config } from '../../src/core/config/config.js';
import { TestCommandMissingError } from '../../src/core/errors.js';
import { activityDeps } from '../helpers/activity-deps.js';
import { createRepo, type TempRepo, workspaceOf } from '../helpers/git-repo.js';

const { runTests, knownTestRun } = createTestActivities(activityDeps());
const config = Config.parse({});

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A repo whose one test passes or fails, counting its runs in a file outside the repo. */
function repoWith(passes: boolean): { repo: TempRepo; runs: () => number } {
  const dir = mkdtempSync(join(tmpdir(), 'kaizen-known-run-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const counter = join(dir, 'runs');
  const repo = createRepo({
    'package.json': JSON.stringify({ name: 'demo', scripts: { test: 'node --test' } }),
    'demo.test.mjs': `import test from 'node:test';
import assert from 'node:assert';
import { appendFileSync } from 'node:fs';
appendFileSync(${JSON.stringify(counter)}, 'x');
test('adds numbers', () => { assert.equal(1 + 1, ${passes ? 2 : 3}, 'sum is wrong'); });
`,
  });
  cleanups.push(() => repo.cleanup());
  return { repo, runs: () => (existsSync(counter) ? readFileSync(counter, 'utf8').length : 0) };
}

describe('knownTestRun', () => {
  it('knows nothing of a tree never tested, and runs nothing to find out', async () => {
    const { repo, runs } = repoWith(true);
    expect(await knownTestRun({ workspace: workspaceOf(repo, 'r1'), config })).toBeNull();
    expect(runs()).toBe(0);
  });

  it('returns the green run of the same tree as a cached baseline', async () => {
    const { repo, runs } = repoWith(true);
    const workspace = workspaceOf(repo, 'r1');
    await runTests({ workspace, config, phase: 'verify' });
    expect(await knownTestRun({ workspace, config })).toMatchObject({ phase: 'baseline', passed: true, cached: true, passedCount: 1 });
    expect(runs()).toBe(1);
    // Another command is another key.
    expect(await knownTestRun({ workspace, config, command: [process.execPath, '--test', 'demo.test.mjs'] })).toBeNull();
  });

  it('answers for the tree checked out now, not the base the run started from', async () => {
    const { repo, runs } = repoWith(true);
    const workspace = workspaceOf(repo, 'r1');
    await runTests({ workspace, config, phase: 'verify' });
    // A commit on top of the base: its tree was never tested, whatever the base's tree says.
    repo.write('notes.md', 'a change\n');
    repo.commitAll('another tree');
    expect(await knownTestRun({ workspace, config })).toBeNull();
    // The base's tree unknown to the workflow: asked of git, and found.
    repo.git('reset', '--hard', '--quiet', workspace.baseCommit);
    expect(await knownTestRun({ workspace: { ...workspace, baseTree: '' }, config })).toMatchObject({ passed: true, cached: true });
    expect(runs()).toBe(1);
  });

  it('remembers a red tree for an hour, then knows nothing of it again', async () => {
    const { repo, runs } = repoWith(false);
    const workspace = workspaceOf(repo, 'r1');
    await runTests({ workspace, config, phase: 'baseline' });
    expect(runs()).toBe(2);
    expect(await knownTestRun({ workspace, config })).toMatchObject({ passed: false, cached: true, failedTests: ['adds numbers'] });

    const dir = join(workspace.stateDir, 'cache', 'tests');
    const [file] = readdirSync(dir);
    const old = (Date.now() - DEFAULT_REMEMBER_RED_MS - 60_000) / 1000;
    utimesSync(join(dir, file as string), old, old);
    expect(await knownTestRun({ workspace, config })).toBeNull();
    expect(runs()).toBe(2);
  });

  it('remembers a red tree for as long as test.rememberRed says; "0s" never believes one', async () => {
    const { repo, runs } = repoWith(false);
    const workspace = workspaceOf(repo, 'r1');
    await runTests({ workspace, config, phase: 'baseline' });
    const dir = join(workspace.stateDir, 'cache', 'tests');
    const [file] = readdirSync(dir);
    const twoHoursAgo = (Date.now() - 2 * 3_600_000) / 1000;
    utimesSync(join(dir, file as string), twoHoursAgo, twoHoursAgo);
    expect(await knownTestRun({ workspace, config: Config.parse({ test: { rememberRed: '3h' } }) })).toMatchObject({ passed: false, cached: true });
    expect(await knownTestRun({ workspace, config: Config.parse({ test: { rememberRed: '90m' } }) })).toBeNull();
    const now = Date.now() / 1000;
    utimesSync(join(dir, file as string), now, now);
    expect(await knownTestRun({ workspace, config: Config.parse({ test: { rememberRed: '0s' } }) })).toBeNull();
    // A config from before the key existed (a running workflow's) keeps the hour.
    const { rememberRed: _dropped, ...olderTest } = config.test;
    expect(await knownTestRun({ workspace, config: { ...config, test: olderTest as typeof config.test } })).toMatchObject({ passed: false, cached: true });
    expect(runs()).toBe(2);
  });

  it('says a repository without a test command is skipped, or fails when tests are required', async () => {
    const repo = createRepo({ 'package.json': JSON.stringify({ name: 'demo' }) });
    cleanups.push(() => repo.cleanup());
    const workspace = workspaceOf(repo, 'r1');
    await expect(knownTestRun({ workspace, config })).rejects.toBeInstanceOf(TestCommandMissingError);
    expect(await knownTestRun({ workspace, config: Config.parse({ test: { required: false } }) })).toMatchObject({ passed: true, skipped: true });
  });
});
