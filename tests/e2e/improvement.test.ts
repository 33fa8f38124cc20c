// The core saga end to end: real dev server, real worker and activities, real git repos,
// and a scripted OpenAI-compatible HTTP server driven through the real `openai` client.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerWithEdits, startScriptedOpenAi, type ScriptedOpenAi } from '../helpers/scripted-openai.js';
import { createRepo, type TempRepo } from '../helpers/git-repo.js';
import { kaizenBranches, readLedgerLines, snapshotRepo, startKaizen, worktreesLeft, type E2eKaizen } from '../helpers/e2e.js';
import { SAMPLE_REPO } from '../helpers/paths.js';

// Files committed seconds ago count as "recently changed" by default; these repos are new.
const CONFIG = JSON.stringify({ recentChangeMinutes: 0 });

/** A tiny project whose one finding (no-var) an LLM can "fix" in a way that breaks the tests. */
function mathRepo(): TempRepo {
  return createRepo({
    'package.json': JSON.stringify({ name: 'math', type: 'module', scripts: { test: 'node --test' } }),
    'kaizen.config.json': CONFIG,
    'src/math.js': 'export function add(a, b) {\n  var sum = a + b;\n  return sum;\n}\n',
    'test/math.test.js':
      "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { add } from '../src/math.js';\n\ntest('adds', () => assert.equal(add(2, 3), 5));\n",
  });
}

let kaizen: E2eKaizen;
let llm: ScriptedOpenAi;
const repos: TempRepo[] = [];
const track = (repo: TempRepo) => (repos.push(repo), repo);

beforeAll(async () => {
  llm = await startScriptedOpenAi();
  kaizen = await startKaizen('core', { OPENAI_BASE_URL: llm.baseUrl, OPENAI_API_KEY: 'test-key', KAIZEN_MODEL: 'scripted-model' });
});

afterAll(async () => {
  await kaizen?.close();
  await llm?.close();
  for (const repo of repos) repo.cleanup();
});

describe('autofix in merge mode', () => {
  it('lands a verified commit on main and records it in the ledger', async () => {
    const repo = track(createRepo({}, { from: SAMPLE_REPO }));
    repo.write('kaizen.config.json', CONFIG);
    const base = repo.commitAll('config for the test');

    const result = await kaizen.improve({ repoPath: repo.path, strategy: 'autofix', mode: 'merge' });

    expect(result.outcome, result.reason).toBe('applied');
    expect(result.findingsFixed).toBeGreaterThan(0);
    expect(repo.head('main')).toBe(result.commit);
    expect(repo.git('rev-parse', 'main~1')).toBe(base);
    const message = repo.git('log', '-1', '--format=%B', 'main');
    expect(message).toContain(`kaizen: fix`);
    expect(message).toContain(result.file as string);
    // The user's clean checkout was fast-forwarded: the fixed file is on disk.
    expect(repo.git('status', '--porcelain')).toBe('');
    expect(repo.git('show', `main:${result.file}`)).toBe(readFileSync(join(repo.path, result.file as string), 'utf8').trimEnd());
    // The backup ref points at the pre-change commit; no worktree or Kaizen branch is left.
    expect(repo.git('rev-parse', result.backupRef as string)).toBe(base);
    expect(worktreesLeft(repo.path)).toEqual([]);
    expect(kaizenBranches(repo.path)).toEqual([]);
    const ledger = readLedgerLines(repo.path);
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({ outcome: 'applied', file: result.file, strategy: 'autofix', commit: result.commit, backupRef: result.backupRef });
    // One test run: autofix on a tree never tested runs the tests on its change only.
    expect(ledger[0]?.testsBefore).toBeNull();
    expect((ledger[0]?.testsAfter as { passed: boolean }).passed).toBe(true);
  });

  it('never writes to a checkout with uncommitted changes: the branch is left instead', async () => {
    const repo = track(createRepo({}, { from: SAMPLE_REPO }));
    repo.write('kaizen.config.json', CONFIG);
    repo.commitAll('config for the test');
    repo.write('README.md', '# my unsaved notes\n');
    const before = snapshotRepo(repo.path);

    const result = await kaizen.improve({ repoPath: repo.path, strategy: 'autofix', mode: 'merge' });

    expect(result.outcome, result.reason).toBe('proposed');
    expect(result.reason).toMatch(/uncommitted changes/);
    expect(snapshotRepo(repo.path)).toEqual({ ...before, refs: expect.any(String) });
    expect(repo.head('main')).toBe(before.refs.match(/refs\/heads\/main (\w+)/)?.[1]);
    expect(readFileSync(join(repo.path, 'README.md'), 'utf8')).toBe('# my unsaved notes\n');
    expect(kaizenBranches(repo.path)).toEqual([result.branch]);
    expect(repo.git('rev-parse', result.branch as string)).toBe(result.commit);
  });
});

