// Secrets never leave: the real `openai` client talks to a scripted server that records every
// request body, and a file with planted secrets of every kind goes through generate.
import { existsSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGenerateActivities } from '../../../src/activities/generate/generate.js';
import { proposalPath, readProposalBody } from '../../../src/activities/generate/proposal-store.js';
import { createOpenAiProvider } from '../../../src/adapters/openai-llm.js';
import { Config } from '../../../src/core/config/config.js';
import { NothingToProposeError } from '../../../src/core/errors.js';
import { LlmAnswerRejectedError, type LlmRejection } from '../../../src/core/llm/errors.js';
import type { Finding, Workspace } from '../../../src/core/types.js';
import { createRepo, type TempRepo, workspaceOf } from '../../helpers/git-repo.js';
import { answerWithEdits, startScriptedOpenAi, type ScriptedEdit, type ScriptedOpenAi } from '../../helpers/scripted-openai.js';
import { PLANTED_SECRETS, SETTINGS_JS } from '../../helpers/planted-secrets.js';
import { activityDeps } from '../../helpers/activity-deps.js';

const TARGET = 'src/settings.js';
const OTHER_FILE_MARKER = 'other-file-marker-7d1f';
const ENV_SECRET = 'sk-proj-EnvFileOnly0123456789abcdefABCDEF';

function finding(line: number, ruleId: string, message: string): Finding {
  return { file: TARGET, line, column: 1, ruleId, message, severity: 'warning', analyser: 'eslint', fixable: false };
}
const FINDINGS: Finding[] = [
  finding(2, 'no-var', 'Unexpected var, use let or const instead.'),
  finding(SETTINGS_JS.split('\n').indexOf('  let unused = 0;') + 1, 'no-unused-vars', "'unused' is assigned a value but never used."),
  // A secret scanner's message may quote the secret it found.
  finding(14, 'hardcoded-password', 'Hard-coded password "Summer2024!" found.'),
];

let server: ScriptedOpenAi;
let repo: TempRepo;
let workspace: Workspace;

beforeEach(async () => {
  server = await startScriptedOpenAi();
  repo = createRepo({
    [TARGET]: SETTINGS_JS,
    'src/other.js': `export const marker = '${OTHER_FILE_MARKER}';\n`,
    '.env': `OPENAI_API_KEY=${ENV_SECRET}\n`,
    'package.json': '{"scripts":{"test":"node --test"}}',
  });
  workspace = workspaceOf(repo, 'run-1');
});
afterEach(async () => {
  await server.close();
  repo.cleanup();
});

function generate(target = TARGET) {
  const env = { OPENAI_BASE_URL: server.baseUrl, OPENAI_API_KEY: 'sk-test' };
  const deps = activityDeps({ llm: createOpenAiProvider(env), env });
  const config = Config.parse({ llm: { model: 'scripted-coder', timeout: '5s' } });
  return createGenerateActivities(deps).generate({ workspace, config, target, findings: FINDINGS, strategy: 'llm' });
}

/** Every planted value, and every 10-character piece of it, is absent from every request. */
function expectNoSecretSent(): void {
  expect(server.requests.length).toBeGreaterThan(0);
  for (const request of server.requests) {
    const raw = JSON.stringify(request.body);
    const unescaped = stringsIn(request.body).join('\n');
    for (const secret of [...PLANTED_SECRETS, ENV_SECRET]) {
      for (let i = 0; i + Math.min(10, secret.length) <= secret.length; i++) {
        const piece = secret.slice(i, i + Math.min(10, secret.length));
        expect(raw, `request leaks ${JSON.stringify(piece)}`).not.toContain(piece);
        expect(unescaped, `request leaks ${JSON.stringify(piece)}`).not.toContain(piece);
      }
    }
  }
}

function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsIn);
  return [];
}

function userMessage(): string {
  const body = server.requests[0]?.body as { messages: { role: string; content: string }[] };
  expect(body.messages.map((m) => m.role)).toEqual(['system', 'user']);
  return body.messages[1]?.content ?? '';
}

async function rejection(promise: Promise<unknown>): Promise<LlmRejection> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof LlmAnswerRejectedError) return err.rejection;
    throw err;
  }
  throw new Error('expected the answer to be rejected');
}

