// LLM changes people can trust, on the time-skipping server: the repair loop (a failing try goes
// back to the model with its failure, inside the same improvement) and the daily LLM cap (the
// real governor pauses the LLM strategies, tells people, and resumes on request).
import { describe, expect, it } from 'vitest';
import type { KaizenActivities } from '../../src/activities/index.js';
import type { ConfigInput } from '../../src/core/config/config.js';
import { LlmAnswerRejectedError } from '../../src/core/llm/errors.js';
import { governorWorkflowId } from '../../src/core/repository/key.js';
import type { ImprovementInput, ImprovementResult, Proposal } from '../../src/core/types.js';
import { governorStateQuery, resumeLlmSignal } from '../../src/contracts/governor.js';
import { improvement } from '../../src/workflows/improvement.js';
import { continuousFakes, until } from '../helpers/continuous.js';
import { FAKE_REPO, fakeActivities, fakeProposal, greenRun, redRun, type CallLog, type FakeOptions } from '../helpers/fake-activities.js';
import { useTimeSkipping } from '../helpers/time-skipping.js';

const ts = useTimeSkipping();
let seq = 0;

function llmProposal(attempt: number, tokens = { promptTokens: 900, completionTokens: 100 }): Proposal {
  return {
    ...fakeProposal(),
    strategy: 'llm',
    proposalPath: `/tmp/kaizen-proposals/p${attempt}.json`,
    summary: `try ${attempt}: use const`,
    diffExcerpt: `-var x = 1;\n+const x = ${attempt};`,
    llm: { model: 'scripted-model', ...tokens, promptVersion: 'fix-findings@4', costUsd: 0.001 },
  };
}

/** generate answers try 1, 2, … in turn. */
const generateByAttempt: KaizenActivities['generate'] = async (input) => llmProposal(input.attempt ?? 1);

async function runLlm(options: FakeOptions, input: Partial<ImprovementInput> = {}): Promise<{ result: ImprovementResult; log: CallLog }> {
  const { activities, log } = fakeActivities(options);
  const result = await ts.withWorker(activities, (taskQueue) =>
    ts.env.client.workflow.execute(improvement, { taskQueue, workflowId: `llm-trust-${++seq}`, args: [{ repoPath: FAKE_REPO, strategy: 'llm', ...input }] }),
  );
  return { result, log };
}

