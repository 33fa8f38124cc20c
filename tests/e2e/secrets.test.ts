// Secrets never leave, end to end: a real worker on the real dev server improves a repository
// with planted secrets through the scripted OpenAI-compatible server, which records every
// request. The model only ever sees placeholders; the landed commit has the real values.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepo, type TempRepo } from '../helpers/git-repo.js';
import { kaizenBranches, readLedgerLines, startKaizen, worktreesLeft, type E2eKaizen } from '../helpers/e2e.js';
import { PLANTED_SECRETS, SETTINGS_JS } from '../helpers/planted-secrets.js';
import { answerWithEdits, startScriptedOpenAi, type ScriptedOpenAi } from '../helpers/scripted-openai.js';

const ENV_SECRET = 'ghp_EnvFileOnlyAbCdEfGhIjKlMnOpQrStUvWx0123';
// The tests use the secrets, so a change that loses or moves one turns them red.
const SETTINGS_TEST = [
  "import { test } from 'node:test';",
  "import assert from 'node:assert/strict';",
  "import { fee, isAdmin, signingKey, databaseUrl } from '../src/settings.js';",
  '',
  "test('fee', () => assert.equal(fee(100), 3.2));",
  `test('admin', () => assert.ok(isAdmin(${JSON.stringify(PLANTED_SECRETS[12])})));`,
  `test('key', () => assert.ok(signingKey.includes(${JSON.stringify(PLANTED_SECRETS[14])})));`,
  `test('db', () => assert.ok(databaseUrl.includes(${JSON.stringify(PLANTED_SECRETS[10])})));`,
  '',
].join('\n');
// Only the `var` is left for the analysers to find; the scripted model fixes it.
const SETTINGS = SETTINGS_JS.replace('  let unused = 0;\n', '');

let kaizen: E2eKaizen;
let llm: ScriptedOpenAi;
let repo: TempRepo | undefined;

beforeAll(async () => {
  llm = await startScriptedOpenAi();
  kaizen = await startKaizen('secrets', { OPENAI_BASE_URL: llm.baseUrl, OPENAI_API_KEY: 'test-key', KAIZEN_MODEL: 'scripted-model' });
});

afterAll(async () => {
  await kaizen?.close();
  await llm?.close();
  repo?.cleanup();
});

describe('an llm improvement of a file with planted secrets', () => {
  it('sends no secret, lands the fix and keeps every secret in place', async () => {
    repo = createRepo({
      'package.json': JSON.stringify({ name: 'payments', type: 'module', scripts: { test: 'node --test' } }),
      'kaizen.config.json': JSON.stringify({ recentChangeMinutes: 0 }),
      'src/settings.js': SETTINGS,
      'test/settings.test.js': SETTINGS_TEST,
      '.env': `GITHUB_TOKEN=${ENV_SECRET}\n`,
    });
    llm.enqueue(
      answerWithEdits('Use const for apiKey (keeps __KAIZEN_SECRET_1__)', [
        { path: 'src/settings.js', search: 'var apiKey = "__KAIZEN_SECRET_1__";', replace: 'const apiKey = "__KAIZEN_SECRET_1__";' },
      ]),
    );

    const result = await kaizen.improve({ repoPath: repo.path, file: 'src/settings.js', strategy: 'llm', mode: 'merge' });

    expect(result.outcome, result.reason).toBe('applied');
    expect(llm.requests).toHaveLength(1);
    const raw = JSON.stringify(llm.requests);
    const user = (llm.requests[0]?.body as { messages: { content: string }[] }).messages[1]?.content ?? '';
    expect(user).toContain('2 | var apiKey = "__KAIZEN_SECRET_1__";');
    for (const secret of [...PLANTED_SECRETS, ENV_SECRET]) {
      expect(raw).not.toContain(secret);
      expect(user).not.toContain(secret);
    }

    const expected = SETTINGS.replace('var apiKey = ', 'const apiKey = ');
    expect(readFileSync(join(repo.path, 'src/settings.js'), 'utf8')).toBe(expected);
    expect(repo.git('show', `${result.commit}:src/settings.js`)).toBe(expected.trimEnd());
    expect(repo.git('log', '-1', '--format=%B', 'main')).toContain('__KAIZEN_SECRET_1__');
    const history = repo.git('log', '-p', '--format=%B', '-1', 'main');
    expect(history).toContain(`+const apiKey = "${PLANTED_SECRETS[0]}";`);
    expect(JSON.stringify(readLedgerLines(repo.path))).not.toContain(PLANTED_SECRETS[0]);
    expect(worktreesLeft(repo.path)).toEqual([]);
    expect(kaizenBranches(repo.path)).toEqual([]);
  });
});
