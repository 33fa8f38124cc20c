// One improvement of one repository: a saga of timed activities (docs/architecture.md).
//
//   step       activities (src/activities/)                         undo when a later step fails
//   prepare    locateRepo, prepareWorkspace (workspace/worktree.ts) removeWorkspace: worktree, kaizen/<id>, backup ref
//              (+ the governor check-in, sent by prepareWorkspace)
//   analyse    analyse (analyse/analyse.ts)                         -
//   test       knownTestRun (started with analyse); runTests        -
//              baseline for LLM strategies when the tree is not
//              known (tests.ts, test-cache.ts)
//   generate   generate (generate/generate.ts)                      - (the proposal is a file on the worker)
//   apply      applyProposal (workspace/apply.ts)                   resetWorkspace before a repair try
//   verify     runTests ∥ checkFindings (analyse/analyse.ts); red   resetWorkspace before the late baseline
//              with no baseline: resetWorkspace, runTests baseline
//   integrate  integrate, rebaseWorkspace (workspace/integrate.ts)  - (a landed change keeps its backup ref)
//              pushBranch, openPullRequest (workspace/deliver.ts)   - (push, pr: the pushed branch stays, named in the outcome)
//   notify     recordOutcome (+ the log), deliverNotification       never undone, never cancelled
//              (∥ removeWorkspace of a landed run, ∥ the governor's slotFinished)
//
// One full test run per landed change (improvement/verify.ts): a tree whose result the cache
// knows is not tested again; a known red one is skipped before generate; autofix on an unknown
// tree tests only its change, and the untouched tree only when that is red.
// Undos run newest first in a scope a cancellation cannot interrupt. The run's state, live view
// and signals are in improvement/run.ts; the repair loop of LLM strategies in improvement/propose.ts.
// A repository given by URL whose host is lost before integrate moves to another worker and runs
// prepare → verify again there (improvement/failover.ts); a path's run waits for its host.
import { CancellationScope, patched } from '@temporalio/workflow';
import { primaryFamily } from '../core/governor/learner.js';
import { commitMessage } from '../core/improvement/outcome.js';
import type { Config } from '../core/config/config.js';
import type { CheckInOutcome } from '../core/governor/check-in.js';
import { isRepoUrl } from '../core/repository/remote-url.js';
import type { ImprovementInput, ImprovementResult, Mode, Workspace } from '../core/types.js';
import { recordAndNotify } from './shared/notify.js';
import { Compensations } from './improvement/compensations.js';
import { FAILOVER_LOST_HOST, withFailover } from './improvement/failover.js';
import { GOVERNOR_SIGNALS_BESIDE_STEPS, integrateChange } from './improvement/integrate.js';
import { recordImprovementMetrics } from './improvement/metrics.js';
import { generateWithGuards, proposeAndVerify } from './improvement/propose.js';
import { plannedWorkspace } from './improvement/result.js';
import { ImprovementRun } from './improvement/run.js';
import { establishBaseline, lookUpKnownTestRun, verifyChange } from './improvement/verify.js';
import { LOCATE_TIMEOUT_MS } from './shared/activity-options.js';

const REMOVE_WORKSPACE = 'remove worktree and branch';
/** knownTestRun beside analyse, checkFindings beside the verify tests, clean-up beside notify. */
const OVERLAP_INDEPENDENT_STEPS = 'overlap-independent-steps';
/** prepareWorkspace sends the run's check-in to the governor while it makes the worktree. */
const CHECK_IN_WITH_PREPARE = 'check-in-with-prepare';

const INTEGRATE_WORDS: Record<Mode, (ws: Workspace) => string> = {
  branch: () => 'leaving the branch for review',
  merge: (ws) => `fast-forwarding ${ws.targetBranch}`,
  auto: () => 'deciding by risk',
  push: (ws) => `pushing ${ws.branch}`,
  pr: (ws) => `pushing ${ws.branch} and opening its pull request`,
};