describe('the repair loop', () => {
  it('sends a red verify back to the model and lands the repaired change', async () => {
    let verifyRuns = 0;
    const { result, log } = await runLlm({
      overrides: {
        generate: generateByAttempt,
        runTests: async (input) => (input.phase === 'verify' && ++verifyRuns === 1 ? redRun('verify', 'not ok 1 - adds\n  expected: 5\n  actual: -1\n# fail 1') : greenRun(input.phase)),
      },
    });

    expect(result.outcome, result.reason).toBe('applied');
    expect(log.names()).toEqual([
      'locateRepo',
      'prepareWorkspace',
      'analyse',
      'knownTestRun',
      'runTests:baseline',
      'generate',
      'applyProposal',
      'runTests:verify',
      'checkFindings',
      'resetWorkspace',
      'generate',
      'applyProposal',
      'runTests:verify',
      'checkFindings',
      'integrate',
      'removeWorkspace',
      'recordOutcome',
    ]);
    const [first, second] = log.inputsOf('generate');
    expect(first?.attempt).toBe(1);
    expect(first?.repair).toBeUndefined();
    expect(second?.attempt).toBe(2);
    expect(second?.repair).toMatchObject({ previousSummary: 'try 1: use const', previousDiff: '-var x = 1;\n+const x = 1;' });
    // The model sees why: the reason and the test output's tail.
    expect(second?.repair?.failure).toMatch(/^tests failed after the change/);
    expect(second?.repair?.failure).toContain('actual: -1');
    // The second try is what landed, and both tries are on the record with their tokens.
    expect(log.inputsOf('applyProposal').map((i) => i.proposal.summary)).toEqual(['try 1: use const', 'try 2: use const']);
    expect(result.llmAttempts?.map((a) => [a.attempt, a.outcome])).toEqual([
      [1, 'verify_failed'],
      [2, 'verified'],
    ]);
    const entry = log.inputsOf('recordOutcome')[0]?.entry;
    expect(entry).toMatchObject({ outcome: 'applied', strategy: 'llm', llmTotal: { promptTokens: 1800, completionTokens: 200, costUsd: 0.002 } });
    expect(entry?.attempts).toHaveLength(2);
  });

  it('rolls back with every try\'s reason when all tries fail', async () => {
    let verifyRuns = 0;
    const { result, log } = await runLlm({
      overrides: {
        generate: generateByAttempt,
        runTests: async (input) => (input.phase === 'verify' && ++verifyRuns === 1 ? redRun('verify') : greenRun(input.phase)),
        checkFindings: async () => ({ ok: false, parses: true, remaining: [], introduced: [], reason: 'the change adds 1 finding to src/a.js: no-undef (line 3)' }),
      },
    });

    expect(result.outcome).toBe('rolled_back');
    expect(result.reason).toMatch(/^all 2 tries failed: 1\) tests failed after the change .*expected 3, got 4.*; 2\) quality gate failed: the change adds 1 finding/);
    expect(log.count('generate')).toBe(2);
    expect(log.has('integrate')).toBe(false);
    expect(log.inputsOf('removeWorkspace')).toEqual([expect.objectContaining({ deleteBranch: true, deleteBackupRef: true })]);
    expect(log.inputsOf('recordOutcome')[0]?.entry.attempts?.map((a) => a.outcome)).toEqual(['verify_failed', 'verify_failed']);
  });

  it('records a rejected repair answer and rolls back', async () => {
    const { result, log } = await runLlm({
      overrides: {
        generate: async (input) => {
          if ((input.attempt ?? 1) === 1) return llmProposal(1);
          throw new LlmAnswerRejectedError('search_not_found', 'edit 1: the search text "x" does not occur in src/a.js', {
            model: 'scripted-model',
            promptTokens: 700,
            completionTokens: 30,
            promptVersion: 'fix-findings@4',
          });
        },
        runTests: async (input) => (input.phase === 'verify' ? redRun('verify') : greenRun(input.phase)),
      },
    });

    expect(result.outcome).toBe('rolled_back');
    expect(result.reason).toMatch(/1\) tests failed after the change.*2\) LLM answer rejected \(search_not_found\)/);
    expect(result.llmAttempts?.[1]).toMatchObject({ attempt: 2, outcome: 'rejected', llm: { promptTokens: 700, completionTokens: 30 } });
    expect(log.count('applyProposal')).toBe(1);
  });

  it('sends an answer refused as out of scope back to the model, without applying or testing it', async () => {
    const outOfScope = new LlmAnswerRejectedError(
      'out_of_scope',
      "src/a.js line 14 (`if (key === '__proto__') continue;`) is outside the scope of every targeted finding. Change only the code of the targeted findings (no-var at line 1) and the imports it needs",
      { model: 'scripted-model', promptTokens: 800, completionTokens: 60, promptVersion: 'fix-findings@4' },
      { summary: 'use const, and simplify the guard', diffExcerpt: "-  if (key === '__proto__') continue;" },
    );
    const { result, log } = await runLlm({
      overrides: {
        generate: async (input) => {
          if ((input.attempt ?? 1) === 1) throw outOfScope;
          return llmProposal(2);
        },
      },
    });

    expect(result.outcome, result.reason).toBe('applied');
    expect(log.names()).toEqual(['locateRepo', 'prepareWorkspace', 'analyse', 'knownTestRun', 'runTests:baseline', 'generate', 'generate', 'applyProposal', 'runTests:verify', 'checkFindings', 'integrate', 'removeWorkspace', 'recordOutcome']);
    const repair = log.inputsOf('generate')[1]?.repair;
    expect(repair).toMatchObject({ refused: true, previousSummary: 'use const, and simplify the guard', previousDiff: "-  if (key === '__proto__') continue;" });
    expect(repair?.failure).toMatch(/out_of_scope.*src\/a\.js line 14/);
    expect(result.llmAttempts).toEqual([
      expect.objectContaining({ attempt: 1, outcome: 'rejected', reason: expect.stringMatching(/out_of_scope/), llm: expect.objectContaining({ promptTokens: 800 }) }),
      expect.objectContaining({ attempt: 2, outcome: 'verified' }),
    ]);
  });

  it('tries once when llm.repairAttempts is 0, and never repairs autofix', async () => {
    const red: FakeOptions['overrides'] = { generate: generateByAttempt, runTests: async (input) => (input.phase === 'verify' ? redRun('verify') : greenRun(input.phase)) };
    const llm = await runLlm({ config: { llm: { repairAttempts: 0 } }, overrides: red });
    expect(llm.result.outcome).toBe('rolled_back');
    expect(llm.result.reason).toMatch(/^tests failed after the change/);
    expect(llm.log.count('generate')).toBe(1);

    const autofix = await runLlm({ overrides: { runTests: red.runTests } }, { strategy: 'autofix' });
    expect(autofix.result.outcome).toBe('rolled_back');
    expect(autofix.log.count('generate')).toBe(1);
    expect(autofix.log.count('applyProposal')).toBe(1);
    // Its one reset takes the worktree back to the base for the late baseline, not for a repair.
    expect(autofix.log.names().slice(-4, -2)).toEqual(['resetWorkspace', 'runTests:baseline']);
  });
});

