// Three workers, as if on three hosts (each its own Kaizen home and host queue), share one task
// queue on the real Temporal server on PostgreSQL and work one repository given by URL (a bare
// remote over file://). `kaizen cycle <url>` runs 6 improvements: each worker that takes one
// fetches its own mirror, and all 6 changes land on the remote's main, spread over the workers.
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../../scripts/cluster/cluster.js';
import { mirrorRelativePath, parseRepoUrl } from '../../src/core/repository/remote-url.js';
import type { CycleSummary } from '../../src/core/governor/cycle.js';
import { BareRepos, fileUrl } from '../helpers/bare-repos.js';
import { createRepo, type TempRepo } from '../helpers/git-repo.js';
import { runKaizen, SAMPLE_REPO } from '../helpers/kaizen-process.js';
import { figure, startKaizenOn, type ClusterKaizen } from './harness.js';

const HOSTS = ['host-a', 'host-b', 'host-c'];
const CHANGES = 6;
/** Four more files with a `var` ESLint fixes, beside the sample's three fixable ones. */
const EXTRA_FILES = ['discount', 'shipping', 'tax', 'coupon'];

let cluster: Cluster;
const workers: ClusterKaizen[] = [];
const homes = HOSTS.map((host) => mkdtempSync(join(tmpdir(), `kaizen-${host}-`)));
const remotes = new BareRepos();
let checkout: TempRepo | undefined;
const taskQueue = `cluster-remote-${Date.now().toString(36)}`;

beforeAll(async () => {
  cluster = await startCluster();
  figure('cluster start (PostgreSQL, schema, server, namespace)', cluster.timings.totalMs);
  for (const [i, host] of HOSTS.entries()) {
    workers.push(await startKaizenOn(cluster.address, cluster.namespace, host, { taskQueue, hostName: host, env: { KAIZEN_USER_HOME: homes[i] } }));
  }
});

afterAll(async () => {
  for (const worker of workers) await worker.close();
  await cluster?.stop();
  checkout?.cleanup();
  remotes.cleanup();
  for (const home of homes) rmSync(home, { recursive: true, force: true });
});

function ledgerLines(home: string, url: string): Record<string, unknown>[] {
  const path = join(home, 'repos', ...mirrorRelativePath(parseRepoUrl(url)!).split('/'), '.kaizen', 'ledger.jsonl');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('three workers on three hosts, one repository given by URL', () => {
  it(`a cycle of ${CHANGES} improvements lands ${CHANGES} changes on the remote, spread over the workers`, async () => {
    remotes.create('acme/shop');
    const url = fileUrl(remotes, 'acme/shop');
    checkout = createRepo({}, { from: SAMPLE_REPO });
    checkout.write(
      'kaizen.config.json',
      JSON.stringify({
        recentChangeMinutes: 0,
        mode: 'merge',
        budget: { maxPerDay: CHANGES, maxPerFilePerDay: 1, minIntervalMinutes: 0, maxConcurrent: 3, maxAttemptsPerCycle: CHANGES },
      }),
    );
    for (const name of EXTRA_FILES) {
      checkout.write(`src/${name}.js`, `// ${name} of an order.\nexport function ${name}Of(total, percent) {\n  var rate = percent / 100;\n  return total * rate;\n}\n`);
    }
    const base = checkout.commitAll('seven fixable files');
    checkout.git('push', '-q', '--force', url, 'main');

    const started = Date.now();
    const env = { ...process.env, TEMPORAL_ADDRESS: cluster.address, TEMPORAL_NAMESPACE: cluster.namespace, KAIZEN_TASK_QUEUE: taskQueue };
    const cli = await runKaizen(['cycle', url, '--wait', '--json'], env, { timeoutMs: 540_000 });
    expect(cli.code, cli.stderr + cli.stdout).toBe(0);
    const summary = JSON.parse(cli.stdout) as CycleSummary;
    figure(`cycle of ${CHANGES} improvements over ${HOSTS.length} workers`, Date.now() - started);
    const outcomes = summary.results.map((r) => `${r.file ?? '-'}: ${r.outcome} (${r.reason})`).join('\n');
    expect(summary.counts, outcomes).toMatchObject({ applied: CHANGES });

    // Exactly 6 commits on the remote's main, one per improvement, each on its own file.
    const landed = remotes.git('acme/shop', ['rev-list', '--reverse', `${base}..main`]).split('\n').filter(Boolean);
    expect(landed).toHaveLength(CHANGES);
    expect(new Set(summary.results.filter((r) => r.outcome === 'applied').map((r) => r.commit))).toEqual(new Set(landed));
    expect(Object.keys(remotes.refs('acme/shop'))).toEqual(['refs/heads/main']);

    // Each host's ledger (beside its own mirror) records the improvements it ran: together all 6, on more than one host.
    const perHost = homes.map((home) => ledgerLines(home, url).filter((l) => (l.kind ?? 'improvement') === 'improvement' && l.outcome === 'applied').length);
    console.log(`cluster figure: applied improvements per host: ${HOSTS.map((h, i) => `${h} ${perHost[i]}`).join(', ')}`);
    expect(perHost.reduce((a, b) => a + b, 0)).toBe(CHANGES);
    expect(perHost.filter((n) => n > 0).length, `spread: ${perHost.join(', ')}`).toBeGreaterThan(1);
  });
});
