// LLM changes people can trust, end to end: a real dev server and worker, real git repositories
// and the scripted OpenAI-compatible server playing each case. Hostile and broken answers leave
// the repository and its branches byte-identical; a repair turns a failing first answer into a
// landed change; a 429 storm is ridden out; the daily cap pauses the LLM strategy until resumed.
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { governorWorkflowId } from '../../src/core/repository/key.js';
import { governorStateQuery, resumeLlmSignal } from '../../src/contracts/governor.js';
import { kaizenBranches, readLedgerLines, snapshotRepo, startKaizen, worktreesLeft, type E2eKaizen } from '../helpers/e2e.js';
import { createRepo, type TempRepo } from '../helpers/git-repo.js';
import { answerWithEdits, startScriptedOpenAi, type ScriptedOpenAi, type ScriptedReply } from '../helpers/scripted-openai.js';

const MATH = 'export function add(a, b) {\n  var sum = a + b;\n  return sum;\n}\n\nexport function sub(a, b) {\n  return a - b;\n}\n';
const MATH_TEST = "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { add } from '../src/math.js';\n\ntest('adds', () => assert.equal(add(2, 3), 5));\n";
const GOOD_FIX = { path: 'src/math.js', search: '  var sum = a + b;', replace: '  const sum = a + b;' };
const BREAKING_FIX = { path: 'src/math.js', search: '  var sum = a + b;', replace: '  const sum = a - b;' };

let kaizen: E2eKaizen;
let llm: ScriptedOpenAi;
const cleanups: (() => void)[] = [];
const scratch = mkdtempSync(join(tmpdir(), 'kaizen-llm-trust-'));
const marker = join(scratch, 'pwned');

/** A tiny project with one finding (no-var) and an untested export (sub). */
function mathRepo(config: Record<string, unknown> = {}, extra: Record<string, string> = {}): TempRepo {
  const repo = createRepo({
    'package.json': JSON.stringify({ name: 'math', type: 'module', scripts: { test: 'node --test' } }),
    'kaizen.config.json': JSON.stringify({ recentChangeMinutes: 0, ...config }),
    'src/math.js': MATH,
    'test/math.test.js': MATH_TEST,
    '.env': 'API_TOKEN=abc\n',
    ...extra,
  });
  cleanups.push(() => repo.cleanup());
  return repo;
}

beforeAll(async () => {
  llm = await startScriptedOpenAi();
  kaizen = await startKaizen('llm-trust', { OPENAI_BASE_URL: llm.baseUrl, OPENAI_API_KEY: 'test-key', KAIZEN_MODEL: 'scripted-model' });
});

afterAll(async () => {
  await kaizen?.close();
  await llm?.close();
  for (const cleanup of cleanups) cleanup();
  rmSync(scratch, { recursive: true, force: true });
});

function expectUntouched(repo: TempRepo, before: ReturnType<typeof snapshotRepo>): void {
  expect(snapshotRepo(repo.path)).toEqual(before);
  expect(worktreesLeft(repo.path)).toEqual([]);
  expect(kaizenBranches(repo.path)).toEqual([]);
  expect(repo.git('for-each-ref', 'refs/kaizen')).toBe('');
}

