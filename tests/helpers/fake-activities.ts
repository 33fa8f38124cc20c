// Fake activities for workflow tests: a happy path by default, any activity replaceable,
// every call recorded in order. Typed as KaizenActivities so a signature change in
// src/activities breaks the tests' compile instead of passing silently.
import { Context } from '@temporalio/activity';
import type { KaizenActivities } from '../../src/activities/index.js';
import { Config, type ConfigInput } from '../../src/core/config/config.js';
import type { AnalyseResult, Finding, Proposal, TestRun, Workspace } from '../../src/core/types.js';
import type { PullRequestInfo } from '../../src/core/forge/types.js';

export type ActivityName = keyof KaizenActivities;
export type ActivityInput<N extends ActivityName> = Parameters<KaizenActivities[N]>[0];
export type ActivityOutput<N extends ActivityName> = Awaited<ReturnType<KaizenActivities[N]>>;

/** One recorded call: the activity's name, its input, and the task queue it ran on. */
export type Call = { [N in ActivityName]: { name: N; input: ActivityInput<N>; taskQueue: string } }[ActivityName];

export const FAKE_REPO = '/repos/demo';
export const FAKE_HOST_QUEUE_SUFFIX = '-host';
export const FAKE_TARGET = 'src/a.js';
export const FAKE_COMMIT = 'c0ffee0000000000000000000000000000000001';
export const FAKE_REBASED_COMMIT = 'c0ffee0000000000000000000000000000000002';
export const FAKE_REMOTE_TIP = 'ba5e000000000000000000000000000000000003';
export const FAKE_REVERT_COMMIT = 'c0ffee0000000000000000000000000000000003';
export const FAKE_BASE_COMMIT = 'ba5e000000000000000000000000000000000001';
export const FAKE_PULL_REQUEST = { url: 'https://github.com/acme/demo/pull/7', number: 7 };

export const FAKE_FINDINGS: Finding[] = [
  { file: FAKE_TARGET, line: 1, column: 1, ruleId: 'no-var', message: 'Unexpected var, use let or const instead.', severity: 'error', analyser: 'eslint', fixable: true },
  { file: FAKE_TARGET, line: 3, column: 5, ruleId: 'prefer-const', message: "'x' is never reassigned. Use 'const' instead.", severity: 'error', analyser: 'eslint', fixable: true },
];

export function fakeWorkspace(runId: string, repoRoot = FAKE_REPO): Workspace {
  return {
    runId,
    repoRoot,
    worktree: `${repoRoot}/.kaizen/worktrees/${runId}`,
    branch: `kaizen/${runId}`,
    backupRef: `refs/kaizen/backup/${runId}`,
    targetBranch: 'main',
    baseCommit: FAKE_BASE_COMMIT,
    baseTree: '7ree000000000000000000000000000000000001',
    stateDir: `${repoRoot}/.kaizen`,
    userDirtyFiles: [],
  };
}

/** The pull request pr mode opened, as the forge reports it: open, at the verified commit, checks pending. */
export function fakePullRequest(overrides: Partial<PullRequestInfo> = {}): PullRequestInfo {
  return {
    ...FAKE_PULL_REQUEST,
    status: 'open',
    title: 'Fix no-var in src/a.js',
    draft: false,
    headBranch: 'kaizen/run',
    headSha: FAKE_COMMIT,
    baseBranch: 'main',
    labels: ['kaizen'],
    mergeable: true,
    checks: 'pending',
    failedChecks: [],
    ...overrides,
  };
}

export function greenRun(phase: TestRun['phase']): TestRun {
  return { phase, passed: true, skipped: false, command: ['npm', 'test'], exitCode: 0, timedOut: false, durationMs: 1200, cached: false, outputTail: '2 passing' };
}

export function redRun(phase: TestRun['phase'], outputTail = '1) adds numbers: expected 3, got 4\n1 failing'): TestRun {
  return { phase, passed: false, skipped: false, command: ['npm', 'test'], exitCode: 1, timedOut: false, durationMs: 900, cached: false, outputTail };
}

export function fakeAnalysis(): AnalyseResult {
  return {
    target: FAKE_TARGET,
    findings: [...FAKE_FINDINGS],
    fixableCount: 2,
    targetRuleCounts: { 'no-var': 1, 'prefer-const': 1 },
    totalFindings: 2,
    filesAnalysed: 3,
    analysers: ['eslint'],
  };
}

