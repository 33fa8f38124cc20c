// A teammate's commit lands on a fake forge's main under an open Kaizen pull request, and the
// follower rebases: what both the checkout and the URL e2e tests of that rebase assert.
import { expect } from 'vitest';
import type { FakeForge } from './fake-forge.js';

const POLL = { timeout: 90_000, interval: 500 };

/**
 * Commits an unrelated file to `main`, waits until `branch` is force-pushed away from
 * `verified`, and checks the new head: exactly one commit on the new main, touching only
 * `file`. Returns the new main and the rebased head.
 */
export async function moveMainAndAwaitRebase(forge: FakeForge, repo: string, branch: string, verified: string, file: string): Promise<{ moved: string; head: string }> {
  const moved = forge.repos.commitFiles(repo, 'main', { 'NOTES.md': '# Notes\n' }, { message: 'Add notes' });
  await expect.poll(() => forge.repos.branchSha(repo, branch), POLL).not.toBe(verified);
  const head = String(forge.repos.branchSha(repo, branch));
  expect(forge.repos.git(repo, ['rev-parse', `${head}^`])).toBe(moved);
  expect(forge.repos.git(repo, ['rev-list', '--count', `main..${branch}`])).toBe('1');
  // The same change, by Kaizen: the file it fixed, nothing of the teammate's undone.
  expect(forge.repos.git(repo, ['diff', '--name-only', `main...${branch}`])).toBe(file);
  return { moved, head };
}
