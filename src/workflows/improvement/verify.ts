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

/** The test step: the baseline when it is known or worth a run now; else it waits for a red verify. */
export async function establishBaseline(run: ImprovementRun, ws: Workspace, config: Config): Promise<void> {
  const { runner } = run;
  const known = await runner.timed('test', () => runner.acts('test', 'test: what is known of the untouched tree').knownTestRun({ workspace: ws, config, ...testCommandOf(run) }));
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

/** Tests after the change, then the findings gate; throws a rollback outcome when either fails. */
export async function verifyChange(run: ImprovementRun, ws: Workspace, config: Config): Promise<TestRun> {
  const { runner } = run;
  const file = run.file ?? ws.worktree;
  // What the gates say is about this verification (a repair or a rebase verifies again).
  run.gateNotes.length = 0;
  const testsAfter = await runner.timed('verify', () =>
    runner.acts('verify', 'verify: tests after the change').runTests({
      workspace: ws,
      config,
      phase: 'verify',
      ...testCommandOf(run),
      // mode auto decides by risk: which changed lines the tests run (autofix is low-risk as it is).
      ...(run.mode === 'auto' && run.strategy !== 'autofix' ? { changedLines: true } : {}),
    }),
  );
  run.testsAfter = testsAfter;
  if (!testsAfter.passed) {
    // Throws `skipped` when the untouched tree is red as well.
    if (run.testsBefore === undefined) await baselineAfterRed(run, ws, config);
    const why = testsAfter.timedOut ? 'timed out' : `exited with ${testsAfter.exitCode}`;
    throw gateFailed(run, `tests failed after the change (${testsAfter.command.join(' ')} ${why}): ${redRunDetail(testsAfter)}`, testsAfter.outputTail);
  }
  const check = await runner.timed('verify', () =>
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
