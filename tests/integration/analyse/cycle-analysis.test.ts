// A cycle's analysis on a real repository with Kaizen's ESLint: the first run analyses every
// file, the next only the files changed since, with the same findings as a full analysis.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { analyseForCycle, findingsCacheDir } from '../../../src/activities/analyse/cycle-analysis.js';
import type { TempRepo } from '../../helpers/git-repo.js';
import { commitAt, configOf, deps, sampleRepo, workspaceOf } from '../../fixtures/analysis-setup.js';

const repos: TempRepo[] = [];
afterEach(() => {
  for (const repo of repos.splice(0)) repo.cleanup();
});

function repoWithStateDir(): TempRepo {
  const repo = sampleRepo();
  repos.push(repo);
  mkdirSync(join(repo.path, '.kaizen'), { recursive: true });
  writeFileSync(join(repo.path, '.kaizen', '.gitignore'), '*\n');
  return repo;
}

describe('incremental analysis for cycles', () => {
  it('analyses everything once, then only what changed, with the same findings as a full run', async () => {
    const repo = repoWithStateDir();
    const config = configOf();
    const first = await analyseForCycle(deps, { workspace: workspaceOf(repo), config, maxCandidates: 10 });
    // The four sources; the three test files are never analysed.
    expect(first).toMatchObject({ reusedFrom: null, filesAnalysed: 4, filesReanalysed: 4, totalFindings: 17 });
    expect(first.candidates.map((c) => c.file)[0]).toBe('src/cart.js');
    expect(first.candidates[0]).toMatchObject({ fixable: 8, familyFixable: true });

    // Fix one finding of format.js: only that file is analysed again.
    const formatJs = join(repo.path, 'src/format.js');
    writeFileSync(formatJs, readFileSync(formatJs, 'utf8').replace('var symbol', 'const symbol'));
    commitAt(repo, 'const in format.js', new Date(Date.now() - 86_400_000));
    const second = await analyseForCycle(deps, { workspace: workspaceOf(repo), config, maxCandidates: 10 });
    expect(second).toMatchObject({ reusedFrom: first.commit, filesAnalysed: 4, filesReanalysed: 1, totalFindings: 16 });

    rmSync(findingsCacheDir(join(repo.path, '.kaizen')), { recursive: true });
    const full = await analyseForCycle(deps, { workspace: workspaceOf(repo), config, maxCandidates: 10 });
    expect(full).toMatchObject({ reusedFrom: null, filesReanalysed: 4 });
    expect(full.candidates).toEqual(second.candidates);
    expect(full.totalFindings).toBe(second.totalFindings);
  });

  it('analyses everything again when the analyser configuration changes', async () => {
    const repo = repoWithStateDir();
    await analyseForCycle(deps, { workspace: workspaceOf(repo), config: configOf(), maxCandidates: 10 });
    const again = await analyseForCycle(deps, { workspace: workspaceOf(repo), config: configOf({ exclude: ['src/index.js'] }), maxCandidates: 10 });
    expect(again).toMatchObject({ reusedFrom: null, filesAnalysed: 3, filesReanalysed: 3 });
  });

  it('ranks candidates and applies the skip rules (files being edited, recent commits)', async () => {
    const repo = repoWithStateDir();
    const inventory = join(repo.path, 'src/inventory.js');
    writeFileSync(inventory, `// Stock.\n${readFileSync(inventory, 'utf8')}`);
    commitAt(repo, 'touch inventory', new Date(Date.now() - 5 * 60_000));
    const result = await analyseForCycle(deps, {
      workspace: workspaceOf(repo, { userDirtyFiles: ['src/cart.js'] }),
      config: configOf({ recentChangeMinutes: 60 }),
      maxCandidates: 10,
    });
    expect(result.candidates.map((c) => c.file)).not.toContain('src/cart.js');
    expect(result.candidates.map((c) => c.file)).not.toContain('src/inventory.js');
    expect(result.skipped).toEqual(
      expect.arrayContaining([
        { file: 'src/cart.js', reason: 'uncommitted changes in your checkout' },
        { file: 'src/inventory.js', reason: expect.stringMatching(/^changed \d+ minutes ago$/) },
      ]),
    );
    expect(result.candidates.length).toBeGreaterThan(0);
  });
});
