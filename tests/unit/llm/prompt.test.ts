import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../src/core/types.js';
import { buildFixPrompt, buildPrompt, FIX_ANSWER_SCHEMA, languageOf, PROMPT_VERSION } from '../../../src/core/llm/prompt.js';
import { redactSecrets } from '../../../src/core/llm/secrets.js';

function finding(line: number, ruleId = 'no-unused-vars', message = "'x' is defined but never used."): Finding {
  return { file: 'src/a.js', line, column: 5, ruleId, message, severity: 'warning', analyser: 'eslint', fixable: false };
}

function userText(...args: Parameters<typeof buildFixPrompt>): string {
  const messages = buildFixPrompt(...args);
  expect(messages.map((m) => m.role)).toEqual(['system', 'user']);
  return messages[1]?.content ?? '';
}

describe('buildFixPrompt', () => {
  it('tells the model the rules of the answer', () => {
    const [system] = buildFixPrompt({ target: 'a.js', language: 'JavaScript', findings: [], testCommand: null, fileContent: 'x' });
    expect(system?.content).toMatch(/only with the JSON object/);
    expect(system?.content).toMatch(/only the target file/i);
    expect(system?.content).toMatch(/behaviour/);
    expect(system?.content).toMatch(/smallest edits/);
    expect(system?.content).toMatch(/copied exactly/);
    expect(system?.content).toMatch(/exactly once/);
  });

  it('names the file, language, findings and test command and numbers every line', () => {
    const text = userText({
      target: 'src/a.js',
      language: 'JavaScript',
      findings: [finding(2), finding(3, 'eqeqeq', "Expected '===' and instead saw\n'=='.")],
      testCommand: ['npm', 'test'],
      fileContent: 'const a = 1;\nlet x = 2;\nif (a == 1) {}\n',
    });
    expect(text).toContain('Target file: src/a.js');
    expect(text).toContain('Language: JavaScript');
    expect(text).toContain("- 2:5 no-unused-vars (eslint, warning): 'x' is defined but never used.");
    expect(text).toContain("- 3:5 eqeqeq (eslint, warning): Expected '===' and instead saw '=='.");
    expect(text).toContain('`npm test`');
    expect(text).toContain('1 | const a = 1;\n2 | let x = 2;\n3 | if (a == 1) {}\n4 | ');
    expect(text).toContain('The whole file.');
  });

  it('shows only windows around the findings of a big file, and says so', () => {
    const lines = Array.from({ length: 1000 }, (_, i) => `line ${i + 1};`);
    const text = userText({
      target: 'big.ts',
      language: 'TypeScript',
      findings: [finding(100), finding(110), finding(900)],
      testCommand: null,
      fileContent: lines.join('\n'),
    });
    expect(text).toContain('The file has 1000 lines; only the parts within 30 lines of the findings are shown');
    expect(text).toContain("the repository's test suite");
    // first window: 70..140 (two findings merged), second: 870..930
    expect(text).not.toContain('line 69;');
    expect(text).toContain('  70 | line 70;');
    expect(text).toContain(' 140 | line 140;');
    expect(text).not.toContain('line 141;');
    expect(text).not.toContain('line 869;');
    expect(text).toContain(' 870 | line 870;');
    expect(text).toContain(' 930 | line 930;');
    expect(text).not.toContain('line 931;');
    expect(text.match(/^…$/gm)).toHaveLength(3);
  });

  it('shows a big file whole when no finding points into it', () => {
    const lines = Array.from({ length: 500 }, (_, i) => `l${i + 1}`);
    const text = userText({ target: 'b.js', language: 'JavaScript', findings: [finding(9999)], testCommand: null, fileContent: lines.join('\n') });
    expect(text).toContain('500 | l500');
    expect(text).toContain('  1 | l1');
  });

  it('redacts credentials from the file before it is sent', () => {
    const text = userText({
      target: 'cfg.js',
      language: 'JavaScript',
      findings: [finding(1)],
      testCommand: null,
      fileContent: "const apiKey = 'sk-proj-abcdefghijklmnopqrstuvwxyz123456';\nconst n = 1;\n",
    });
    expect(text).not.toContain('abcdefghijklmnopqrstuvwxyz');
    expect(text).toContain('1 | const apiKey = ');
    expect(text).toContain('2 | const n = 1;');
  });

  it('exports a strict answer schema and a version', () => {
    const schema = FIX_ANSWER_SCHEMA.schema as { additionalProperties: boolean; required: string[] };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(['summary', 'edits']);
    expect(FIX_ANSWER_SCHEMA.name).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    expect(PROMPT_VERSION).toBe('fix-findings@4');
  });
});

describe('redactSecrets', () => {
  it('redacts known key formats, assigned secrets and private key blocks, keeping line count', () => {
    const text = [
      'AWS=AKIAABCDEFGHIJKLMNOP',
      'const token = "ghp_abcdefghijklmnopqrstuvwxyz0123456789";',
      "password: 'hunter2hunter2'",
      '-----BEGIN RSA PRIVATE KEY-----',
      'MIIEowIBAAKCAQEA0123456789',
      '-----END RSA PRIVATE KEY-----',
      'const ok = computeTotal(items);',
    ].join('\n');
    const out = redactSecrets(text).text;
    expect(out).not.toMatch(/AKIAABCDEFGHIJKLMNOP|ghp_abc|hunter2|MIIEow/);
    expect(out.split('\n')).toHaveLength(7);
    expect(out).toContain('const ok = computeTotal(items);');
    expect(out).toContain("password: '__KAIZEN_SECRET_3__'");
  });
});

describe('languageOf', () => {
  it('maps extensions to language names', () => {
    expect(languageOf('src/a.tsx')).toBe('TypeScript (TSX)');
    expect(languageOf('x.PY')).toBe('Python');
    expect(languageOf('Makefile')).toBe('plain text');
  });
});

describe('the scope rule and refused repairs', () => {
  it('tells the model an edit outside the findings is refused', () => {
    const [system] = buildPrompt({ kind: 'llm', target: 'a.js', language: 'JavaScript', findings: [], testCommand: null, fileContent: 'x' });
    expect(system?.content).toMatch(/change only the statements that contain them, plus the imports the fix needs\. An edit anywhere else is refused\./);
  });

  it('says a refused answer was never applied, and why it was refused', () => {
    const messages = buildPrompt({
      kind: 'llm',
      target: 'src/a.js',
      language: 'JavaScript',
      findings: [],
      testCommand: ['node', '--test'],
      fileContent: 'var a = 1;\n',
      repair: { attempt: 2, previousSummary: 'tidy', previousDiff: '-if (k === "__proto__") continue;', failure: 'LLM answer rejected (out_of_scope): src/a.js line 14 …', refused: true },
    });
    const user = messages[1]?.content ?? '';
    expect(user).toContain('This is attempt 2. Your previous answer was refused before anything was written: it changed code it may not change.');
    expect(user).toContain('Why it was refused:\n```\nLLM answer rejected (out_of_scope): src/a.js line 14 …\n```');
    expect(user).toContain('Tests that must keep passing: `node --test`');
  });
});
