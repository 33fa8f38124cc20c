// Real git repositories in temp folders, isolated from the machine's git config.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, cpSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Workspace } from '../../src/core/types.js';

export const GIT_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Test User',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test User',
  GIT_COMMITTER_EMAIL: 'test@example.com',
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8' }).trim();
}

export interface TempRepo {
  path: string;
  write(file: string, content: string): void;
  commitAll(message: string): string;
  git(...args: string[]): string;
  head(branch?: string): string;
  cleanup(): void;
}

/** A repo on branch `main` with the given files committed. */
export function createRepo(files: Record<string, string> = {}, opts: { from?: string } = {}): TempRepo {
  const path = mkdtempSync(join(tmpdir(), 'kaizen-repo-'));
  git(path, 'init', '-q', '-b', 'main');
  if (opts.from) cpSync(opts.from, path, { recursive: true });
  const repo: TempRepo = {
    path,
    write(file, content) {
      const full = join(path, file);
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, content);
    },
    commitAll(message) {
      git(path, 'add', '-A');
      git(path, 'commit', '-q', '--allow-empty', '-m', message);
      return git(path, 'rev-parse', 'HEAD');
    },
    git: (...args) => git(path, ...args),
    head: (branch = 'HEAD') => git(path, 'rev-parse', branch),
    cleanup: () => rmSync(path, { recursive: true, force: true }),
  };
  for (const [file, content] of Object.entries(files)) repo.write(file, content);
  repo.commitAll('initial');
  return repo;
}

/** The repo itself as a Kaizen workspace (worktree = checkout), for activity tests. */
export function workspaceOf(repo: TempRepo, runId = 'test-run', overrides: Partial<Workspace> = {}): Workspace {
  return {
    runId,
    repoRoot: repo.path,
    worktree: repo.path,
    branch: `kaizen/${runId}`,
    backupRef: `refs/kaizen/backup/${runId}`,
    targetBranch: 'main',
    baseCommit: repo.head(),
    baseTree: repo.git('rev-parse', 'HEAD^{tree}'),
    stateDir: join(repo.path, '.kaizen'),
    userDirtyFiles: [],
    ...overrides,
  };
}
