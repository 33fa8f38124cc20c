import { describe, expect, it } from 'vitest';
import { commitMessage, ledgerEntry, llmTotal } from '../../../src/core/improvement/outcome.js';
import type { ImprovementResult, LlmAttempt, Proposal } from '../../../src/core/types.js';

const usage = (promptTokens: number, completionTokens: number, costUsd?: number) => ({ model: 'gpt-4o-mini', promptTokens, completionTokens, promptVersion: 'fix-findings@4', ...(costUsd !== undefined ? { costUsd } : {}) });

const ATTEMPTS: LlmAttempt[] = [
  { attempt: 1, outcome: 'verify_failed', reason: 'tests failed after the change', llm: usage(1000, 100, 0.0002) },
  { attempt: 2, outcome: 'verified', reason: 'verified', llm: usage(1500, 120, 0.0003) },
];

function result(overrides: Partial<ImprovementResult> = {}): ImprovementResult {
  return {
    workflowId: 'w',
    runId: 'r',
    repo: '/r',
    file: 'src/a.js',
    strategy: 'llm',
    mode: 'merge',
    outcome: 'applied',
    reason: 'landed',
    findingsFixed: 1,
    fixedRules: ['no-var'],
    linesAdded: 1,
    linesRemoved: 1,
    steps: [],
    startedAt: '2025-03-01T00:00:00.000Z',
    finishedAt: '2025-03-01T00:01:00.000Z',
    ...overrides,
  };
}

describe('the ledger line of an LLM improvement', () => {
  it('records every try with its reason, tokens and cost, and their total', () => {
    const entry = ledgerEntry(result({ llmAttempts: ATTEMPTS }), ATTEMPTS[1]?.llm);
    expect(entry.attempts).toEqual(ATTEMPTS);
    expect(entry.llmTotal?.promptTokens).toBe(2500);
    expect(entry.llmTotal?.completionTokens).toBe(220);
    expect(entry.llmTotal?.costUsd).toBeCloseTo(0.0005);
    expect(entry.llm).toEqual(ATTEMPTS[1]?.llm);
  });

  it('leaves the cost out when a paid try had no price, and adds nothing for autofix', () => {
    expect(llmTotal([{ attempt: 1, outcome: 'rejected', reason: 'x', llm: usage(10, 5) }])).toEqual({ promptTokens: 10, completionTokens: 5 });
    const entry = ledgerEntry(result({ strategy: 'autofix' }));
    expect(entry.attempts).toBeUndefined();
    expect(entry.llmTotal).toBeUndefined();
  });
});

describe('commit messages per strategy', () => {
  const proposal = (strategy: Proposal['strategy']): Proposal => ({
    strategy,
    proposalPath: '/p',
    files: ['src/a.js'],
    summary: 'Do it',
    linesAdded: 1,
    linesRemoved: 0,
    diffExcerpt: '',
    targets: [{ file: 'src/a.js', line: 1, column: 1, ruleId: strategy === 'llm-tests' ? 'untested-export' : 'complexity', message: 'm', severity: 'warning', analyser: 'kaizen', fixable: false }],
    llm: usage(1, 1),
  });

  it('says what the change does and which prompt produced it', () => {
    expect(commitMessage('src/a.js', proposal('llm-complexity'), 'w').split('\n')[0]).toBe('kaizen: simplify complexity in src/a.js');
    expect(commitMessage('src/a.js', proposal('llm-tests'), 'w').split('\n')[0]).toBe('kaizen: add tests for untested-export in src/a.js');
    expect(commitMessage('src/a.js', proposal('llm-tests'), 'w')).toContain('Strategy: llm-tests (gpt-4o-mini, prompt fix-findings@4)');
  });
});