describe('the daily LLM cap', () => {
  it('pauses the LLM strategies when the next call would exceed it, tells people, and resumes on request', async () => {
    const repo = '/repos/llm-cap';
    // Each answer costs 15,000 tokens; the estimate of a call is ~6,100 (16 KB prompt + 1,000 answer tokens).
    const config: ConfigInput = {
      llm: { maxTokensPerDay: 20_000, maxAnswerTokens: 1000 },
      notifications: { channels: [{ id: 'ops', type: 'webhook', events: ['paused'] }] },
    };
    const fakes = continuousFakes(ts.plainClient, { config, overrides: { generate: async () => llmProposal(1, { promptTokens: 14_000, completionTokens: 1000 }) } });
    const run = (taskQueue: string) =>
      ts.plainClient.workflow.execute(improvement, { taskQueue, workflowId: `llm-cap-${++seq}`, args: [{ repoPath: repo, file: 'src/a.js', strategy: 'llm' }] });
    const view = () => ts.plainClient.workflow.getHandle(governorWorkflowId(repo)).query(governorStateQuery);

    await ts.withWorker(fakes.activities, async (taskQueue) => {
      const first = await run(taskQueue);
      expect(first.outcome, first.reason).toBe('applied');
      await until(view, (v) => v.llm?.tokens24h === 15_000, 'the first usage report');

      const second = await run(taskQueue);
      expect(second.outcome).toBe('skipped');
      expect(second.reason).toMatch(/LLM token cap is reached: 15,000 of llm\.maxTokensPerDay 20,000/);
      expect(second.reason).toMatch(/autofix continues/);
      expect(second.reason).toContain(`kaizen resume ${repo} --llm`);
      const paused = await view();
      expect(paused.llm?.paused?.reason).toBe(second.reason);
      // People hear about it once, on the channels that listen to `paused`.
      const told = fakes.log.inputsOf('deliverNotification').filter((d) => d.event.kind === 'paused');
      expect(told).toHaveLength(1);
      expect(told[0]?.event).toMatchObject({ kind: 'paused', by: 'the LLM cost cap', reason: second.reason });
      expect(fakes.log.count('generate')).toBe(1);

      await ts.plainClient.workflow.getHandle(governorWorkflowId(repo)).signal(resumeLlmSignal, { by: 'test' });
      await until(view, (v) => v.llm?.paused === null, 'the resume');
      const third = await run(taskQueue);
      expect(third.outcome, third.reason).toBe('applied');
      expect(fakes.log.count('generate')).toBe(2);
    });
  });
});
