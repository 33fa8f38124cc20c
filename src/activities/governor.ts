// Activities of continuous improvement: talking to a repository's governor (on the shared
// queue; they need only a Temporal client) and a cycle's work on the repository's disk (on
// the host queue). Kept apart from createActivities so the improvement's own activity set
// (and the fakes typed after it) stays as it is.
import { parseRepoUrl } from '../core/repository/remote-url.js';
import { loadMirrorConfig, mirrorPathOf } from './workspace/mirror.js';
import type { Config } from '../core/config/config.js';
import type { CycleAnalysis, CycleLedgerEntry } from '../core/governor/cycle.js';
import type { GovernorView, LockAnswer, LockRequest, ReserveAnswer, ReserveRequest, SlotAnswer, SlotRequest } from '../core/governor/protocol.js';
import type { LlmCheckAnswer, LlmCheckRequest } from '../core/llm/budget.js';
import { analyseForCycle, type CycleAnalysisInput } from './analyse/cycle-analysis.js';
import type { ActivityDeps, GovernorGateway, GovernorTarget } from '../contracts/ports.js';
import { recordInLedger } from './ledger.js';
import { loadRepoConfig } from './workspace/repo-config.js';
import { createBackupRefActivities } from './workspace/backup-refs.js';

export function createGovernorActivities(deps: Pick<ActivityDeps, 'governor'>) {
  function gateway(): GovernorGateway {
    if (!deps.governor) throw new Error('This worker was started without a governor client (ActivityDeps.governor); start it with startWorker().');
    return deps.governor;
  }
  return {
    async governorRequestSlot(input: { target: GovernorTarget; request: SlotRequest }): Promise<SlotAnswer> {
      return gateway().requestSlot(input.target, input.request);
    },
    async governorReserveFile(input: { target: GovernorTarget; request: ReserveRequest }): Promise<ReserveAnswer> {
      return gateway().reserveFile(input.target, input.request);
    },
    async governorRequestLock(input: { target: GovernorTarget; request: LockRequest }): Promise<LockAnswer> {
      return gateway().requestMergeLock(input.target, input.request);
    },
    async governorCheckLlm(input: { target: GovernorTarget; request: LlmCheckRequest }): Promise<LlmCheckAnswer> {
      return gateway().checkLlm(input.target, input.request);
    },
    async governorView(input: { target: GovernorTarget }): Promise<GovernorView | null> {
      return gateway().view(input.target);
    },
  };
}

export function createCycleActivities(deps: ActivityDeps) {
  return {
    async loadCycleConfig(input: { repoRoot: string }): Promise<{ config: Config }> {
      const url = parseRepoUrl(input.repoRoot);
      // A repository given by URL: the config on its default branch, as locateRepo fetched it on this host.
      return { config: url ? await loadMirrorConfig(deps, mirrorPathOf(url, deps.env)) : await loadRepoConfig(input.repoRoot) };
    },
    async analyseForCycle(input: CycleAnalysisInput): Promise<CycleAnalysis> {
      return analyseForCycle(deps, input);
    },
    async recordCycle(input: { repoRoot: string; entry: CycleLedgerEntry }): Promise<{ ledgerPath: string | null }> {
      return recordInLedger(deps, input.repoRoot, `${JSON.stringify(input.entry)}\n`);
    },
    ...createBackupRefActivities(deps),
  };
}

export function createContinuousActivities(deps: ActivityDeps) {
  return { ...createGovernorActivities(deps), ...createCycleActivities(deps) };
}

export type GovernorActivities = ReturnType<typeof createGovernorActivities>;
export type CycleActivities = ReturnType<typeof createCycleActivities>;
export type ContinuousActivities = GovernorActivities & CycleActivities;
