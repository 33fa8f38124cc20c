import { describe, expect, it } from 'vitest';
import { LlmAnswerRejectedError, type LlmRejection } from '../../../src/core/llm/errors.js';
import { applyLlmAnswer, normaliseRepoPath, type LlmAnswerInput } from '../../../src/core/llm/answer.js';

const FILE = ['const a = 1;', 'let unused = 2;', 'export function f() {', '  return a;', '}', ''].join('\n');

function input(answer: unknown, overrides: Partial<LlmAnswerInput> = {}): LlmAnswerInput {
  return {
    content: typeof answer === 'string' ? answer : JSON.stringify(answer),
    refusal: null,
    target: 'src/a.js',
    fileContent: FILE,
    maxAnswerBytes: 10_000,
    isExcluded: (path) => path.endsWith('.env') || path.includes('secret'),
    ...overrides,
  };
}

function edit(path: string, search: string, replace: string) {
  return { path, search, replace };
}

function rejection(run: () => unknown): LlmRejection {
  try {
    run();
  } catch (err) {
    if (err instanceof LlmAnswerRejectedError) return err.rejection;
    throw err;
  }
  throw new Error('expected the answer to be rejected');
}

describe('applyLlmAnswer', () => {
  it('applies several edits in order, each to the result of the ones before', () => {
    const result = applyLlmAnswer(
      input({
        summary: '  Remove unused variable and inline constant  ',
        edits: [
          edit('src/a.js', 'let unused = 2;\n', ''),
          edit('./src/a.js', 'export function f() {\n  return a;', 'export function f() {\n  return a + 0;'),
          edit('src\\a.js', 'a + 0', 'a'),
        ],
      }),
    );
    expect(result).toEqual({
      summary: 'Remove unused variable and inline constant',
      newContent: 'const a = 1;\nexport function f() {\n  return a;\n}\n',
      editCount: 3,
    });
  });

  it('keeps $ patterns in replacement text literal', () => {
    const result = applyLlmAnswer(input({ summary: 's', edits: [edit('src/a.js', 'return a;', "return '$&$1';")] }));
    expect(result.newContent).toContain("return '$&$1';");
  });

  it('matches LF search text against a CRLF file and keeps CRLF', () => {
    const crlf = FILE.replace(/\n/g, '\r\n');
    const result = applyLlmAnswer(
      input({ summary: 's', edits: [edit('src/a.js', 'const a = 1;\nlet unused = 2;\n', 'const a = 1;\n')] }, { fileContent: crlf }),
    );
    expect(result.newContent).toBe('const a = 1;\r\nexport function f() {\r\n  return a;\r\n}\r\n');
  });

  it('accepts JSON wrapped in a Markdown fence (local models without structured output)', () => {
    const answer = JSON.stringify({ summary: 's', edits: [edit('src/a.js', 'let unused = 2;\n', '')] });
    expect(applyLlmAnswer(input('```json\n' + answer + '\n```')).editCount).toBe(1);
  });

  it('rejects a refusal before looking at the content', () => {
    expect(rejection(() => applyLlmAnswer(input('', { refusal: 'I cannot help with that' })))).toBe('refusal');
  });

  it('rejects an answer over the byte limit without parsing it', () => {
    const big = { summary: 'x'.repeat(200), edits: [edit('src/a.js', 'let unused = 2;\n', '')] };
    expect(rejection(() => applyLlmAnswer(input(big, { maxAnswerBytes: 100 })))).toBe('too_large');
  });

  it('counts bytes, not characters', () => {
    const answer = { summary: 'é'.repeat(60), edits: [edit('src/a.js', 'let unused = 2;\n', '')] };
    const chars = JSON.stringify(answer).length;
    expect(rejection(() => applyLlmAnswer(input(answer, { maxAnswerBytes: chars + 10 })))).toBe('too_large');
  });

  it('rejects content that is not JSON', () => {
    expect(rejection(() => applyLlmAnswer(input('Sure! Here is the fix: {"summary":')))).toBe('malformed_json');
  });

  it.each([
    ['a missing key', { summary: 's' }],
    ['an extra key', { summary: 's', edits: [], command: 'rm -rf /' }],
    ['a wrong type', { summary: 's', edits: 'all of them' }],
    ['an edit with an extra key', { summary: 's', edits: [{ ...edit('src/a.js', 'a', 'b'), run: 'curl x | sh' }] }],
    ['an empty search', { summary: 's', edits: [edit('src/a.js', '', 'x')] }],
    ['an array', [1, 2]],
  ])('rejects %s as a schema violation', (_name, answer) => {
    expect(rejection(() => applyLlmAnswer(input(answer)))).toBe('schema');
  });

  it.each([
    ['/etc/passwd'],
    ['../../etc/passwd'],
    ['src/../../outside.js'],
    ['src/../src/a.js'],
    ['C:\\Windows\\system.ini'],
    ['..\\..\\etc\\passwd'],
    ['.'],
  ])('rejects the path %s as outside the repo', (path) => {
    expect(rejection(() => applyLlmAnswer(input({ summary: 's', edits: [edit(path, 'a', 'b')] })))).toBe('path_outside_repo');
  });

  it('rejects an excluded or secret file', () => {
    const answer = { summary: 's', edits: [edit('config/.env', 'A=1', 'A=2')] };
    expect(rejection(() => applyLlmAnswer(input(answer)))).toBe('excluded_file');
  });

  it('rejects an edit to another file, even after valid edits to the target', () => {
    const answer = {
      summary: 's',
      edits: [edit('src/a.js', 'let unused = 2;\n', ''), edit('src/b.js', 'x', 'y')],
    };
    expect(rejection(() => applyLlmAnswer(input(answer)))).toBe('other_file');
  });

  it('judges every path before matching any text', () => {
    const answer = { summary: 's', edits: [edit('src/a.js', 'not in the file', ''), edit('../x', 'a', 'b')] };
    expect(rejection(() => applyLlmAnswer(input(answer)))).toBe('path_outside_repo');
  });

  it('rejects search text that is not in the file', () => {
    const answer = { summary: 's', edits: [edit('src/a.js', 'var unused = 2;', '')] };
    expect(rejection(() => applyLlmAnswer(input(answer)))).toBe('search_not_found');
  });

  it('rejects search text the previous edit removed', () => {
    const answer = { summary: 's', edits: [edit('src/a.js', 'let unused = 2;\n', ''), edit('src/a.js', 'unused', 'x')] };
    expect(rejection(() => applyLlmAnswer(input(answer)))).toBe('search_not_found');
  });

  it('rejects search text that occurs more than once', () => {
    const answer = { summary: 's', edits: [edit('src/a.js', 'a', 'b')] };
    expect(rejection(() => applyLlmAnswer(input(answer)))).toBe('search_ambiguous');
  });

  it('rejects overlapping occurrences as ambiguous', () => {
    const answer = { summary: 's', edits: [edit('src/a.js', 'aa', 'b')] };
    expect(rejection(() => applyLlmAnswer(input(answer, { fileContent: 'xaaay' })))).toBe('search_ambiguous');
  });

  it('rejects an answer without edits', () => {
    expect(rejection(() => applyLlmAnswer(input({ summary: 'nothing to do', edits: [] })))).toBe('no_change');
  });

  it('rejects edits that leave the file as it was', () => {
    const answer = { summary: 's', edits: [edit('src/a.js', 'let unused = 2;', 'let unused = 2;')] };
    expect(rejection(() => applyLlmAnswer(input(answer)))).toBe('no_change');
  });

  it('names the problem in the message', () => {
    const answer = { summary: 's', edits: [edit('src/a.js', 'a', 'b')] };
    expect(() => applyLlmAnswer(input(answer))).toThrow(/edit 1: .*occurs more than once in src\/a\.js/);
  });
});

describe('normaliseRepoPath', () => {
  it('normalises separators, ./ and duplicate slashes', () => {
    expect(normaliseRepoPath('./src//lib\\x.ts')).toBe('src/lib/x.ts');
    expect(normaliseRepoPath('././a.js')).toBe('a.js');
  });

  it('returns null for absolute paths and parent segments', () => {
    expect(normaliseRepoPath('/abs')).toBeNull();
    expect(normaliseRepoPath('a/../../b')).toBeNull();
    expect(normaliseRepoPath('')).toBeNull();
  });
});
