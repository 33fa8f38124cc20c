// pr mode on GitLab and on Gitea, as a user runs it: `kaizen improve <clone URL> --mode pr
// --wait --json` through the CLI, a real worker with its own Kaizen home and a real dev server,
// git over smart HTTP to the fake forge (its API requests validated against the forge's
// published OpenAPI description). One merge request (GitLab) or pull request (Gitea) holding
// exactly the verified commit on the remote's main, labelled, and the token nowhere in it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ImprovementResult } from '../../src/core/types.js';
import { startKaizen, type E2eKaizen } from '../helpers/e2e.js';
import type { FakeForge } from '../helpers/forges/fake-forge.js';
import { startFakeGitea } from '../helpers/forges/gitea.js';
import { startFakeGitLab } from '../helpers/forges/gitlab.js';
import { bearerAuth, git as clientGit } from '../helpers/git-client.js';
import { createRepo, type TempRepo } from '../helpers/git-repo.js';
import { runKaizen, SAMPLE_REPO } from '../helpers/kaizen-process.js';
import { RemoteTokens } from '../helpers/remote-tokens.js';

/** One token on both forges (a bot account's), for git over HTTP and for each API. */
const TOKEN = 'team-bot-token';
const home = mkdtempSync(join(tmpdir(), 'kaizen-home-'));
const checkouts: TempRepo[] = [];
let gitlab: FakeForge;
let gitea: FakeForge;
let kaizen: E2eKaizen;

beforeAll(async () => {
  const tokens = new RemoteTokens({ [TOKEN]: { user: 'kaizen-bot', access: 'write' } });
  [gitlab, gitea] = await Promise.all([startFakeGitLab({ tokens }), startFakeGitea({ tokens })]);
  kaizen = await startKaizen('pr-forges', {
    KAIZEN_USER_HOME: home,
    // The remotes are on 127.0.0.1, which names no forge: the mirror's fetches use KAIZEN_GIT_TOKEN,
    // the push and the API the forge's own variable (forge.kind in the repository's config).
    KAIZEN_GIT_TOKEN: TOKEN,
    GITLAB_TOKEN: TOKEN,
    GITLAB_API_URL: gitlab.apiUrl,
    GITEA_TOKEN: TOKEN,
    GITEA_API_URL: gitea.apiUrl,
  });
});

afterAll(async () => {
  await kaizen?.close();
  await Promise.all([gitlab?.close(), gitea?.close()]);
  for (const c of checkouts) c.cleanup();
  rmSync(home, { recursive: true, force: true });
});

/** The sample repository on the forge's main, with a config that names the forge; returns main. */
async function publishSample(forge: FakeForge, fullName: string, kind: 'gitlab' | 'gitea'): Promise<string> {
  forge.createRepo(fullName);
  const checkout = createRepo({}, { from: SAMPLE_REPO });
  checkouts.push(checkout);
  checkout.write('kaizen.config.json', JSON.stringify({ recentChangeMinutes: 0, forge: { kind, labels: ['kaizen', 'chore'] } }));
  const base = checkout.commitAll('the shop');
  await clientGit(checkout.path, [...bearerAuth(TOKEN), 'push', '-q', '--force', forge.cloneUrl(fullName), 'main']);
  return base;
}

describe.each([
  ['GitLab', () => gitlab, 'gitlab', '/-/merge_requests/'],
  ['Gitea', () => gitea, 'gitea', '/pulls/'],
] as const)('kaizen improve URL --mode pr on %s', (name, forgeOf, kind, pullPath) => {
  it(`opens one labelled ${name} pull request holding exactly the verified commit, and leaves main alone`, async () => {
    const forge = forgeOf();
    const fullName = `acme/shop-${kind}`;
    const base = await publishSample(forge, fullName, kind);
    const url = forge.cloneUrl(fullName);

    const cli = await runKaizen(['improve', url, '--mode', 'pr', '--wait', '--json'], {
      ...process.env,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      KAIZEN_TASK_QUEUE: kaizen.taskQueue,
      KAIZEN_USER_HOME: home,
    });
    expect(cli.code, cli.stderr).toBe(0);
    const result = JSON.parse(cli.stdout) as ImprovementResult;
    expect(result, result.reason).toMatchObject({ outcome: 'proposed', mode: 'pr', pullRequest: { number: expect.any(Number), url: expect.stringContaining(`/${fullName}${pullPath}`) } });

    const pulls = forge.pulls.list(fullName);
    expect(pulls).toHaveLength(1);
    const pull = pulls[0]!;
    expect(pull).toMatchObject({ number: result.pullRequest?.number, head: result.branch, base: 'main', state: 'open' });
    expect([...pull.labels].sort()).toEqual(['chore', 'kaizen']);
    expect(forge.pulls.headSha(pull)).toBe(result.commit);
    expect(forge.repos.git(fullName, ['rev-parse', `${result.commit}~1`])).toBe(base);
    expect(forge.repos.branchSha(fullName, 'main')).toBe(base);
    expect(pull.body).toContain('### Test evidence');
    expect(pull.body).toContain(`/workflows/${result.workflowId}`);
    expect(pull.body).not.toContain(TOKEN);
    // Every API request Kaizen made is one the real forge documents.
    expect(forge.invalidRequests).toEqual([]);
  });
});
