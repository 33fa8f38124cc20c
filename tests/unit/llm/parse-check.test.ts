import { describe, expect, it } from 'vitest';
import { checkParses } from '../../../src/adapters/parse-check.js';

describe('checkParses', () => {
  it('accepts valid JavaScript in every JS flavour', () => {
    expect(checkParses('a.js', 'export const f = (x) => x * 2;\n')).toEqual({ ok: true });
    expect(checkParses('a.mjs', 'import x from "y";\nexport default x;\n')).toEqual({ ok: true });
    expect(checkParses('a.cjs', 'module.exports = { a: 1 };\n')).toEqual({ ok: true });
    expect(checkParses('a.jsx', 'export const A = () => <div className="a">{1}</div>;\n')).toEqual({ ok: true });
  });

  it('rejects broken JavaScript with the position of the first error', () => {
    const result = checkParses('src/a.js', 'const a = 1;\nfunction f( {\n  return a;\n}\n');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/^src\/a\.js:\d+:\d+: /);
  });

  it('accepts valid TypeScript and TSX', () => {
    expect(checkParses('a.ts', 'export function f<T>(x: T): T { return x as T; }\n')).toEqual({ ok: true });
    expect(checkParses('a.mts', 'export type A = { readonly b?: number };\n')).toEqual({ ok: true });
    expect(checkParses('a.tsx', 'export const A = (p: { n: number }) => <b>{p.n}</b>;\n')).toEqual({ ok: true });
  });

  it('rejects broken TypeScript', () => {
    const result = checkParses('a.ts', 'export function f(x: number {\n  return x;\n}\n');
    expect(result).toMatchObject({ ok: false, message: expect.stringMatching(/^a\.ts:1:29: ',' expected\. \(and \d+ more\)$/) });
  });

  it('parses .ts as TypeScript, not TSX: a generic arrow is fine in .ts and broken in .tsx', () => {
    const code = 'const id = <T>(x: T) => x;\n';
    expect(checkParses('a.ts', code).ok).toBe(true);
    expect(checkParses('a.tsx', code).ok).toBe(false);
  });

  it('checks JSON with JSON.parse', () => {
    expect(checkParses('package.json', '{"a": [1, 2]}')).toEqual({ ok: true });
    expect(checkParses('package.json', '{"a": [1, 2,]}').ok).toBe(false);
  });

  it('accepts files of other languages unchecked', () => {
    expect(checkParses('README.md', '# (((')).toEqual({ ok: true });
    expect(checkParses('main.py', 'def (:')).toEqual({ ok: true });
  });
});
