// `kaizen prs` as a user runs it: the ledger's pull requests, asked about on the fake GitHub
// (OpenAPI-validated): open ones with their checks, merged or closed ones left out.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PullRequestRow } from '../../../src/cli/prs.js';
import { repoWithPushedBranch } from '../../helpers/forges/pushed-branch.js';
import type { FakeForge } from '../../helpers/forges/fake-forge.js';
import { startFakeGitHub } from '../../helpers/forges/github.js';
import { createRepo, GIT_ENV, type TempRepo } from '../../helpers/git-repo.js';
import { runKaizen } from '../../helpers/kaizen-process.js';
import { ledgerEntry } from '../../helpers/ledger-fixture.js';

let github: FakeForge;
const cleanups: (() => void)[] = [];
beforeAll(async () => {
  github = await startFakeGitHub();
});
afterAll(async () => {
  for (const c of cleanups) c();
  await github.close();
});

describe('kaizen prs', () => {
  it("lists Kaizen's open pull requests with their checks, and only the ledger's when the forge cannot be asked", async () => {
    const open = await repoWithPushedBranch(github, 'acme/shop', { branch: 'kaizen/aaaa1111' });
    cleanups.push(open.cleanup);
    const octo = { head: 'kaizen/aaaa1111', base: 'main', title: 'kaizen: fix', author: 'kaizen-bot' };
    const first = github.pulls.create({ repo: 'acme/shop', ...octo });
    github.setChecks('acme/shop', first.number, 'red');
    github.repos.commitFiles('acme/shop', 'kaizen/bbbb2222', { 'b.js': 'b\n' }, { message: 'another fix', from: 'main' });
    const second = github.pulls.create({ repo: 'acme/shop', ...octo, head: 'kaizen/bbbb2222' });
    github.closePull('acme/shop', second.number);

    const repo: TempRepo = createRepo({ 'kaizen.config.json': JSON.stringify({ forge: { kind: 'github', repo: 'acme/shop' } }) });
    cleanups.push(repo.cleanup);
    repo.git('remote', 'add', 'origin', github.cloneUrl('acme/shop'));
    const url = (n: number) => `${github.webUrl}/acme/shop/pull/${n}`;
    const lines = [
      ledgerEntry({ outcome: 'proposed', mode: 'pr', branch: 'kaizen/aaaa1111', file: 'src/a.js', timestamp: '2025-03-10T10:00:00.000Z', pullRequest: { url: url(first.number), number: first.number } }),
      ledgerEntry({ outcome: 'proposed', mode: 'pr', branch: 'kaizen/bbbb2222', file: 'src/b.js', timestamp: '2025-03-10T11:00:00.000Z', pullRequest: { url: url(second.number), number: second.number } }),
      ledgerEntry({ outcome: 'applied', mode: 'merge' }),
    ];
    mkdirSync(join(repo.path, '.kaizen'), { recursive: true });
    writeFileSync(join(repo.path, '.kaizen', 'ledger.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');

    const env = { ...GIT_ENV, GITHUB_API_URL: github.apiUrl };
    const asked = await runKaizen(['prs', repo.path, '--json'], { ...env, GITHUB_TOKEN: github.defaultToken });
    expect(asked.code, asked.stderr).toBe(0);
    const rows = JSON.parse(asked.stdout) as PullRequestRow[];
    expect(rows).toEqual([expect.objectContaining({ number: first.number, url: url(first.number), status: 'open', checks: 'failure', failedChecks: ['ci'], file: 'src/a.js' })]);
    expect(github.invalidRequests).toEqual([]);

    const text = await runKaizen(['prs', repo.path], { ...env, GITHUB_TOKEN: github.defaultToken });
    expect(text.stdout).toContain(`#${first.number}  open, checks failure (ci failed)`);

    const offline = await runKaizen(['prs', repo.path, '--json'], env);
    expect(offline.code).toBe(0);
    expect((JSON.parse(offline.stdout) as PullRequestRow[]).map((r) => [r.number, r.status])).toEqual([
      [second.number, null],
      [first.number, null],
    ]);
    expect(offline.stderr).toContain('GITHUB_TOKEN is not set');
  });
});