describe('hostile and broken answers end cleanly, with the reason, and change nothing', () => {
  const big = 'x'.repeat(3000);
  it.each<[string, ScriptedReply, RegExp]>([
    ['an answer that breaks the schema', { kind: 'answer', answer: { summary: 's', edits: [GOOD_FIX], command: `touch ${marker}` } }, /\(schema\)/],
    ['an edit to package.json scripts', answerWithEdits('faster tests', [{ path: 'package.json', search: '"node --test"', replace: `"touch ${marker} && node --test"` }]), /\(other_file\).*package\.json/],
    ['an absolute path', answerWithEdits('s', [{ path: '/etc/hosts', search: 'localhost', replace: 'evil' }]), /\(path_outside_repo\)/],
    ['a secret file', answerWithEdits('s', [{ path: '.env', search: 'abc', replace: 'stolen' }]), /\(excluded_file\)/],
    ['a search that matches nothing', answerWithEdits('s', [{ path: 'src/math.js', search: 'var total', replace: 'const total' }]), /\(search_not_found\)/],
    ['a search that matches many times', answerWithEdits('s', [{ path: 'src/math.js', search: 'return', replace: 'yield' }]), /\(search_ambiguous\)/],
    ['an answer over llm.maxAnswerKb', answerWithEdits(big, [GOOD_FIX]), /\(too_large\)/],
    ['code that does not parse', answerWithEdits('s', [{ path: 'src/math.js', search: '  return sum;\n}', replace: '  return sum;\n' }]), /\(does_not_parse\)/],
    ['a refusal', { kind: 'refusal', refusal: 'I cannot help with that.' }, /\(refusal\)/],
  ])('%s', async (_name, reply, reason) => {
    const repo = mathRepo({ llm: { maxAnswerKb: 2 } });
    const before = snapshotRepo(repo.path);
    const requestsBefore = llm.requests.length;
    llm.enqueue(reply);

    const result = await kaizen.improve({ repoPath: repo.path, file: 'src/math.js', strategy: 'llm', mode: 'merge' });

    expect(result.outcome).toBe('failed');
    expect(result.reason).toMatch(reason);
    // Final: the model is not asked (and paid) again, and no repair is attempted.
    expect(llm.requests.length - requestsBefore).toBe(1);
    expectUntouched(repo, before);
    expect(existsSync(marker)).toBe(false);
    expect(readLedgerLines(repo.path)[0]).toMatchObject({ outcome: 'failed', attempts: [{ attempt: 1, outcome: 'rejected' }] });
  });

  it('a target that is a symbolic link out of the repository is never sent', async () => {
    const secret = join(scratch, 'outside.js');
    writeFileSync(secret, 'var leaked = "s3cr3t";\n');
    const repo = mathRepo();
    symlinkSync(secret, join(repo.path, 'src', 'link.js'));
    repo.commitAll('a symlink');
    const before = snapshotRepo(repo.path);
    const requestsBefore = llm.requests.length;

    const result = await kaizen.improve({ repoPath: repo.path, file: 'src/link.js', strategy: 'llm', mode: 'merge' });

    expect(result.outcome).toBe('skipped');
    expect(result.reason).toMatch(/symbolic link|does not exist/);
    expect(llm.requests.length).toBe(requestsBefore);
    expectUntouched(repo, before);
  });

  it('an llm-tests answer writing through a symlinked folder out of the repository', async () => {
    const elsewhere = mkdtempSync(join(scratch, 'tests-'));
    const repo = mathRepo();
    symlinkSync(elsewhere, join(repo.path, 'test', 'linked'));
    repo.commitAll('a symlinked folder');
    const before = snapshotRepo(repo.path);
    llm.enqueue(answerWithEdits('Test sub', [{ path: 'test/linked/sub.test.js', search: '', replace: "import 'node:test';\n" }]));

    const result = await kaizen.improve({ repoPath: repo.path, file: 'src/math.js', strategy: 'llm-tests', mode: 'merge' });

    expect(result.outcome).toBe('failed');
    expect(result.reason).toMatch(/\(path_outside_repo\).*symbolic link/);
    expect(existsSync(join(elsewhere, 'sub.test.js'))).toBe(false);
    expectUntouched(repo, before);
  });

  it('shell text in an answer stays text: nothing runs, the commit carries it literally', async () => {
    const repo = mathRepo();
    llm.enqueue(
      answerWithEdits(`Use const $(touch ${marker}) \`touch ${marker}\``, [{ path: 'src/math.js', search: '  var sum = a + b;', replace: `  // $(touch ${marker})\n  const sum = a + b;` }]),
    );

    const result = await kaizen.improve({ repoPath: repo.path, file: 'src/math.js', strategy: 'llm', mode: 'merge' });

    expect(result.outcome, result.reason).toBe('applied');
    expect(existsSync(marker)).toBe(false);
    expect(repo.git('log', '-1', '--format=%B', 'main')).toContain(`$(touch ${marker})`);
  });
});

describe('repairs', () => {
  it('sends the failing tests back to the model and lands the repaired change', async () => {
    const repo = mathRepo();
    const requestsBefore = llm.requests.length;
    llm.enqueue(answerWithEdits('Use const', [BREAKING_FIX]), answerWithEdits('Use const, keeping the sum', [GOOD_FIX]));

    const result = await kaizen.improve({ repoPath: repo.path, file: 'src/math.js', strategy: 'llm', mode: 'merge' });

    expect(result.outcome, result.reason).toBe('applied');
    expect(llm.requests.length - requestsBefore).toBe(2);
    const repairPrompt = (llm.requests.at(-1)?.body as { messages: { content: string }[] }).messages[1]?.content ?? '';
    expect(repairPrompt).toContain('This is attempt 2.');
    expect(repairPrompt).toContain('+  const sum = a - b;');
    expect(repairPrompt).toMatch(/tests failed after the change[\s\S]*(fail 1|AssertionError)/);
    expect(repo.git('show', 'main:src/math.js')).toContain('  const sum = a + b;');
    expect(repo.git('rev-list', '--count', 'main')).toBe('2');
    const [entry] = readLedgerLines(repo.path);
    expect(entry).toMatchObject({ outcome: 'applied', attempts: [{ attempt: 1, outcome: 'verify_failed' }, { attempt: 2, outcome: 'verified' }] });
    expect(worktreesLeft(repo.path)).toEqual([]);
  });
});