export async function improvement(input: ImprovementInput): Promise<ImprovementResult> {
  const run = new ImprovementRun(input);
  const { runner } = run;
  const undo = new Compensations();

  /** prepare: the repository located by any worker, a worktree on that worker's host. */
  async function prepare(): Promise<{ workspace: Workspace; config: Config; checkIn?: CheckInOutcome }> {
    await run.boundary('prepare', 'creating an isolated worktree');
    run.located(await runner.timed('prepare', () => runner.bootstrap(run.sharedQueue, LOCATE_TIMEOUT_MS, 'prepare: find the repository').locateRepo({ repoPath: input.repoPath })));
    const host = runner.bootstrap(runner.hostQueue, 30 * 60_000, 'prepare: worktree and dependencies');
    const runId = run.runId;
    // Registered first: a prepare that failed half-way returned no workspace, but its names are known.
    undo.register(REMOVE_WORKSPACE, () => host.removeWorkspace({ workspace: run.workspace ?? plannedWorkspace(run.repo, runId), deleteBranch: true, deleteBackupRef: true }));
    const overrides = input.mode ? { mode: input.mode } : {};
    const targetBranch = input.targetBranch ? { targetBranch: input.targetBranch } : {};
    // The check-in rides along: the governor answers while the worktree is made (histories from before: after prepare).
    const checkIn = run.governor && patched(CHECK_IN_WITH_PREPARE) ? { checkIn: run.governor.checkInCall(run.file, run.strategy, runner.hostQueue) } : {};
    return run.prepared(await runner.timed('prepare', () => host.prepareWorkspace({ repoRoot: run.repo, runId, ...targetBranch, overrides, ...checkIn })));
  }

  /** analyse → test → generate → apply → verify in the worktree; the verified commit. */
  async function changeIn(workspace: Workspace, config: Config): Promise<string> {
    // Steps that read nothing of each other's run side by side (histories from before run in turn).
    const overlap = patched(OVERLAP_INDEPENDENT_STEPS);

    await run.boundary('analyse', 'looking for findings');
    const only = input.file ? { file: input.file } : {};
    const reserved = run.reservedElsewhere.length ? { reserved: run.reservedElsewhere } : {};
    const analysing = runner.timed('analyse', () => runner.acts('analyse', `analyse: ${input.file ?? 'whole repository'}`).analyse({ workspace, config, strategy: run.strategy, ...only, ...reserved }));
    const knownTestRun = overlap ? lookUpKnownTestRun(run, workspace, config) : undefined;
    let analysis = await analysing;
    // Another run reserved the target meanwhile: the next free alternative, analysed on its own.
    const reservedFile = await run.reserve(analysis);
    if (reservedFile !== null && reservedFile !== analysis.target) {
      analysis = await runner.timed('analyse', () => runner.acts('analyse', `analyse: ${reservedFile}`).analyse({ workspace, config, strategy: run.strategy, file: reservedFile }));
    }
    const file = run.targeted(analysis);

    await run.boundary('test', 'baseline: what is known of the untouched tree');
    await establishBaseline(run, workspace, config, knownTestRun);

    // generate → apply → verify; an LLM strategy gets llm.repairAttempts more tries.
    let commit = '';
    const { proposal } = await proposeAndVerify({
      strategy: run.strategy,
      repairAttempts: config.llm.repairAttempts,
      attempts: run.llmAttempts,
      note: (m) => run.note(m),
      generate: async (attempt, repair) => {
        await run.boundary('generate', attempt === 1 ? `generating a proposal with ${run.strategy}` : `asking ${run.strategy} to repair its change (try ${attempt})`);
        run.proposal = await runner.timed('generate', () => generateWithGuards(run, workspace, config, { attempt, ...(repair ? { repair } : {}) }));
        run.note(`proposal: ${run.proposal.summary} (+${run.proposal.linesAdded} −${run.proposal.linesRemoved})`);
        return run.proposal;
      },
      apply: async (p) => {
        await run.boundary('apply', `committing on ${workspace.branch}`);
        run.changeMade = true;
        const applied = await runner.timed('apply', () => runner.acts('apply', `apply: commit on ${workspace.branch}`).applyProposal({ workspace, proposal: p, message: commitMessage(file, p, run.workflowId) }));
        commit = applied.commit;
        run.note(`committed ${commit.slice(0, 8)} with backup ref ${applied.backupRef}`);
      },
      verify: async () => {
        await run.boundary('verify', 'tests and quality gates on the change');
        return verifyChange(run, workspace, config, overlap);
      },
      reset: async () => {
        await runner.timed('apply', () => runner.acts('apply', 'repair: undo the failed try in the worktree').resetWorkspace({ workspace }));
      },
    });
    run.proposal = proposal;
    if (!run.fixedDiffersFromClaim()) return commit;
    // The commit says what verify saw: the findings really gone, and those left for the next run.
    const message = commitMessage(file, proposal, run.workflowId, { fixed: run.fixed ?? [], remaining: run.remaining });
    return (await runner.timed('apply', () => runner.acts('apply', 'apply: the commit message names what verify saw').rewordCommit({ workspace, commit, message }))).commit;
  }

  try {
    // A repository given by URL: a run whose host is lost moves to another worker and redoes
    // the steps of its lost worktree (improvement/failover.ts); a path's run waits for its host.
    const { workspace, config, commit } = await withFailover(run, {
      mayMove: isRepoUrl(input.repoPath) && patched(FAILOVER_LOST_HOST),
      inWorktree: async () => {
        const prepared = await prepare();
        await run.checkIn(prepared.config, prepared.checkIn);
        return { ...prepared, commit: await changeIn(prepared.workspace, prepared.config) };
      },
      forgetLost: () => undo.forget(REMOVE_WORKSPACE),
    });

    run.decideByRisk();
    await run.approval(config);
    await run.boundary('integrate', INTEGRATE_WORDS[run.mode](workspace));
    await integrateChange(run, workspace, config, commit);
  } catch (err) {
    run.ended(err);
  }

  // Clean-up, compensation and telling people never stop for a cancellation.
  const result = await CancellationScope.nonCancellable(async () => {
    const landed = run.landing;
    // A landed run's worktree is removed while the outcome is recorded and told (neither needs the other).
    let removing: Promise<unknown> = Promise.resolve();
    if (landed && run.workspace) {
      undo.forget(REMOVE_WORKSPACE);
      // A proposed branch stays for review; a fast-forwarded one is spent. The backup ref stays.
      removing = runner
        .bootstrap(runner.hostQueue, 5 * 60_000, 'clean-up: remove the worktree')
        .removeWorkspace({ workspace: run.workspace, deleteBranch: landed.kind === 'applied', deleteBackupRef: false })
        .catch(() => undefined);
      if (!patched(OVERLAP_INDEPENDENT_STEPS)) await removing;
    } else {
      const { failed } = await undo.runAll();
      if (failed.length) run.reason += ` (clean-up failed: ${failed.join(', ')})`;
    }
    const done = run.result();
    run.enter('notify', `recording ${done.outcome}`);
    // The governor hears the end (slot, learning) while the outcome is recorded and told.
    const finish = () => run.governor?.finish(done, primaryFamily(run.findings)?.family ?? null, run.gatesFailed);
    const finishing = patched(GOVERNOR_SIGNALS_BESIDE_STEPS) ? finish() : undefined;
    const llm = run.proposal?.llm ? { llm: run.proposal.llm } : {};
    await runner.timed('notify', () => recordAndNotify({ result: done, config: run.config, hostQueue: runner.hostQueue, ...llm, note: (m) => run.note(m) }));
    await removing;
    done.finishedAt = new Date().toISOString();
    run.finished(done);
    recordImprovementMetrics(done);
    await (finishing ?? finish());
    await run.governor?.sent();
    return done;
  });

  // A cancelled run ends as cancelled in Temporal; its outcome is in the ledger and the query.
  if (run.cancellation !== undefined) throw run.cancellation;
  return result;
}
