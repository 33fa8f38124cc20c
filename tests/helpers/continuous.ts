// Continuous improvement on the time-skipping server: cycles, child improvements and the real
// governor workflow, with fake activities for everything that touches a repository and the
// real governor activities (a real client sending real updates).
//
// Time only moves when a test says so (ts.env.sleep): tests use ts.plainClient, because the
// time-skipping client's result() lets the server skip ahead to the next timer, which for an
// idle long-lived governor is its (10-year) run timeout.
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { createGovernorActivities } from '../../src/activities/governor.js';
import type { ContinuousActivities, CycleActivities, KaizenActivities } from '../../src/activities/index.js';
import { createGovernorGateway } from '../../src/adapters/temporal/governor-client.js';
import type { Config, ConfigInput } from '../../src/core/config/config.js';
import { toCandidate, type CycleAnalysis, type CycleLedgerEntry } from '../../src/core/governor/cycle.js';
import type { Finding } from '../../src/core/types.js';
import { checkInBeside } from '../../src/activities/check-in.js';
import { FAKE_FINDINGS, fakeActivities, fakeAnalysis, fakeWorkspace, type CallLog } from './fake-activities.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** One integration as the fake integrate saw it: server time (skipped) and real time (overlap). */
export interface Integration {
  workflowId: string;
  file: string;
  /** Server time the integrate activity was scheduled: when the change landed. */
  at: number;
  enteredMs: number;
  exitedMs: number;
}

export interface ContinuousFakes {
  activities: KaizenActivities & ContinuousActivities;
  log: CallLog;
  config: Config;
  integrations: Integration[];
  cycles: CycleLedgerEntry[];
}

export interface ContinuousOptions {
  config?: ConfigInput;
  /** Files the cycle analysis finds (each with two fixable findings), best first. */
  files?: string[];
  /** Real milliseconds the fake integrate takes (to make overlaps visible). */
  integrateMs?: number;
  overrides?: Partial<KaizenActivities>;
  cycle?: Partial<CycleActivities>;
}

export function findingsOf(file: string): Finding[] {
  return FAKE_FINDINGS.map((f) => ({ ...f, file }));
}

export function continuousFakes(client: Client, options: ContinuousOptions = {}): ContinuousFakes {
  const files = options.files ?? ['src/a.js', 'src/b.js', 'src/c.js'];
  const integrations: Integration[] = [];
  const cycles: CycleLedgerEntry[] = [];
  const fileOf = new Map<string, string>();
  const gateway = createGovernorGateway(client);
  const base = fakeActivities({
    ...(options.config ? { config: options.config } : {}),
    overrides: {
      // As the real one: the run's check-in goes to the governor while the worktree is made.
      prepareWorkspace: async (input) => {
        const prepared = { workspace: fakeWorkspace(input.runId, input.repoRoot), config: base.config };
        return input.checkIn ? { ...prepared, checkIn: await checkInBeside({ governor: gateway }, input.checkIn, prepared.config) } : prepared;
      },
      // The improvement works on the file the cycle handed it.
      analyse: async (input) => {
        const file = input.file ?? (files[0] as string);
        fileOf.set(Context.current().info.workflowExecution?.workflowId ?? '?', file);
        return { ...fakeAnalysis(), target: file, findings: findingsOf(file) };
      },
      integrate: async (input) => {
        const ctx = Context.current();
        const enteredMs = performance.now();
        await new Promise((r) => setTimeout(r, options.integrateMs ?? 0));
        const workflowId = ctx.info.workflowExecution?.workflowId ?? '?';
        integrations.push({
          workflowId,
          file: fileOf.get(workflowId) ?? '?',
          at: ctx.info.currentAttemptScheduledTimestampMs,
          enteredMs,
          exitedMs: performance.now(),
        });
        return { kind: 'applied', commit: input.commit, reason: 'fast-forwarded main' };
      },
      ...options.overrides,
    },
  });
  const findings = files.flatMap(findingsOf);
  const cycleFakes: CycleActivities = {
    async loadCycleConfig() {
      return { config: base.config };
    },
    async analyseForCycle(input): Promise<CycleAnalysis> {
      return {
        commit: input.workspace.baseCommit,
        totalFindings: findings.length,
        fixableFindings: findings.length,
        filesAnalysed: files.length + 2,
        filesReanalysed: files.length,
        reusedFrom: null,
        analysers: ['eslint'],
        candidates: files.map((f) => toCandidate(f, findings)).filter((c) => c !== null),
        skipped: [],
      };
    },
    async recordCycle(input) {
      cycles.push(input.entry);
      return { ledgerPath: `${input.repoRoot}/.kaizen/ledger.jsonl` };
    },
    async pruneBackupRefs() {
      return { pruned: [], kept: 0 };
    },
  };
  const governor = createGovernorActivities({ governor: gateway });
  const activities = { ...base.activities, ...cycleFakes, ...options.cycle, ...governor };
  return { activities, log: base.log, config: base.config, integrations, cycles };
}

/** A client that does not unlock time skipping while it waits (see the file comment). */
/** Polls `probe` in real time (no time is skipped) until `ok` holds. */
export async function until<T>(probe: () => Promise<T>, ok: (value: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