export function fakeProposal(): Proposal {
  return {
    strategy: 'autofix',
    proposalPath: '/tmp/kaizen-proposals/p1.json',
    files: [FAKE_TARGET],
    summary: 'eslint --fix: no-var, prefer-const',
    linesAdded: 2,
    linesRemoved: 2,
    diffExcerpt: '-var x = 1;\n+const x = 1;',
    targets: [...FAKE_FINDINGS],
  };
}

/** The call log of one fake set: calls in the order they started. */
export class CallLog {
  readonly calls: Call[] = [];

  /**
   * Activity names in order; runTests shows its phase, e.g. `runTests:verify`. Activities the
   * saga runs side by side start in whichever order the worker picks them up, so neighbours of
   * one such group are listed in the order the saga schedules them. `without`: names left out
   * before that (a workflow running beside the saga interleaves its calls with the group's).
   */
  names(without: readonly string[] = []): string[] {
    const names = this.calls.map((c) => (c.name === 'runTests' ? `runTests:${c.input.phase}` : c.name)).filter((n) => !without.includes(n));
    for (let swapped = true; swapped; ) {
      swapped = false;
      for (let i = 0; i + 1 < names.length; i++) {
        const [a, b] = [names[i] as string, names[i + 1] as string];
        if (scheduledBefore(b, a)) {
          [names[i], names[i + 1]] = [b, a];
          swapped = true;
        }
      }
    }
    return names;
  }

  inputsOf<N extends ActivityName>(name: N): ActivityInput<N>[] {
    return this.calls.filter((c): c is Extract<Call, { name: N }> => c.name === name).map((c) => c.input);
  }

  count(name: string): number {
    return this.names().filter((n) => n === name).length;
  }

  has(name: string): boolean {
    return this.count(name) > 0;
  }

