import { describe, expect, it } from 'vitest';
import { FINDINGS_CACHE_VERSION, parseFindingsCache, planIncremental, type FindingsCacheFile } from '../../../src/core/analysis/findings-cache.js';
import type { Finding } from '../../../src/core/types.js';

function finding(file: string, ruleId = 'no-var'): Finding {
  return { file, line: 1, column: 1, ruleId, message: 'm', severity: 'warning', analyser: 'eslint', fixable: true };
}

const cache: FindingsCacheFile = {
  version: FINDINGS_CACHE_VERSION,
  commit: 'a'.repeat(40),
  configKey: 'k1',
  files: ['a.js', 'b.js', 'c.js'],
  findings: [finding('a.js'), finding('b.js'), finding('b.js', 'eqeqeq')],
};

describe('incremental analysis', () => {
  it('re-analyses only changed and new files, keeping the findings of the others', () => {
    const plan = planIncremental({ cache, configKey: 'k1', eligible: ['a.js', 'b.js', 'c.js', 'd.js'], changed: ['a.js', 'README.md'] });
    expect(plan.reanalyse).toEqual(['a.js', 'd.js']);
    expect(plan.reused).toEqual([finding('b.js'), finding('b.js', 'eqeqeq')]);
    expect(plan.reusedFrom).toBe(cache.commit);
  });

  it('drops findings of files that were deleted or are no longer eligible', () => {
    const plan = planIncremental({ cache, configKey: 'k1', eligible: ['a.js'], changed: ['b.js'] });
    expect(plan.reanalyse).toEqual([]);
    expect(plan.reused).toEqual([finding('a.js')]);
  });

  it.each([
    ['no cache', { cache: null }, /no earlier analysis/],
    ['another analyser config', { configKey: 'k2' }, /analyser configuration changed/],
    ['an unknown cached commit', { changed: null }, /no longer known/],
    ['a changed ESLint config', { changed: ['eslint.config.js'] }, /eslint\.config\.js changed/],
    ['changed dependencies', { changed: ['package-lock.json'] }, /package-lock\.json changed/],
  ])('analyses everything again after %s', (_name, overrides, why) => {
    const plan = planIncremental({ cache, configKey: 'k1', eligible: ['a.js', 'b.js'], changed: [], ...overrides });
    expect(plan).toMatchObject({ reanalyse: ['a.js', 'b.js'], reused: [], reusedFrom: null });
    expect(plan.fullBecause).toMatch(why);
  });

  it('treats an unreadable cache file as no cache', () => {
    expect(parseFindingsCache('{"commit": 1}')).toBeNull();
    expect(parseFindingsCache('not json')).toBeNull();
    expect(parseFindingsCache(JSON.stringify(cache))).toEqual(cache);
  });
});
