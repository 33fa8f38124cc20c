// A repository on a forge fake with a branch pushed over git smart HTTP, as Kaizen will
// leave one before opening a pull request.
import { credentialHelperAuth, git, scratchDir } from '../git-client.js';
import type { FakeForge } from './fake-forge.js';

export interface PushedBranch {
  fullName: string;
  branch: string;
  headSha: string;
  cleanup(): void;
}

/** Creates `fullName` with one file and pushes `branch` one commit ahead of main. */
export async function repoWithPushedBranch(forge: FakeForge, fullName: string, opts: { branch?: string; gitUser?: string } = {}): Promise<PushedBranch> {
  const branch = opts.branch ?? 'kaizen/fix';
  forge.createRepo(fullName, { 'index.js': 'export const answer = 41;\n' });
  const dir = scratchDir();
  const auth = credentialHelperAuth(opts.gitUser ?? 'x-access-token', forge.defaultToken);
  await git(dir.path, [...auth, 'clone', '-q', forge.cloneUrl(fullName), 'clone']);
  const work = `${dir.path}/clone`;
  dir.write('clone/index.js', 'export const answer = 42;\n');
  await git(work, ['commit', '-qam', 'Fix the answer']);
  await git(work, [...auth, 'push', '-q', 'origin', `HEAD:refs/heads/${branch}`]);
  return { fullName, branch, headSha: forge.repos.branchSha(fullName, branch)!, cleanup: dir.cleanup };
}