  /** Resolves once `name` (as in names()) has been called `times` times; polls in real time. */
  async waitFor(name: string, times = 1, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.count(name) < times) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${name} ×${times}; calls so far: ${this.names().join(', ')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/** Activities the improvement saga runs at the same time, each group in the order it schedules them. */
const SIDE_BY_SIDE = [
  ['analyse', 'knownTestRun'],
  ['runTests:verify', 'checkFindings'],
  ['removeWorkspace', 'recordOutcome', 'notify', 'deliverNotification'],
];

function scheduledBefore(first: string, second: string): boolean {
  return SIDE_BY_SIDE.some((group) => group.includes(first) && group.includes(second) && group.indexOf(first) < group.indexOf(second));
}

export interface FakeOptions {
  /** The repo's config as the prepareWorkspace fake returns it (defaults fill the rest). */
  config?: ConfigInput;
  /** Replacements for single activities; the rest keep their happy-path defaults. */
  overrides?: Partial<KaizenActivities>;
}

export interface Fakes {
  activities: KaizenActivities;
  log: CallLog;
  config: Config;
}

/**
 * Builds a fresh set of fake activities (no state shared between sets). Defaults: the repo
 * has a target file `src/a.js` with 2 fixable findings, nothing is known of its tree's tests,
 * tests are green, the proposal fixes
 * both, apply commits FAKE_COMMIT, integrate lands it ('applied').
 */
export function fakeActivities(options: FakeOptions = {}): Fakes {
  const config = Config.parse(options.config ?? {});
  const log = new CallLog();

  const defaults: KaizenActivities = {
    async locateRepo(input) {
      return { repoRoot: input.repoPath, hostQueue: `${Context.current().info.taskQueue}${FAKE_HOST_QUEUE_SUFFIX}` };
    },
    async prepareWorkspace(input) {
      return { workspace: fakeWorkspace(input.runId, input.repoRoot), config };
    },
    async analyse() {
      return fakeAnalysis();
    },
    async runTests(input) {
      return greenRun(input.phase);
    },
    // Nothing is known of a fresh tree: autofix tests only its change, an LLM strategy runs the baseline.
    async knownTestRun() {
      return null;
    },
    async generate() {
      return fakeProposal();
    },
    async resetWorkspace(input) {
      return { head: input.workspace.baseCommit };
    },
    async applyProposal(input) {
      return { commit: FAKE_COMMIT, backupRef: input.workspace.backupRef, filesChanged: [...input.proposal.files] };
    },
    async rewordCommit(input) {
      return { commit: input.commit };
    },
    async checkFindings() {
      return { ok: true, parses: true, remaining: [], introduced: [] };
    },
    async integrate(input) {
      return { kind: 'applied', commit: input.commit, reason: `fast-forwarded ${input.workspace.targetBranch} to ${input.commit.slice(0, 8)}` };
    },
    async pushBranch(input) {
      return { remote: input.remote, branch: input.workspace.branch, commit: input.commit, alreadyThere: false };
    },
    async openPullRequest() {
      return { url: FAKE_PULL_REQUEST.url, number: FAKE_PULL_REQUEST.number, reused: false };
    },
    // A followed pull request: merged by a person at the first look, so a pr-mode run's follower ends at once.
    async pullRequestState(input) {
      return fakePullRequest({ number: input.number, status: 'merged' });
    },
    async mergePullRequest(input) {
      return { merged: true, sha: input.sha };
    },
    async closePullRequest() {
      return undefined;
    },
    async commentOnPullRequest() {
      return undefined;
    },
    // The target branch on the remote: null (unknown) unless a test says where it is.
    async remoteBranchTip() {
      return null;
    },
    async recordReview(input) {
      return { ledgerPath: `${input.repoRoot}/.kaizen/ledger.jsonl` };
    },
    async rebaseWorkspace() {
      return { ok: true, commit: FAKE_REBASED_COMMIT, baseCommit: 'ba5e000000000000000000000000000000000002', baseTree: '7ree000000000000000000000000000000000002' };
    },
    async removeWorkspace() {
      return undefined;
    },
    async recordOutcome(input) {
      const ledgerPath = `${input.repoRoot}/.kaizen/ledger.jsonl`;
      return input.notify ? { ledgerPath, notified: { delivered: ['log'], failed: [] } } : { ledgerPath };
    },
    async notify() {
      return { delivered: ['log'], failed: [] };
    },
    async deliverNotification(input) {
      return { channel: input.channel.id, event: input.event.kind === 'improvement' ? input.event.result.outcome : input.event.kind };
    },
    async recordUndelivered(input) {
      return { ledgerPath: `${input.repoRoot}/.kaizen/ledger.jsonl` };
    },
    // kaizen undo: nothing in the ledger unless a test says so; a revert commits FAKE_REVERT_COMMIT.
    async planUndo() {
      return { targets: [], skipped: [] };
    },
    async revertChange() {
      return { kind: 'reverted', commit: FAKE_REVERT_COMMIT, filesChanged: [FAKE_TARGET] };
    },
    async fetchRemoteTarget() {
      return { commit: FAKE_REMOTE_TIP, tree: '7ree000000000000000000000000000000000003' };
    },
    async recordUndo(input) {
      return { ledgerPath: `${input.repoRoot}/.kaizen/ledger.jsonl` };
    },
    // The presence probe, answered on `<hostQueue>#presence`: the host queue it stands for.
    async hostAlive() {
      return { hostQueue: Context.current().info.taskQueue.replace(/#presence$/, '') };
    },
  };

  const impl: KaizenActivities = { ...defaults, ...options.overrides };
  const recorded: Record<string, (input: unknown) => Promise<unknown>> = {};
  for (const name of Object.keys(impl) as ActivityName[]) {
    const fn = impl[name] as (input: unknown) => Promise<unknown>;
    recorded[name] = async (input: unknown) => {
      log.calls.push({ name, input, taskQueue: Context.current().info.taskQueue } as Call);
      return fn(input);
    };
  }
  // The wrappers have the same signatures as `impl`; a mapped loop cannot express that.
  return { activities: recorded as unknown as KaizenActivities, log, config };
}

/** An integrate that leaves the branch for review (mode `branch`). */
export const integrateProposed: KaizenActivities['integrate'] = async (input) => ({
  kind: 'proposed',
  branch: input.workspace.branch,
  commit: input.commit,
  reason: `left ${input.workspace.branch} for review`,
});

/** A promise the test resolves: lets a fake block until the test says go. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/**
 * For fakes that never finish on their own: heartbeats (so cancellation reaches the
 * activity) until the activity is cancelled, then rethrows the cancellation.
 */
export async function heartbeatUntilCancelled(onCancelled?: (reason: unknown) => void): Promise<never> {
  const ctx = Context.current();
  ctx.heartbeat();
  const timer = setInterval(() => ctx.heartbeat(), 100);
  try {
    return await ctx.cancelled;
  } catch (err) {
    onCancelled?.(err);
    throw err;
  } finally {
    clearInterval(timer);
  }
}