describe('the test gate', () => {
  it('skips a repository whose baseline tests are red, changing nothing', async () => {
    const repo = track(mathRepo());
    repo.write('test/math.test.js', "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\ntest('broken', () => assert.equal(1, 2));\n");
    repo.commitAll('a red test');
    const before = snapshotRepo(repo.path);

    const result = await kaizen.improve({ repoPath: repo.path, strategy: 'autofix', mode: 'merge' });

    expect(result.outcome).toBe('skipped');
    expect(result.reason).toMatch(/baseline tests are red/);
    expect(snapshotRepo(repo.path)).toEqual(before);
    expect(worktreesLeft(repo.path)).toEqual([]);
    expect(kaizenBranches(repo.path)).toEqual([]);
  });

  it('rolls back an LLM edit that breaks the tests, also after its repair attempt', async () => {
    const repo = track(mathRepo());
    const before = snapshotRepo(repo.path);
    const breaking = answerWithEdits('Use const', [{ path: 'src/math.js', search: '  var sum = a + b;', replace: '  const sum = a - b;' }]);
    llm.enqueue(breaking, breaking);

    const result = await kaizen.improve({ repoPath: repo.path, strategy: 'llm', mode: 'merge' });

    expect(result.outcome, result.reason).toBe('rolled_back');
    expect(result.reason).toMatch(/^all 2 tries failed: 1\) tests failed after the change.*; 2\) tests failed after the change/);
    expect(snapshotRepo(repo.path)).toEqual(before);
    expect(worktreesLeft(repo.path)).toEqual([]);
    expect(kaizenBranches(repo.path)).toEqual([]);
    expect(repo.git('for-each-ref', 'refs/kaizen')).toBe('');
    expect(readLedgerLines(repo.path)[0]).toMatchObject({ outcome: 'rolled_back', strategy: 'llm' });
  });
});

describe('hostile or broken LLM answers fail cleanly', () => {
  it.each([
    ['a path escaping the repository', answerWithEdits('x', [{ path: '../../etc/passwd', search: 'root', replace: 'pwned' }]), /path_outside_repo/],
    ['a malformed answer', { kind: 'content' as const, content: 'Sure! Here is the fix: {not json' }, /malformed_json/],
  ])('%s', async (_name, reply, reason) => {
    const repo = track(mathRepo());
    const before = snapshotRepo(repo.path);
    llm.enqueue(reply);
    const requestsBefore = llm.requests.length;

    const result = await kaizen.improve({ repoPath: repo.path, strategy: 'llm', mode: 'merge' });

    expect(result.outcome).toBe('failed');
    // A rejected answer is final: the model is not asked (and paid) again.
    expect(llm.requests.length - requestsBefore).toBe(1);
    expect(result.reason).toMatch(reason);
    expect(snapshotRepo(repo.path)).toEqual(before);
    expect(worktreesLeft(repo.path)).toEqual([]);
    expect(kaizenBranches(repo.path)).toEqual([]);
  });
});
