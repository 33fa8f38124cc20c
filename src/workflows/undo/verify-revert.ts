// The tests of a revert, as an improvement's verify: the same runTests (a red run is run once
// more, so flaky tests pass), and a red revert tells "red already" from "broken by the revert".
import type { Config } from '../../core/config/config.js';
import type { TestRun, Workspace } from '../../core/types.js';
import { flakyNote, redRunDetail, StepOutcome } from '../shared/failures.js';
import type { RevertContext } from './context.js';

/**
 * The revert's tests, as an improvement's verify: red is run once more (flaky tests pass); red
 * twice sends the worktree back to the untouched tree and tests that — red there too: the
 * repository was red already (skipped), green: the revert breaks the tests (rolled back).
 */
export async function verifyRevert(ctx: RevertContext, ws: Workspace, config: Config): Promise<TestRun> {
  const { runner, view } = ctx;
  const command = ctx.input.testCommand ? { command: ctx.input.testCommand } : {};
  view.step('verify', 'testing the revert');
  const after = await runner.timed('verify', () => runner.acts('verify', 'verify: tests on the revert').runTests({ workspace: ws, config, phase: 'verify', ...command }));
  if (after.passed) {
    view.note(`${after.skipped ? 'no test command: verified by git only' : `tests green on the revert${after.cached ? ' (cached)' : ''}`}${flakyNote(after)}`);
    return after;
  }
  view.note('tests red on the revert: testing the untouched tree to tell whether the revert broke them');
  await runner.timed('verify', () => runner.acts('apply', 'undo: back to the untouched tree').resetWorkspace({ workspace: ws }));
  const before = await runner.timed('test', () => runner.acts('test', 'test: the untouched tree').runTests({ workspace: ws, config, phase: 'baseline', ...command }));
  const why = (run: TestRun) => `${run.command.join(' ')} ${run.timedOut ? 'timed out' : `exited with ${run.exitCode}`}`;
  if (!before.passed) throw new StepOutcome('skipped', `tests are red before the undo too (${why(before)}); fix them or set test.command: ${redRunDetail(before)}`);
  throw new StepOutcome('rolled_back', `the revert breaks the tests (${why(after)}): ${redRunDetail(after)}; nothing was changed`);
}
