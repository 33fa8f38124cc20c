// The pure part of `kaizen doctor`: line format, report summary, exit code and the small
// decisions (git version, missing search attributes, time limit).
import { describe, expect, it } from 'vitest';
import {
  doctorExitCode,
  failed,
  formatCheck,
  formatReport,
  missingSearchAttributes,
  parseGitVersion,
  passed,
  searchAttributeCommands,
  skipped,
  versionAtLeast,
  warned,
  withinTimeLimit,
} from '../../../src/cli/doctor/report.js';

describe('doctor report', () => {
  it('prints one line per check in the four documented shapes', () => {
    expect(formatCheck(passed('git', 'git 2.43.0'))).toBe('✔ git: git 2.43.0');
    expect(formatCheck(failed('worker', 'no worker polls kaizen', 'start `kaizen worker`'))).toBe('✘ worker: no worker polls kaizen — fix: start `kaizen worker`');
    expect(formatCheck(warned('checkout', '2 changes', '2 uncommitted changes (a, b)'))).toBe('! checkout: 2 uncommitted changes (a, b)');
    expect(formatCheck(warned('llm', 'up', 'up, but not with the model m', 'set KAIZEN_MODEL'))).toBe('! llm: up, but not with the model m — fix: set KAIZEN_MODEL');
    expect(formatCheck(skipped('smtp', 'SMTP_URL is not set'))).toBe('- smtp: skipped (SMTP_URL is not set)');
  });

  it('warnings and skipped checks are ok; only failures make the exit code 1', () => {
    const fine = [passed('a', 'x'), warned('b', 'y', 'careful'), skipped('c', 'not configured')];
    expect(fine.every((c) => c.ok)).toBe(true);
    expect(doctorExitCode(fine)).toBe(0);
    expect(doctorExitCode([...fine, failed('d', 'broken', 'fix it')])).toBe(1);
    expect(doctorExitCode([])).toBe(0);
  });

  it('ends with a summary that counts each kind', () => {
    const report = formatReport([passed('a', 'x'), warned('b', 'y', 'careful'), skipped('c', 'why'), failed('d', 'broken', 'fix')]);
    expect(report.split('\n')).toEqual(['✔ a: x', '! b: careful', '- c: skipped (why)', '✘ d: broken — fix: fix', '', '2 passed, 1 with warnings, 1 failed, 1 skipped']);
    expect(formatReport([passed('a', 'x')]).split('\n').at(-1)).toBe('1 passed, 0 failed');
  });
});

describe('doctor decisions', () => {
  it('reads git versions as the common builds print them', () => {
    expect(parseGitVersion('git version 2.43.0\n')).toEqual([2, 43, 0]);
    expect(parseGitVersion('git version 2.39.3 (Apple Git-145)')).toEqual([2, 39, 3]);
    expect(parseGitVersion('git version 2.45.1.windows.1')).toEqual([2, 45, 1]);
    expect(parseGitVersion('git version 2.25')).toEqual([2, 25, 0]);
    expect(parseGitVersion('command not found')).toBeNull();
  });

  it('compares versions part by part', () => {
    expect(versionAtLeast([2, 25, 0], [2, 25, 0])).toBe(true);
    expect(versionAtLeast([2, 30, 0], [2, 25, 0])).toBe(true);
    expect(versionAtLeast([3, 0, 0], [2, 25, 0])).toBe(true);
    expect(versionAtLeast([2, 24, 9], [2, 25, 0])).toBe(false);
    expect(versionAtLeast([1, 99, 0], [2, 25, 0])).toBe(false);
  });

  it("names Kaizen's missing search attributes and the commands that add them", () => {
    expect(missingSearchAttributes(['KaizenRepo', 'KaizenFile', 'WorkflowType'])).toEqual(['KaizenStep', 'KaizenOutcome', 'KaizenStrategy']);
    expect(missingSearchAttributes(['KaizenRepo', 'KaizenFile', 'KaizenStep', 'KaizenOutcome', 'KaizenStrategy'])).toEqual([]);
    expect(searchAttributeCommands('prod', ['KaizenStep'])).toEqual(['temporal operator search-attribute create --namespace prod --name KaizenStep --type Keyword']);
  });

  it('a time limit turns a hung check into its timeout result', async () => {
    const hung = new Promise<never>(() => undefined);
    const started = Date.now();
    const result = await withinTimeLimit(50, () => hung, () => failed('x', 'no answer', 'fix'));
    expect(result).toMatchObject({ ok: false, detail: 'no answer' });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await withinTimeLimit(1000, async () => passed('x', 'fast'), () => failed('x', 'slow', 'fix'))).toMatchObject({ ok: true });
  });
});