describe('llm-tests', () => {
  const subTest = "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { sub } from '../src/math.js';\n\ntest('subtracts', () => assert.equal(sub(5, 3), 2));\n";

  it('lands a new test file for an untested export once more tests pass', async () => {
    const repo = mathRepo();
    llm.enqueue(answerWithEdits('Test sub', [{ path: 'test/sub.test.js', search: '', replace: subTest }]));

    const result = await kaizen.improve({ repoPath: repo.path, file: 'src/math.js', strategy: 'llm-tests', mode: 'merge' });

    expect(result.outcome, result.reason).toBe('applied');
    expect(repo.git('show', '--name-only', '--format=', 'main')).toBe('test/sub.test.js');
    expect(repo.git('show', 'main:src/math.js')).toBe(MATH.trimEnd());
    expect(result.testsBefore?.passedCount).toBe(1);
    expect(result.testsAfter?.passedCount).toBe(2);
    expect(result.reason).toMatch(/1 more passing tests \(1 → 2\); no coverage reported .*coverage was not compared/);
    expect(repo.git('log', '-1', '--format=%s', 'main')).toBe('kaizen: add tests for untested-export in src/math.js');
  });

  it('rolls back tests the test command never runs: the count did not go up', async () => {
    const repo = mathRepo({ llm: { repairAttempts: 0 } });
    const before = snapshotRepo(repo.path);
    // __tests__/ is a test folder for Kaizen, but `node --test` does not look there.
    llm.enqueue(answerWithEdits('Test sub', [{ path: 'src/__tests__/sub.mjs', search: '', replace: subTest.replace('../src/math.js', '../math.js') }]));

    const result = await kaizen.improve({ repoPath: repo.path, file: 'src/math.js', strategy: 'llm-tests', mode: 'merge' });

    expect(result.outcome).toBe('rolled_back');
    expect(result.reason).toMatch(/test gate failed: the number of passing tests did not go up \(1 before, 1 after\)/);
    expectUntouched(repo, before);
  });
});

describe('a 429 storm', () => {
  it('is ridden out: the SDK honours Retry-After, then Temporal retries the step', async () => {
    const repo = mathRepo();
    const requestsBefore = llm.requests.length;
    const tooMany = (after: string): ScriptedReply => ({ kind: 'status', status: 429, headers: { 'retry-after': after } });
    llm.enqueue(tooMany('0'), tooMany('1'), tooMany('0'), tooMany('1'), answerWithEdits('Use const', [GOOD_FIX]));

    const result = await kaizen.improve({ repoPath: repo.path, file: 'src/math.js', strategy: 'llm', mode: 'merge' });

    expect(result.outcome, result.reason).toBe('applied');
    expect(llm.requests.length - requestsBefore).toBe(5);
    expect(llm.pending()).toBe(0);
  });
});

describe('the daily LLM cap', () => {
  it('pauses the LLM strategy when the next call would exceed it; after a resume the next run proceeds', async () => {
    const repo = mathRepo({ llm: { maxTokensPerDay: 16_000, maxAnswerTokens: 1000 } });
    const costly: ScriptedReply = { ...answerWithEdits('Use const', [GOOD_FIX]), usage: { promptTokens: 14_000, completionTokens: 1000 } };
    const governor = kaizen.client.workflow.getHandle(governorWorkflowId(repo.path));
    const requestsBefore = llm.requests.length;
    llm.enqueue(costly);

    const first = await kaizen.improve({ repoPath: repo.path, file: 'src/math.js', strategy: 'llm' });
    expect(first.outcome, first.reason).toBe('proposed');

    const second = await kaizen.improve({ repoPath: repo.path, file: 'src/math.js', strategy: 'llm' });
    expect(second.outcome).toBe('skipped');
    expect(second.reason).toMatch(/LLM token cap is reached: 15,000 of llm\.maxTokensPerDay 16,000/);
    expect(second.reason).toContain(`kaizen resume ${repo.path} --llm`);
    expect(llm.requests.length - requestsBefore).toBe(1);
    expect((await governor.query(governorStateQuery)).llm).toMatchObject({ tokens24h: 15_000, paused: { reason: second.reason } });

    await governor.signal(resumeLlmSignal, { by: 'e2e' });
    llm.enqueue(answerWithEdits('Use const', [GOOD_FIX]));
    const third = await kaizen.improve({ repoPath: repo.path, file: 'src/math.js', strategy: 'llm' });
    expect(third.outcome, third.reason).toBe('proposed');
    expect(llm.requests.length - requestsBefore).toBe(2);
    expect(readLedgerLines(repo.path).map((l) => l.outcome)).toEqual(['proposed', 'skipped', 'proposed']);
  });
});
