// The verify step, and integration with its rebase rounds (which verify again): a change
// lands only after the repository's tests and the findings gate pass on exactly that commit.
import type { Config } from '../../core/config/config.js';
import { compareTestRuns } from '../../core/test-runs/gate.js';
import type { Finding, IntegrateResult, Mode, Proposal, TestRun, VerifyFindingsResult, Workspace } from '../../core/types.js';
import { lastLines, StepOutcome } from '../shared/failures.js';
import type { StepRunner } from './step-runner.js';

/** Rebase-and-verify rounds when the target branch keeps moving during integration. */
export const MAX_INTEGRATE_ROUNDS = 3;

export interface VerifyInput {
  runner: StepRunner;
  config: Config;
  testCommand: string[] | undefined;
  file: string;
  findings: Finding[];
  targetRuleCounts: Record<string, number>;
  proposal: Proposal | undefined;
  /** The baseline run: llm-tests compares its test count and coverage with the run after the change. */
  testsBefore?: TestRun | undefined;
  /** What an extra gate checked (llm-tests: the test count and coverage), for the outcome's reason. */
  gateNotes?: string[];
  note(message: string): void;
}

/** Tests after the change, then the findings gate; throws a rollback outcome when either fails. */
export async function verifyChange(input: VerifyInput, ws: Workspace): Promise<TestRun> {
  const { runner, config } = input;
  const testsAfter = await runner.timed('verify', () =>
    runner.acts('verify', `verify: tests after the change`).runTests({ workspace: ws, config, phase: 'verify', ...(input.testCommand ? { command: input.testCommand } : {}) }),
  );
  if (!testsAfter.passed) {
    const why = testsAfter.timedOut ? 'timed out' : `exited with ${testsAfter.exitCode}`;
    throw new StepOutcome('rolled_back', `tests failed after the change (${testsAfter.command.join(' ')} ${why}): ${lastLines(testsAfter.outputTail)}`, testsAfter.outputTail);
  }
  const check = await runner.timed('verify', () =>
    runner.acts('verify', `verify: findings in ${input.file}`).checkFindings({
      workspace: ws,
      config,
      target: input.file,
      before: input.findings,
      beforeRuleCounts: input.targetRuleCounts,
      targets: input.proposal?.targets ?? [],
    }),
  );
  if (!check.ok) throw new StepOutcome('rolled_back', `quality gate failed: ${check.reason ?? 'findings not fixed'}`, gateDetail(check));
  if (input.proposal?.strategy === 'llm-tests') {
    // llm-tests changes only test files: it must add passing tests and keep coverage.
    const gate = compareTestRuns(input.testsBefore, testsAfter);
    if (!gate.ok) throw new StepOutcome('rolled_back', `test gate failed: ${gate.reason}`, testsAfter.outputTail);
    input.note(`test gate: ${gate.reason}`);
    input.gateNotes?.push(gate.reason);
  }
  input.note(`verified: tests green${testsAfter.cached ? ' (cached)' : ''}, ${input.proposal?.targets.length ?? 0} findings gone, none new`);
  return testsAfter;
}

/** The findings a failed gate names, one per line (for an LLM repair attempt). */
function gateDetail(check: VerifyFindingsResult): string {
  const line = (label: string, f: Finding) => `${label} ${f.file}:${f.line}:${f.column} ${f.ruleId}: ${f.message}`;
  return [...check.remaining.map((f) => line('still reported:', f)), ...check.introduced.map((f) => line('new:', f))].slice(0, 30).join('\n');
}

export interface Integrated {
  kind: 'applied' | 'proposed';
  commit: string;
  branch?: string;
  reason: string;
  /** The workspace after any rebase (its base moved with the target). */
  workspace: Workspace;
}

/** Lands (merge) or leaves (branch) the commit; a moved target is rebased onto and verified again. */
export async function integrateChange(
  input: { runner: StepRunner; workspace: Workspace; mode: Mode; commit: string; note(message: string): void },
  verifyAgain: (ws: Workspace) => Promise<void>,
): Promise<Integrated> {
  const { runner, mode } = input;
  let workspace = input.workspace;
  let commit = input.commit;
  for (let round = 1; ; round++) {
    const result: IntegrateResult = await runner.timed('integrate', () => runner.acts('apply', `integrate: ${mode}`).integrate({ workspace, mode, commit }));
    if (result.kind === 'applied') return { kind: 'applied', commit: result.commit, reason: result.reason, workspace };
    if (result.kind === 'proposed') return { kind: 'proposed', commit: result.commit, branch: result.branch, reason: result.reason, workspace };
    if (round >= MAX_INTEGRATE_ROUNDS) throw new StepOutcome('rolled_back', `${workspace.targetBranch} kept moving during integration (${round} rebases)`);
    input.note(`${workspace.targetBranch} moved to ${result.targetCommit.slice(0, 8)}: rebasing and verifying again`);
    const ws = workspace;
    const rebased = await runner.timed('integrate', () => runner.acts('apply', 'integrate: rebase onto the moved target').rebaseWorkspace({ workspace: ws }));
    if (!rebased.ok || !rebased.commit || !rebased.baseCommit) throw new StepOutcome('rolled_back', `target moved and the rebase failed: ${rebased.reason ?? 'conflict'}`);
    workspace = { ...workspace, baseCommit: rebased.baseCommit, ...(rebased.baseTree ? { baseTree: rebased.baseTree } : {}) };
    commit = rebased.commit;
    await verifyAgain(workspace);
  }
}
