import { describe, expect, it } from 'vitest';
import { Config, DEFAULT_TEST_GLOBS, testGlobsOf } from '../../../src/core/config/config.js';

describe('test.globs', () => {
  it('defaults to the common test locations, and keeps llm.testGlobs of older configs', () => {
    expect(testGlobsOf(Config.parse({}))).toEqual([...DEFAULT_TEST_GLOBS]);
    expect(testGlobsOf(Config.parse({ test: { globs: ['qa/**'] }, llm: { testGlobs: ['checks/**'] } }))).toEqual(['qa/**', 'checks/**']);
  });

  it('keeps the other test defaults when only the globs are set', () => {
    expect(Config.parse({ test: { globs: ['qa/**'] } }).test).toEqual({ globs: ['qa/**'], timeout: '20m', required: true, rememberRed: '1h' });
  });
});
