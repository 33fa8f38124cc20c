// The git adapter against the real git binary: exit codes and output as git gives them, `-c`
// settings and environment for one call, and a git that hangs (with what it started), is
// cancelled or is missing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { git, runGit } from '../../src/adapters/git.js';
import { procStat } from '../../src/adapters/process-groups.js';
import { BinaryMissingError, GitFailedError } from '../../src/core/errors.js';
import { createRepo, GIT_ENV, type TempRepo } from '../helpers/git-repo.js';

const repos: TempRepo[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) r.cleanup();
});

function repo(): TempRepo {
  const r = createRepo({ 'a.txt': 'a\n' });
  repos.push(r);
  return r;
}

describe('runGit', () => {
  it('returns output and exit code as git gives them, also for commands that print nothing', async () => {
    const r = repo();
    const ctx = { cwd: r.path, env: GIT_ENV };
    expect((await runGit(ctx, ['rev-parse', 'HEAD'])).stdout.trim()).toBe(r.head());
    expect(await runGit(ctx, ['update-ref', 'refs/kaizen/probe', 'HEAD'])).toEqual({ exitCode: 0, stdout: '', stderr: '' });
    expect(r.git('rev-parse', 'refs/kaizen/probe')).toBe(r.head());
    const missing = await runGit(ctx, ['rev-parse', '--verify', 'no-such-branch']);
    expect(missing.exitCode).toBe(128);
    expect(missing.stderr).toMatch(/Needed a single revision/);
    await expect(git(ctx, ['rev-parse', '--verify', 'no-such-branch'])).rejects.toBeInstanceOf(GitFailedError);
  });

  it('applies -c settings and extra environment to the one call only', async () => {
    const r = repo();
    const ctx = { cwd: r.path, env: GIT_ENV };
    expect((await git(ctx, ['rev-parse', '--short', 'HEAD'], { config: ['core.abbrev=12'] })).trim()).toHaveLength(12);
    expect((await git(ctx, ['var', 'GIT_AUTHOR_IDENT'], { env: { GIT_AUTHOR_NAME: 'Kaizen Probe' } })).startsWith('Kaizen Probe <test@example.com>')).toBe(true);
    expect((await git(ctx, ['rev-parse', '--short', 'HEAD'])).trim()).toHaveLength(7);
    expect((await git(ctx, ['var', 'GIT_AUTHOR_IDENT'])).startsWith('Test User <test@example.com>')).toBe(true);
  });

  it('stops a git that prints nothing for too long, and one whose activity is cancelled', async () => {
    const r = repo();
    const hang = { config: ['alias.hang=!sleep 5'] };
    await expect(runGit({ cwd: r.path, env: GIT_ENV }, ['hang'], { ...hang, silentTimeoutMs: 200 })).rejects.toThrow(/printed nothing/);
    const controller = new AbortController();
    const cancelled = runGit({ cwd: r.path, env: GIT_ENV, signal: controller.signal }, ['hang'], hang);
    setTimeout(() => controller.abort(new Error('activity cancelled')), 100);
    await expect(cancelled).rejects.toThrow('activity cancelled');
  });

  it('ends what a stopped git started too (a hook, an alias) before it rejects', async () => {
    const r = repo();
    const pidFile = join(r.path, '.git', 'sleeper.pid');
    const hang = { config: [`alias.hang=!sleep 30 & echo $! > '${pidFile}'; wait`] };
    await expect(runGit({ cwd: r.path, env: GIT_ENV }, ['hang'], { ...hang, silentTimeoutMs: 300 })).rejects.toThrow(/printed nothing/);
    const stat = procStat(Number(readFileSync(pidFile, 'utf8').trim()));
    // Gone, or a zombie not reaped yet (in a container perhaps never).
    expect(stat === null || stat.state === 'Z').toBe(true);
  });

  it('names a missing folder and a missing git binary', async () => {
    await expect(runGit({ cwd: '/no/such/folder', env: GIT_ENV }, ['status'])).rejects.toThrow(/does not exist/);
    const r = repo();
    await expect(runGit({ cwd: r.path, env: { ...GIT_ENV, PATH: '/nonexistent' } }, ['status'])).rejects.toBeInstanceOf(BinaryMissingError);
  });
});