const removeUnused: ScriptedEdit = { path: TARGET, search: '  let unused = 0;\n', replace: '' };

describe('generate with planted secrets', () => {
  it('sends only placeholders and restores every secret byte for byte in the proposal', async () => {
    server.enqueue(answerWithEdits('Remove the unused variable', [removeUnused]));
    const proposal = await generate();

    expectNoSecretSent();
    const body = await readProposalBody(proposal.proposalPath);
    expect(body.files).toEqual([{ path: TARGET, content: SETTINGS_JS.replace('  let unused = 0;\n', '') }]);
    for (const secret of PLANTED_SECRETS) expect(body.files[0]?.content).toContain(secret);
  });

  it('sends the target file and nothing else: no other file, the finding messages redacted too', async () => {
    server.enqueue(answerWithEdits('s', [removeUnused]));
    await generate();

    const user = userMessage();
    expect(user).toContain(`Target file: ${TARGET}`);
    expect(user).toContain(' 2 | var apiKey = "__KAIZEN_SECRET_1__";');
    expect(user).toContain('Hard-coded password "__KAIZEN_SECRET_13__" found.');
    const shown = /```\n([\s\S]*)\n```/.exec(user)?.[1] ?? '';
    const lines = shown.split('\n').map((line) => line.replace(/^ *\d+ \| /, ''));
    expect(lines).toHaveLength(SETTINGS_JS.split('\n').length);
    expect(lines.filter((line) => !line.includes('__KAIZEN_SECRET_'))).toEqual(
      SETTINGS_JS.split('\n').filter((line) => !PLANTED_SECRETS.some((s) => line.includes(s))),
    );
    expect(JSON.stringify(server.requests)).not.toContain(OTHER_FILE_MARKER);
  });

  it('applies an edit whose search contains a placeholder and puts the secret back', async () => {
    server.enqueue(
      answerWithEdits('Use const for apiKey', [{ path: TARGET, search: 'var apiKey = "__KAIZEN_SECRET_1__";', replace: 'const apiKey = "__KAIZEN_SECRET_1__";' }]),
    );
    const proposal = await generate();

    expectNoSecretSent();
    const body = await readProposalBody(proposal.proposalPath);
    expect(body.files[0]?.content).toBe(SETTINGS_JS.replace('var apiKey = ', 'const apiKey = '));
    expect(body.files[0]?.content).toContain(`const apiKey = "${PLANTED_SECRETS[0]}";`);
    // The diff excerpt goes to the ledger and chat notifications: it shows placeholders.
    expect(proposal).toMatchObject({ linesAdded: 1, linesRemoved: 1 });
    expect(proposal.diffExcerpt).toContain('+const apiKey = "__KAIZEN_SECRET_1__";');
    for (const secret of PLANTED_SECRETS) expect(proposal.diffExcerpt).not.toContain(secret);
  });

  it.each<[string, ScriptedEdit[]]>([
    ['drops a placeholder', [{ path: TARGET, search: 'var apiKey = "__KAIZEN_SECRET_1__";\n', replace: '' }]],
    ['invents a placeholder', [{ path: TARGET, search: '  let unused = 0;', replace: '  let unused = "__KAIZEN_SECRET_99__";' }]],
    ['copies a secret into a log line', [{ path: TARGET, search: '  let unused = 0;', replace: '  console.log("__KAIZEN_SECRET_12__");' }]],
  ])('rejects an answer that %s and writes no proposal', async (_name, edits) => {
    server.enqueue(answerWithEdits('s', edits));
    expect(await rejection(generate())).toBe('secret_placeholder_changed');
    expect(existsSync(proposalPath(workspace))).toBe(false);
    expectNoSecretSent();
  });

  it.each(['.env', './.env', 'config/.ENV', 'deploy/Server.PEM', 'src/link.js'])('never sends %s (zero requests)', async (target) => {
    repo.write('config/.ENV', `TOKEN=${ENV_SECRET}\n`);
    repo.write('deploy/Server.PEM', '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n');
    symlinkSync('../.env', join(repo.path, 'src/link.js'));
    await expect(generate(target)).rejects.toBeInstanceOf(NothingToProposeError);
    expect(server.requests).toHaveLength(0);
  });
});
