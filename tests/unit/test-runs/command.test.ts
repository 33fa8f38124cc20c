import { describe, expect, it } from 'vitest';
import { hasRealTestScript, resolveTestCommand } from '../../../src/core/test-runs/command.js';

const pkg = (scripts: Record<string, string> | undefined) => JSON.stringify({ name: 'x', ...(scripts ? { scripts } : {}) });

describe('resolveTestCommand', () => {
  it('prefers the per-run override over config and package.json', () => {
    expect(
      resolveTestCommand({
        override: ['pytest', '-q'],
        configured: 'npm run unit',
        packageJsonText: pkg({ test: 'vitest run' }),
        required: true,
      }),
    ).toEqual({ kind: 'run', command: ['pytest', '-q'], source: 'override' });
  });

  it('splits a configured command string like a shell would, quotes included', () => {
    expect(
      resolveTestCommand({ configured: `node --test 'test dir/a.test.js'`, packageJsonText: null, required: true }),
    ).toEqual({ kind: 'run', command: ['node', '--test', 'test dir/a.test.js'], source: 'config' });
  });

  it('takes a configured argument array as it is', () => {
    expect(resolveTestCommand({ configured: ['make', 'check'], packageJsonText: null, required: true })).toEqual({
      kind: 'run',
      command: ['make', 'check'],
      source: 'config',
    });
  });

  it('falls back to npm test when package.json has a test script', () => {
    expect(resolveTestCommand({ packageJsonText: pkg({ test: 'node --test' }), required: true })).toEqual({
      kind: 'run',
      command: ['npm', 'test'],
      source: 'package.json',
    });
  });

  it("treats npm's placeholder script as no tests: missing when required, skipped when not", () => {
    const text = pkg({ test: 'echo "Error: no test specified" && exit 1' });
    expect(resolveTestCommand({ packageJsonText: text, required: true })).toEqual({ kind: 'missing' });
    expect(resolveTestCommand({ packageJsonText: text, required: false })).toEqual({ kind: 'skip' });
  });

  it('reports missing or skip when there is no package.json and no command', () => {
    expect(resolveTestCommand({ packageJsonText: null, required: true })).toEqual({ kind: 'missing' });
    expect(resolveTestCommand({ packageJsonText: null, required: false })).toEqual({ kind: 'skip' });
  });

  it('ignores an empty override and a blank configured command', () => {
    expect(
      resolveTestCommand({ override: [], configured: '   ', packageJsonText: pkg({ test: 'jest' }), required: true }),
    ).toEqual({ kind: 'run', command: ['npm', 'test'], source: 'package.json' });
  });
});

describe('hasRealTestScript', () => {
  it.each([
    ['a real script', pkg({ test: 'vitest run' }), true],
    ['no scripts', pkg(undefined), false],
    ['an empty script', pkg({ test: '  ' }), false],
    ['only other scripts', pkg({ build: 'tsc' }), false],
    ['the placeholder with single quotes', pkg({ test: "echo 'Error: no test specified' && exit 1" }), false],
    ['invalid JSON', '{ "scripts": ', false],
    ['a non-object', '[1]', false],
  ])('%s → %s', (_label, text, expected) => {
    expect(hasRealTestScript(text)).toBe(expected);
  });
});
