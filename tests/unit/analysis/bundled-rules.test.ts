// Kaizen's bundled ESLint rules are for repositories without rules of their own, so they may
// only hold fixes that cannot change behaviour (or rules that only report). This pins the
// list: a rule is added here only together with the reason its fix is safe.
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain ESM asset without types, loaded by ESLint itself
import { EXCLUDED_RULES, JS_RULES, SHARED_RULES, settingsOf, TS_RULES } from '../../../assets/eslint.default.rules.mjs';

type Table = Record<string, [unknown, string]>;
const tables = { SHARED_RULES, JS_RULES, TS_RULES } as unknown as Record<string, Table>;

describe("Kaizen's bundled rule set", () => {
  it('holds exactly the behaviour-preserving or report-only rules', () => {
    expect(Object.keys(tables.SHARED_RULES!).sort()).toEqual([
      'eqeqeq',
      'no-extra-boolean-cast',
      'no-regex-spaces',
      'no-unneeded-ternary',
      'no-useless-computed-key',
      'no-useless-concat',
      'no-useless-rename',
      'no-var',
      'object-shorthand',
      'operator-assignment',
      'prefer-const',
      'prefer-numeric-literals',
      'yoda',
    ]);
    expect(Object.keys(tables.JS_RULES!).sort()).toEqual(['no-undef', 'no-unused-vars']);
    expect(Object.keys(tables.TS_RULES!)).toEqual(['@typescript-eslint/no-unused-vars']);
  });

  it('gives every rule a one-line reason', () => {
    for (const table of Object.values(tables)) {
      for (const [rule, [, why]] of Object.entries(table)) {
        expect(why, rule).toMatch(/^\S.{20,}$/);
      }
    }
  });

  it('leaves out rules whose fix changes a function, its this or arguments, or evaluation', () => {
    const enabled = Object.values(tables).flatMap((table) => Object.keys(table));
    for (const rule of ['prefer-arrow-callback', 'dot-notation', 'no-extra-bind', 'prefer-rest-params', 'prefer-spread', 'prefer-template', 'prefer-object-spread']) {
      expect(enabled, rule).not.toContain(rule);
      expect((EXCLUDED_RULES as Record<string, string>)[rule], rule).toMatch(/\S/);
    }
    // object-shorthand stays for properties only: methods are not constructible.
    expect(settingsOf(SHARED_RULES)['object-shorthand']).toEqual(['warn', 'properties', { avoidQuotes: true }]);
  });
});
