// pr mode as a user runs it: `kaizen improve <checkout> --mode pr --wait --json` through the
// CLI, a real worker and dev server, git over smart HTTP to the fake GitHub (whose API
// requests are validated against GitHub's OpenAPI description). One pull request holding
// exactly the verified commit, and the token nowhere Kaizen writes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ImprovementResult } from '../../src/core/types.js';
import { kaizenBranches, readLedgerLines, startKaizen, worktreesLeft, type E2eKaizen } from '../helpers/e2e.js';
import { credentialHelperAuth, git as clientGit } from '../helpers/git-client.js';
import { createRepo, type TempRepo } from '../helpers/git-repo.js';
import type { FakeForge } from '../helpers/forges/fake-forge.js';
import { startFakeGitHub } from '../helpers/forges/github.js';
import { runKaizen, SAMPLE_REPO } from '../helpers/kaizen-process.js';

const TOKEN = 'github-token';
let github: FakeForge;
let kaizen: E2eKaizen;
let repo: TempRepo | undefined;

beforeAll(async () => {
  github = await startFakeGitHub();
  kaizen = await startKaizen('pr', { GITHUB_TOKEN: TOKEN, GITHUB_API_URL: github.apiUrl });
});

afterAll(async () => {
  await kaizen?.close();
  await github?.close();
  repo?.cleanup();
});

/** Payload bytes as the text they hold, so a search of the history sees inside them. */
function payloadsAsText(key: string, value: unknown): unknown {
  // The history arrives with each payload's bytes as base64 text.
  if (key === 'data' && typeof value === 'string') return Buffer.from(value, 'base64').toString('utf8');
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  const buffer = value as { type?: unknown; data?: unknown };
  if (buffer && buffer.type === 'Buffer' && Array.isArray(buffer.data)) return Buffer.from(buffer.data as number[]).toString('utf8');
  return value;
}

describe('kaizen improve --mode pr', () => {
  it('pushes the verified commit and opens one labelled pull request; the token is in no log, ledger line or history', async () => {
    // A team's checkout: main is on the forge, origin points there.
    github.createRepo('acme/shop');
    repo = createRepo({}, { from: SAMPLE_REPO });
    repo.write('kaizen.config.json', JSON.stringify({ recentChangeMinutes: 0, forge: { kind: 'github' } }));
    const base = repo.commitAll('the shop');
    repo.git('remote', 'add', 'origin', github.cloneUrl('acme/shop'));
    await clientGit(repo.path, [...credentialHelperAuth('x-access-token', TOKEN), 'push', '-q', '--force', 'origin', 'main']);

    const cli = await runKaizen(['improve', repo.path, '--mode', 'pr', '--wait', '--json'], {
      ...process.env,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      KAIZEN_TASK_QUEUE: kaizen.taskQueue,
    });
    expect(cli.code, cli.stderr).toBe(0);
    const result = JSON.parse(cli.stdout) as ImprovementResult & { link: string };
    expect(result, result.reason).toMatchObject({ outcome: 'proposed', mode: 'pr', pullRequest: { number: expect.any(Number), url: expect.stringContaining('/acme/shop/pull/') } });

    // Exactly one pull request, from Kaizen's branch, holding exactly the verified commit on main.
    const pulls = github.pulls.list('acme/shop');
    expect(pulls).toHaveLength(1);
    const pull = pulls[0]!;
    expect(pull).toMatchObject({ number: result.pullRequest?.number, head: result.branch, base: 'main', labels: ['kaizen'], state: 'open' });
    expect(github.pulls.headSha(pull)).toBe(result.commit);
    expect(github.repos.git('acme/shop', ['rev-parse', `${result.commit}~1`])).toBe(base);
    expect(github.repos.branchSha('acme/shop', 'main')).toBe(base);
    expect(pull.body).toContain('### Test evidence');
    expect(pull.body).toContain(`/workflows/${result.workflowId}`);
    // The worker links to the server it talks to, as the CLI does.
    expect(pull.body).toContain(result.link);
    expect(github.invalidRequests).toEqual([]);

    // The local branch stays as in branch mode; the worktree is gone; main is untouched.
    expect(kaizenBranches(repo.path)).toEqual([result.branch]);
    expect(worktreesLeft(repo.path)).toEqual([]);
    expect(repo.head('main')).toBe(base);
    const [line] = readLedgerLines(repo.path);
    expect(line).toMatchObject({ outcome: 'proposed', mode: 'pr', pullRequest: result.pullRequest, branch: result.branch });

    // The token (and its Basic form) appears nowhere: CLI output, ledger, git config, workflow history.
    const basic = Buffer.from(`x-access-token:${TOKEN}`).toString('base64');
    const history = JSON.stringify(await kaizen.client.workflow.getHandle(result.workflowId).fetchHistory(), payloadsAsText);
    expect(history.includes('\\"remote\\":\\"origin\\"'), 'the history is searched inside its payloads').toBe(true);
    const ledger = readFileSync(join(repo.path, '.kaizen', 'ledger.jsonl'), 'utf8');
    const config = readFileSync(join(repo.path, '.git', 'config'), 'utf8');
    for (const [where, text] of Object.entries({ stdout: cli.stdout, stderr: cli.stderr, history, ledger, config })) {
      expect(text.includes(TOKEN) || text.includes(basic), `the token in ${where}`).toBe(false);
    }
  });
});
