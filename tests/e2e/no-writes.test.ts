// A run that fails before it has a git repository with a commit and a valid config writes
// nothing into the folder: byte-identical afterwards, `git status` clean, no `.kaizen/`. The
// outcome still reaches the caller. Real dev server, worker and git.
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepo, git, type TempRepo } from '../helpers/git-repo.js';
import { snapshotRepo, startKaizen, type E2eKaizen } from '../helpers/e2e.js';

let kaizen: E2eKaizen;
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  kaizen = await startKaizen('no-writes');
});

afterAll(async () => {
  await kaizen?.close();
  for (const cleanup of cleanups) cleanup();
});

function folder(): string {
  const path = mkdtempSync(join(tmpdir(), 'kaizen-no-writes-'));
  cleanups.push(() => rmSync(path, { recursive: true, force: true }));
  return path;
}

describe('a run that cannot start writes nothing', () => {
  it('a repository with an invalid kaizen.config.json stays byte-identical and clean', async () => {
    const repo: TempRepo = createRepo({ 'src/a.js': 'var a = 1;\nexport { a };\n', 'kaizen.config.json': JSON.stringify({ budget: { maxPerDay: 'lots' }, colour: 'blue' }) });
    cleanups.push(() => repo.cleanup());
    const before = snapshotRepo(repo.path);
    const entries = readdirSync(repo.path).sort();

    const result = await kaizen.improve({ repoPath: repo.path, strategy: 'autofix', mode: 'merge' });

    expect(result.outcome).toBe('failed');
    expect(result.reason).toMatch(/kaizen\.config\.json/);
    expect(snapshotRepo(repo.path)).toEqual(before);
    expect(readdirSync(repo.path).sort()).toEqual(entries);
    expect(existsSync(join(repo.path, '.kaizen'))).toBe(false);
    expect(repo.git('status', '--porcelain', '--ignored')).toBe('');
  });

  it('a folder that is not a repository, and a repository without a commit, are left as they were', async () => {
    const plain = folder();
    writeFileSync(join(plain, 'notes.js'), 'var x = 1;\n');
    const empty = folder();
    git(empty, 'init', '-q', '-b', 'main');
    writeFileSync(join(empty, 'a.js'), 'var y = 2;\n');

    for (const path of [plain, empty]) {
      const entries = readdirSync(path).sort();
      const result = await kaizen.improve({ repoPath: path, strategy: 'autofix', mode: 'merge' });
      expect(result.outcome, path).toBe('failed');
      expect(readdirSync(path).sort(), path).toEqual(entries);
    }
    expect(git(empty, 'status', '--porcelain')).toBe('?? a.js');
  });
});
