import { describe, expect, it } from 'vitest';
import { LlmAnswerRejectedError, type LlmRejection } from '../../../src/core/llm/errors.js';
import { applyLlmAnswer } from '../../../src/core/llm/answer.js';
import { redactSecrets, restoreSecrets } from '../../../src/core/llm/secrets.js';

const TARGET = 'src/config.js';
const ORIGINAL = [
  'var apiKey = "sk-proj-Q7x9T2mV4bN8cL1kZ5wR3yH6jD0fG2sA";',
  'const password = "Summer2024!";',
  'export function connect() {',
  '  let unused = 0;',
  '  return open(apiKey, password);',
  '}',
  '',
].join('\n');
const { text: REDACTED, placeholders: PLACEHOLDERS } = redactSecrets(ORIGINAL);

function apply(edits: { search: string; replace: string }[], summary = 's') {
  const content = JSON.stringify({ summary, edits: edits.map((e) => ({ path: TARGET, ...e })) });
  return applyLlmAnswer({ content, refusal: null, target: TARGET, fileContent: REDACTED, maxAnswerBytes: 10_000, isExcluded: () => false });
}

function rejection(run: () => unknown): { kind: LlmRejection; message: string } {
  try {
    run();
  } catch (err) {
    if (err instanceof LlmAnswerRejectedError) return { kind: err.rejection, message: err.message };
    throw err;
  }
  throw new Error('expected the answer to be rejected');
}

describe('answers to a redacted file', () => {
  it('is what the model sees', () => {
    expect(REDACTED.split('\n').slice(0, 2)).toEqual(['var apiKey = "__KAIZEN_SECRET_1__";', 'const password = "__KAIZEN_SECRET_2__";']);
  });

  it('applies an edit elsewhere and restores every secret in place', () => {
    const applied = apply([{ search: '  let unused = 0;\n', replace: '' }]);
    expect(restoreSecrets(applied.newContent, PLACEHOLDERS)).toBe(ORIGINAL.replace('  let unused = 0;\n', ''));
  });

  it('matches a search that contains a placeholder against the redacted text', () => {
    const applied = apply([{ search: 'var apiKey = "__KAIZEN_SECRET_1__";', replace: 'const apiKey = "__KAIZEN_SECRET_1__";' }]);
    expect(restoreSecrets(applied.newContent, PLACEHOLDERS)).toBe(ORIGINAL.replace('var apiKey', 'const apiKey'));
  });

  it('keeps placeholders in the summary (it goes into commit messages, the secret must not)', () => {
    const applied = apply([{ search: '  let unused = 0;\n', replace: '' }], 'Keep __KAIZEN_SECRET_1__ as is');
    expect(applied.summary).toBe('Keep __KAIZEN_SECRET_1__ as is');
  });

  it.each([
    ['drops a secret', [{ search: 'var apiKey = "__KAIZEN_SECRET_1__";\n', replace: '' }]],
    ['blanks a secret', [{ search: '"__KAIZEN_SECRET_2__"', replace: '""' }]],
    ['copies a secret into a log line', [{ search: '  let unused = 0;', replace: '  console.log("__KAIZEN_SECRET_2__");' }]],
    ['duplicates a placeholder', [{ search: '"__KAIZEN_SECRET_1__";', replace: '"__KAIZEN_SECRET_1__" + "__KAIZEN_SECRET_1__";' }]],
    ['invents a placeholder', [{ search: '  let unused = 0;', replace: '  const x = "__KAIZEN_SECRET_9__";' }]],
    ['alters a placeholder', [{ search: '"__KAIZEN_SECRET_2__"', replace: '"__KAIZEN_SECRET_2_"' }]],
    ['swaps two secrets', [{ search: '"__KAIZEN_SECRET_1__";\nconst password = "__KAIZEN_SECRET_2__"', replace: '"__KAIZEN_SECRET_2__";\nconst password = "__KAIZEN_SECRET_1__"' }]],
    [
      'moves a secret from one edit to another',
      [
        { search: 'var apiKey = "__KAIZEN_SECRET_1__";\n', replace: '' },
        { search: '  let unused = 0;\n', replace: '  const apiKey = "__KAIZEN_SECRET_1__";\n' },
      ],
    ],
    ['cuts a placeholder in half with its search', [{ search: 'SECRET_2__";\nexport', replace: '";\nexport' }]],
  ])('rejects an answer that %s', (_name, edits) => {
    const { kind, message } = rejection(() => apply(edits));
    expect(kind).toBe('secret_placeholder_changed');
    expect(message).not.toMatch(/Summer2024|sk-proj/);
  });
});
