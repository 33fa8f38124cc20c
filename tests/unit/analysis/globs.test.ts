import { describe, expect, it } from 'vitest';
import { Config } from '../../../src/core/config/config.js';
import { compileExcludes, compileGlobs, isExcluded } from '../../../src/core/analysis/globs.js';

const defaults = Config.parse({});

describe('isExcluded', () => {
  it.each([
    'node_modules/left-pad/index.js',
    'packages/web/node_modules/react/index.js',
    'dist/app.js',
    'vendor/jquery.js',
    'public/lib/chart.min.js',
    '.env',
    'config/.env.production',
    'deploy/server.pem',
    'src/aws-credentials.json',
    'src/secret-store.js',
    'package-lock.json',
    '.kaizen/proposals/a.json',
  ])('leaves %s alone by default', (path) => {
    expect(isExcluded(path, defaults)).toBe(true);
  });

  it.each(['src/index.js', 'lib/build-tools.js', '.github/workflows/ci.js', 'src/environment.ts'])('analyses %s by default', (path) => {
    expect(isExcluded(path, defaults)).toBe(false);
  });

  it('adds the config excludes to the built-in ones; a folder name covers everything below it', () => {
    const config = Config.parse({ exclude: ['legacy', 'src/**/*.generated.ts'] });
    expect(isExcluded('legacy/old.js', config)).toBe(true);
    expect(isExcluded('legacy/deep/older.js', config)).toBe(true);
    expect(isExcluded('src/api/client.generated.ts', config)).toBe(true);
    expect(isExcluded('src/api/client.ts', config)).toBe(false);
    expect(isExcluded('src/legacy-adapter.js', config)).toBe(false);
    expect(isExcluded('node_modules/x/index.js', config)).toBe(true);
  });

  it('normalises ./ prefixes and backslashes', () => {
    const excluded = compileExcludes(defaults);
    expect(excluded('./dist/app.js')).toBe(true);
    expect(excluded('dist\\app.js')).toBe(true);
  });
});

describe('compileGlobs', () => {
  it('matches analyser include globs, dot files included', () => {
    const python = compileGlobs(['**/*.py']);
    expect(python('app/main.py')).toBe(true);
    expect(python('.scripts/tool.py')).toBe(true);
    expect(python('app/main.js')).toBe(false);
    expect(compileGlobs([])('anything.js')).toBe(false);
  });
});
