// The worker's mirror of a repository given by URL, against real bare remotes: runs that fetch
// at once on one worker take turns and leave one sound mirror; a fetch brings the remote's
// branches but never overwrites Kaizen's own kaizen/* branches; the token is nowhere on disk.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mirrorPathOf, syncMirror } from '../../../src/activities/workspace/mirror.js';
import { parseRepoUrl } from '../../../src/core/repository/remote-url.js';
import { activityDeps } from '../../helpers/activity-deps.js';
import { BareRepos, fileUrl } from '../../helpers/bare-repos.js';
import { GIT_ENV } from '../../helpers/git-repo.js';
import { startGitHttpRemote } from '../../helpers/git-http-remote.js';

const homes: string[] = [];
const repos = new BareRepos();
afterAll(() => {
  repos.cleanup();
  for (const home of homes) rmSync(home, { recursive: true, force: true });
});

function depsWithHome(extra: NodeJS.ProcessEnv = {}) {
  const home = mkdtempSync(join(tmpdir(), 'kaizen-home-'));
  homes.push(home);
  return { home, deps: activityDeps({ env: { ...GIT_ENV, KAIZEN_USER_HOME: home, ...extra } }) };
}

const gitIn = (dir: string, ...args: string[]) => execFileSync('git', args, { cwd: dir, env: GIT_ENV, encoding: 'utf8' }).trim();

describe('syncMirror', () => {
  it('lets concurrent runs on one worker take turns: one mirror, at the remote main, nothing left beside it', async () => {
    repos.create('acme/shop');
    const repo = parseRepoUrl(fileUrl(repos, 'acme/shop'))!;
    const { home, deps } = depsWithHome();
    const mirrors = await Promise.all(Array.from({ length: 4 }, () => syncMirror(deps, repo)));
    expect(new Set(mirrors)).toEqual(new Set([join(home, 'repos', 'file', ...repos.path('acme/shop').split('/').filter(Boolean))]));
    expect(gitIn(mirrors[0]!, 'rev-parse', 'refs/heads/main')).toBe(repos.branchSha('acme/shop', 'main'));
    expect(gitIn(mirrors[0]!, 'fsck', '--no-progress')).toBe('');
    // No partial clone or lock file left beside the mirror.
    expect(readdirSync(join(mirrors[0]!, '..'))).toEqual(['shop.git']);
  });

  it("fetches the remote's new commits and branches, but never overwrites a kaizen/* branch of the mirror", async () => {
    repos.create('acme/web');
    const repo = parseRepoUrl(fileUrl(repos, 'acme/web'))!;
    const { deps } = depsWithHome();
    const mirror = await syncMirror(deps, repo);
    const local = gitIn(mirror, 'rev-parse', 'refs/heads/main');
    gitIn(mirror, 'update-ref', 'refs/heads/kaizen/run-1', local);
    const moved = repos.commitFiles('acme/web', 'main', { 'a.txt': 'a\n' }, { message: 'a' });
    repos.commitFiles('acme/web', 'kaizen/run-1', { 'b.txt': 'b\n' }, { message: 'someone else', from: 'main' });
    repos.commitFiles('acme/web', 'feature', { 'c.txt': 'c\n' }, { message: 'c', from: 'main' });
    await syncMirror(deps, repo);
    expect(gitIn(mirror, 'rev-parse', 'refs/heads/main')).toBe(moved);
    expect(gitIn(mirror, 'rev-parse', 'refs/heads/feature')).toBe(repos.branchSha('acme/web', 'feature'));
    expect(gitIn(mirror, 'rev-parse', 'refs/heads/kaizen/run-1')).toBe(local);
  });

  it('sends KAIZEN_GIT_TOKEN per command over HTTP, names the variable when it is refused, and writes it nowhere', async () => {
    const remote = await startGitHttpRemote();
    try {
      remote.createRepo('acme/api');
      const repo = parseRepoUrl(remote.repoUrl('acme/api'))!;
      const { deps } = depsWithHome({ KAIZEN_GIT_TOKEN: 'git-token' });
      const mirror = await syncMirror(deps, repo);
      expect(mirror).toBe(mirrorPathOf(repo, deps.env));
      expect(readFileSync(join(mirror, 'config'), 'utf8')).not.toMatch(/git-token|extraHeader|Authorization/i);

      const refused = depsWithHome({ KAIZEN_GIT_TOKEN: 'wrong-token' });
      const error = await syncMirror(refused.deps, repo).then(() => null, (err: Error) => err);
      expect(error?.message).toMatch(/KAIZEN_GIT_TOKEN/);
      expect(error?.message).not.toContain('wrong-token');
      const anonymous = depsWithHome();
      expect((await syncMirror(anonymous.deps, repo).then(() => null, (err: Error) => err))?.message).toMatch(/set KAIZEN_GIT_TOKEN/);
      expect(readdirSync(join(refused.home, 'repos', '127.0.0.1_' + new URL(remote.url).port, 'acme'))).toEqual([]);
    } finally {
      await remote.close();
    }
  });
});
