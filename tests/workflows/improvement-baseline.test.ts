// One full test run per landed change: what the saga does with what the test cache knows of
// the untouched tree (knownTestRun), per strategy, and that every safety outcome still holds
// (a red repository skipped, a breaking change rolled back, nothing of it left behind).
import { describe, expect, it } from 'vitest';
import type { ImprovementInput, ImprovementResult, Proposal, TestRun } from '../../src/core/types.js';
import { improvement } from '../../src/workflows/improvement.js';
import { FAKE_REPO, fakeActivities, fakeProposal, greenRun, redRun, type CallLog, type FakeOptions } from '../helpers/fake-activities.js';
import { useTimeSkipping } from '../helpers/time-skipping.js';

const ts = useTimeSkipping();
let seq = 0;

async function runImprovement(options: FakeOptions, input: Partial<ImprovementInput> = {}): Promise<{ result: ImprovementResult; log: CallLog }> {
  const { activities, log } = fakeActivities(options);
  const result = await ts.withWorker(activities, (taskQueue) =>
    ts.env.client.workflow.execute(improvement, { taskQueue, workflowId: `baseline-${++seq}`, args: [{ repoPath: FAKE_REPO, ...input }] }),
  );
  return { result, log };
}

const cached = (run: TestRun): TestRun => ({ ...run, cached: true });
const llmProposal = (): Proposal => ({ ...fakeProposal(), strategy: 'llm', summary: 'use const' });
const START = ['locateRepo', 'prepareWorkspace', 'analyse', 'knownTestRun'];
const END = ['removeWorkspace', 'recordOutcome'];

describe('a tree the test cache knows', () => {
  it('is not tested again when it is green: the one run is the change\'s', async () => {
    const { result, log } = await runImprovement({ overrides: { knownTestRun: async () => cached(greenRun('baseline')) } });

    expect(result.outcome).toBe('applied');
    expect(log.names()).toEqual([...START, 'generate', 'applyProposal', 'runTests:verify', 'checkFindings', 'integrate', ...END]);
    expect(result.testsBefore).toMatchObject({ passed: true, cached: true });
  });

  it.each(['autofix', 'llm'] as const)('skips a known red repository before generating anything (%s)', async (strategy) => {
    const { result, log } = await runImprovement(
      { overrides: { knownTestRun: async () => cached(redRun('baseline', 'Error: Cannot find module ./db\n1 failing')) } },
      { strategy },
    );

    expect(result.outcome).toBe('skipped');
    expect(result.reason).toContain('baseline tests are red');
    expect(result.reason).toContain('within the hour');
    expect(result.reason).toContain('Cannot find module ./db');
    // No test run, no LLM call, nothing applied; the worktree goes.
    expect(log.names()).toEqual([...START, ...END]);
    expect(log.inputsOf('removeWorkspace')).toEqual([expect.objectContaining({ deleteBranch: true, deleteBackupRef: true })]);
  });
});

describe('a tree nothing is known of', () => {
  it('runs the baseline first for an LLM strategy, so a red repository costs no paid call', async () => {
    const { result, log } = await runImprovement(
      { overrides: { runTests: async (input) => redRun(input.phase), generate: async () => llmProposal() } },
      { strategy: 'llm' },
    );

    expect(result.outcome).toBe('skipped');
    expect(log.names()).toEqual([...START, 'runTests:baseline', ...END]);
    expect(log.has('generate')).toBe(false);
  });

  it('tests only the change of an autofix when it is green', async () => {
    const { result, log } = await runImprovement({});

    expect(result.outcome).toBe('applied');
    expect(log.count('runTests:verify')).toBe(1);
    expect(log.has('runTests:baseline')).toBe(false);
    expect(result.testsBefore).toBeUndefined();
  });

  it('rolls back an autofix that broke green tests and leaves nothing', async () => {
    const { result, log } = await runImprovement({ overrides: { runTests: async (input) => (input.phase === 'verify' ? redRun('verify') : greenRun(input.phase)) } });

    expect(result.outcome).toBe('rolled_back');
    expect(result.reason).toContain('tests failed after the change');
    // The findings gate ran beside the tests and had finished before the worktree was reset.
    expect(log.names().slice(-6)).toEqual(['runTests:verify', 'checkFindings', 'resetWorkspace', 'runTests:baseline', ...END]);
    // The late baseline runs on the untouched base, after the worktree went back to it.
    expect(log.inputsOf('resetWorkspace')).toHaveLength(1);
    expect(log.inputsOf('removeWorkspace')).toEqual([expect.objectContaining({ deleteBranch: true, deleteBackupRef: true })]);
    expect(result.commit).toBeUndefined();
  });

  it('skips (not rolls back) an autofix whose repository was red already, and keeps none of the change', async () => {
    const { result, log } = await runImprovement({ overrides: { runTests: async (input) => redRun(input.phase, 'Error: Cannot find module ./db\n1 failing') } });

    expect(result.outcome).toBe('skipped');
    expect(result.reason).toContain('baseline tests are red before any change');
    // The findings gate ran beside the tests and had finished before the worktree was reset.
    expect(log.names().slice(-6)).toEqual(['runTests:verify', 'checkFindings', 'resetWorkspace', 'runTests:baseline', ...END]);
    expect(log.has('integrate')).toBe(false);
    expect(log.inputsOf('removeWorkspace')).toEqual([expect.objectContaining({ deleteBranch: true, deleteBackupRef: true })]);
  });

  it('lands a change whose verify was red then green (flaky, decided inside runTests) without a baseline', async () => {
    const { result, log } = await runImprovement({ overrides: { runTests: async (input) => ({ ...greenRun(input.phase), flaky: ['adds numbers'] }) } });

    expect(result.outcome).toBe('applied');
    expect(log.has('runTests:baseline')).toBe(false);
    expect(result.testsAfter?.flaky).toEqual(['adds numbers']);
  });
});
