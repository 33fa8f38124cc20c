// `kaizen prs [REPO]`: Kaizen's open pull requests: those its ledger recorded, with what the
// forge says about each now (state, checks, mergeability). Without a token or forge the
// ledger's list is shown, and stderr says what to set.
import { connectForge } from '../adapters/forges/index.js';
import { runGit } from '../adapters/git.js';
import { loadRepoConfig } from '../activities/workspace/repo-config.js';
import { forgeSettings } from '../core/config/environment.js';
import { ForgeNotConfiguredError } from '../core/forge/errors.js';
import { forgeKindOf, forgeTarget } from '../core/forge/target.js';
import type { ChecksState, PullRequestStatus } from '../core/forge/types.js';
import { recordedPullRequests, type RecordedPullRequest } from '../core/ledger/pull-requests.js';
import type { Forge } from '../contracts/ports.js';
import { printJson } from './common.js';
import { loadLedger, localOffsetMinutes, localTime, warnBadLines } from './log.js';

export interface PullRequestRow extends RecordedPullRequest {
  /** What the forge says now; null when it could not be asked (see forgeError). */
  status: PullRequestStatus | null;
  checks: ChecksState | null;
  failedChecks: string[];
  mergeable: boolean | null;
  forgeError?: string;
}

export async function prsCommand(repo: string | undefined, opts: { json?: boolean }): Promise<number> {
  const ledger = await loadLedger(repo);
  warnBadLines(ledger);
  // Pull requests whose end a follow workflow recorded are not asked about again.
  const recorded = recordedPullRequests(ledger.entries, ledger.reviews);
  let forge: Forge | null = null;
  let forgeError: string | undefined;
  if (recorded.length) {
    try {
      forge = await connect(ledger.repoRoot);
    } catch (err) {
      forgeError = err instanceof Error ? err.message : String(err);
    }
  }
  const rows: PullRequestRow[] = [];
  for (const pr of recorded) {
    if (!forge) {
      rows.push({ ...pr, status: null, checks: null, failedChecks: [], mergeable: null, ...(forgeError ? { forgeError } : {}) });
      continue;
    }
    try {
      const now = await forge.pullRequest(pr.number);
      if (now.status === 'open') rows.push({ ...pr, status: now.status, checks: now.checks, failedChecks: now.failedChecks, mergeable: now.mergeable });
    } catch (err) {
      rows.push({ ...pr, status: null, checks: null, failedChecks: [], mergeable: null, forgeError: err instanceof Error ? err.message : String(err) });
    }
  }
  if (forgeError && recorded.length) process.stderr.write(`kaizen: showing the ledger's pull requests only, their state unknown: ${forgeError}\n`);
  if (opts.json) {
    printJson(rows);
    return 0;
  }
  if (!rows.length) {
    console.log(recorded.length ? `none of Kaizen's ${recorded.length} pull request(s) of ${ledger.repoRoot} is open` : `Kaizen has opened no pull request for ${ledger.repoRoot} (mode pr)`);
    return 0;
  }
  const offset = localOffsetMinutes();
  for (const r of rows) {
    const state = r.status === null ? 'state unknown' : `${r.status}, checks ${r.checks}${r.failedChecks.length ? ` (${r.failedChecks.join(', ')} failed)` : ''}${r.mergeable === false ? ', conflicts' : ''}`;
    console.log(`#${r.number}  ${state}  ${r.file ?? '-'}  ${r.branch ?? '-'}  ${localTime(r.openedAt, offset)}\n    ${r.url}`);
  }
  return 0;
}

/** The repository's forge, as the worker would reach it (remote, forge.*, the token in this environment). */
async function connect(repoRoot: string): Promise<Forge> {
  const config = await loadRepoConfig(repoRoot);
  const got = await runGit({ cwd: repoRoot, env: process.env }, ['remote', 'get-url', '--push', config.remote]);
  if (got.exitCode !== 0) throw new ForgeNotConfiguredError(`${repoRoot} has no git remote '${config.remote}'`, 'Set "remote" in kaizen.config.json to the remote Kaizen pushes to');
  const url = got.stdout.trim();
  const kind = forgeKindOf(url, config.forge.kind);
  const settings = forgeSettings(process.env, kind);
  if (!settings.token) throw new ForgeNotConfiguredError(`${settings.tokenVariable} is not set`, `Set it to the token the worker uses to ask the forge about the pull requests`);
  const target = forgeTarget(url, kind, { ...(config.forge.repo ? { repo: config.forge.repo } : {}), ...(settings.apiUrl ? { apiUrl: settings.apiUrl } : {}), apiUrlVariable: settings.apiUrlVariable });
  return connectForge(target, { token: settings.token, variable: settings.tokenVariable });
}
