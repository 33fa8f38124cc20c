// test and verify: a change may land only after the repository's tests and the findings gate
// pass on exactly that commit (activities runTests and checkFindings). llm-tests also has to
// add passing tests without lowering coverage.
//
// One full test run per landed change: before generating, the saga asks what is known of the
// untouched tree (knownTestRun: the tree-hash cache). Known green or red decides at once (red:
// skipped, nothing generated). Unknown: an LLM strategy runs the baseline first, so a red
// repository never costs a paid call; autofix tests only its change, and only when that is
// red runs the untouched tree, to tell "already red" (skipped) from "broken by the change"
// (rolled back).
import type { Config } from '../../core/config/config.js';
import { isLlmStrategy } from '../../core/llm/kinds.js';
import { compareTestRuns } from '../../core/test-runs/gate.js';
import type { Finding, TestRun, VerifyFindingsResult, Workspace } from '../../core/types.js';
import { flakyNote, redRunDetail, StepOutcome } from '../shared/failures.js';
import type { ImprovementRun } from './run.js';

/** `--test-cmd`, when the run was started with one (it overrides test.command). */
function testCommandOf(run: ImprovementRun): { command?: string[] } {
  return run.input.testCommand ? { command: run.input.testCommand } : {};
}

/** Runs the tests on the worktree as it is (the untouched tree) and records them as the baseline. */
async function runBaseline(run: ImprovementRun, ws: Workspace, config: Config): Promise<void> {
  const { runner } = run;
  run.baseline(await runner.timed('test', () => runner.acts('test', 'test: baseline on the untouched tree').runTests({ workspace: ws, config, phase: 'baseline', ...testCommandOf(run) })));
}

/**
 * Asks the tree-hash cache what is known of the untouched tree. It depends on nothing the
 * analysis finds, so the saga starts it alongside the analysis; marked handled so a run that
 * ends before the test step leaves no unhandled rejection behind (awaiting it still throws).
 */
export function lookUpKnownTestRun(run: ImprovementRun, ws: Workspace, config: Config): Promise<TestRun | null> {
  const { runner } = run;
  const known = runner.timed('test', () => runner.acts('test', 'test: what is known of the untouched tree').knownTestRun({ workspace: ws, config, ...testCommandOf(run) }));
  known.catch(() => undefined);
  return known;
}

/** The test step: the baseline when it is known or worth a run now; else it waits for a red verify. */
export async function establishBaseline(run: ImprovementRun, ws: Workspace, config: Config, knownRun?: Promise<TestRun | null>): Promise<void> {
  const known = await (knownRun ?? lookUpKnownTestRun(run, ws, config));
  if (known) return run.baseline(known);
  if (isLlmStrategy(run.strategy)) return runBaseline(run, ws, config);
  run.note('baseline not known: the tests run on the change, and on the untouched tree only if they are red there');
}

/**
 * Verify was red and the untouched tree was never tested: the worktree goes back to the base
 * and the tests run there. Red there too: the repository was red already (skipped, the change
 * is dropped); green: the change broke them (the caller rolls it back).
 */
async function baselineAfterRed(run: ImprovementRun, ws: Workspace, config: Config): Promise<void> {
  const { runner } = run;
  run.note('tests red after the change: testing the untouched tree to tell whether the change broke them');
  await runner.timed('test', () => runner.acts('apply', 'test: back to the untouched tree').resetWorkspace({ workspace: ws }));
  await runBaseline(run, ws, config);
}

/**
 * Tests after the change and the findings gate; throws a rollback outcome when either fails.
 * With `together` both run at once (neither reads what the other writes), so the gate costs
 * no time of its own; a red test run still decides first.
 */
export async function verifyChange(run: ImprovementRun, ws: Workspace, config: Config, together = false): Promise<TestRun> {
  const { runner } = run;
  // What the gates say is about this verification (a repair or a rebase verifies again).
  run.gateNotes.length = 0;
  const testing = runner.timed('verify', () =>
    runner.acts('verify', 'verify: tests after the change').runTests({
      workspace: ws,
      config,
      phase: 'verify',
      ...testCommandOf(run),
      // mode auto decides by risk: which changed lines the tests run (autofix is low-risk as it is).
      ...(run.mode === 'auto' && run.strategy !== 'autofix' ? { changedLines: true } : {}),
    }),
  );
  const gate = together ? checkFindingsOf(run, ws, config) : undefined;
  gate?.catch(() => undefined);
  // Whatever the tests end with, the gate has finished reading the worktree before anyone resets it.
  const testsAfter = await testing.catch(async (err: unknown) => {
    await gate?.catch(() => undefined);
    throw err;
  });
  run.testsAfter = testsAfter;
  if (!testsAfter.passed) {
    // The gate reads the worktree: it finishes before anything resets it (its answer no longer matters).
    await gate?.catch(() => undefined);
    // Throws `skipped` when the untouched tree is red as well.
    if (run.testsBefore === undefined) await baselineAfterRed(run, ws, config);
    const why = testsAfter.timedOut ? 'timed out' : `exited with ${testsAfter.exitCode}`;
    throw gateFailed(run, `tests failed after the change (${testsAfter.command.join(' ')} ${why}): ${redRunDetail(testsAfter)}`, testsAfter.outputTail);
  }
  const check = await (gate ?? checkFindingsOf(run, ws, config));
  if (!check.ok) throw gateFailed(run, `quality gate failed: ${check.reason ?? 'findings not fixed'}`, gateDetail(check));
  run.checked(check);
  if (run.proposal?.strategy === 'llm-tests') {
    const gate = compareTestRuns(run.testsBefore, testsAfter);
    if (!gate.ok) throw gateFailed(run, `test gate failed: ${gate.reason}`, testsAfter.outputTail);
    run.note(`test gate: ${gate.reason}`);
    run.gateNotes.push(gate.reason);
  }
  run.note(`verified: tests green${testsAfter.cached ? ' (cached)' : ''}, ${run.fixed?.length ?? run.proposal?.targets.length ?? 0} findings gone, none new${run.remaining.length ? `, ${run.remaining.length} left for the next run` : ''}${flakyNote(testsAfter)}`);
  return testsAfter;
}

/** The findings gate on the committed change: targeted findings gone, none new. */
function checkFindingsOf(run: ImprovementRun, ws: Workspace, config: Config): Promise<VerifyFindingsResult> {
  const { runner } = run;
  const file = run.file ?? ws.worktree;
  return runner.timed('verify', () =>
    runner.acts('verify', `verify: findings in ${file}`).checkFindings({
      workspace: ws,
      config,
      target: file,
      before: run.findings,
      beforeRuleCounts: run.targetRuleCounts,
      targets: run.proposal?.targets ?? [],
      ...(run.analysedCommit ? { analysedCommit: run.analysedCommit } : {}),
      ...(run.proposal ? { strategy: run.proposal.strategy, proposalPath: run.proposal.proposalPath } : {}),
    }),
  );
}

/** The strategy's change failed a gate: a rollback, and a lesson for the governor's learner. */
function gateFailed(run: ImprovementRun, reason: string, detail?: string): StepOutcome {
  run.gatesFailed = true;
  return new StepOutcome('rolled_back', reason, detail);
}

/** The findings a failed gate names, one per line (for an LLM repair attempt). */
function gateDetail(check: VerifyFindingsResult): string {
  const line = (label: string, f: Finding) => `${label} ${f.file}:${f.line}:${f.column} ${f.ruleId}: ${f.message}`;
  return [...check.remaining.map((f) => line('still reported:', f)), ...check.introduced.map((f) => line('new:', f))].slice(0, 30).join('\n');
}
