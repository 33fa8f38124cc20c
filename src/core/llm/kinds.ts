// The LLM strategies ("prompt kinds"): what each one is for, which findings it works on and
// which prompt version it sends. Pure and free of Node and zod: the governor's learner and the
// workflows use it to decide which strategy may handle which rule family.
import type { Finding, LlmStrategy, Strategy } from '../types.js';

/** Findings Kaizen reports itself (src/core/analysis/code-scan.ts), for the prompt kinds beyond lint fixes. */
export const KAIZEN_ANALYSER = 'kaizen';
export const KAIZEN_RULES = {
  complexity: 'complexity',
  errorHandling: 'missing-error-handling',
  untestedExport: 'untested-export',
} as const;
export type KaizenRule = (typeof KAIZEN_RULES)[keyof typeof KAIZEN_RULES];

export interface LlmKind {
  strategy: LlmStrategy;
  /** Bumped with every change of the kind's wording; the ledger records it next to each proposal. */
  promptVersion: string;
  /** The Kaizen rule whose findings this kind works on; null: every finding (fix findings). */
  rule: KaizenRule | null;
  /** One line for `--help`, README and the progress updates. */
  purpose: string;
}

export const LLM_KINDS: Readonly<Record<LlmStrategy, LlmKind>> = {
  llm: { strategy: 'llm', promptVersion: 'fix-findings@4', rule: null, purpose: 'fix the findings of the analysers' },
  'llm-complexity': {
    strategy: 'llm-complexity',
    promptVersion: 'reduce-complexity@2',
    rule: KAIZEN_RULES.complexity,
    purpose: 'simplify a function whose cyclomatic complexity is over llm.complexityThreshold',
  },
  'llm-error-handling': {
    strategy: 'llm-error-handling',
    promptVersion: 'add-error-handling@2',
    rule: KAIZEN_RULES.errorHandling,
    purpose: 'handle the errors of promise chains and async callbacks nobody awaits',
  },
  'llm-tests': {
    strategy: 'llm-tests',
    promptVersion: 'add-tests@2',
    rule: KAIZEN_RULES.untestedExport,
    purpose: 'add tests for an exported function no test file mentions',
  },
};

export function isLlmStrategy(strategy: Strategy): strategy is LlmStrategy {
  return strategy !== 'autofix';
}

export function isKaizenFinding(finding: Pick<Finding, 'analyser'>): boolean {
  return finding.analyser === KAIZEN_ANALYSER;
}

/** The rule family of a Kaizen rule, as learner.ruleFamily spells it. */
export function kaizenFamily(rule: KaizenRule): string {
  return `${KAIZEN_ANALYSER}:${rule}`;
}

/**
 * May `strategy` work on findings of `family`? autofix: only what the analyser fixes itself;
 * a kind with its own rule: only that rule's family; `llm` (fix findings): anything but an
 * untested export, which needs a new test file rather than a change to the file itself.
 */
export function strategyApplies(strategy: Strategy, family: string, fixable: boolean): boolean {
  if (strategy === 'autofix') return fixable;
  const rule = LLM_KINDS[strategy].rule;
  if (rule !== null) return family === kaizenFamily(rule);
  return family !== kaizenFamily(KAIZEN_RULES.untestedExport);
}

/** The findings of a target that a strategy's proposal works on (and the verify gate expects gone). */
export function findingsForStrategy(strategy: Strategy, findings: readonly Finding[]): Finding[] {
  if (strategy === 'autofix') return [...findings];
  const rule = LLM_KINDS[strategy].rule;
  if (rule === null) return findings.filter((f) => !(isKaizenFinding(f) && f.ruleId === KAIZEN_RULES.untestedExport));
  return findings.filter((f) => isKaizenFinding(f) && f.ruleId === rule);
}

/** The Kaizen scans a repository's analysis runs: one per configured kind (plus the run's own). */
export function kaizenRulesFor(strategies: readonly Strategy[]): KaizenRule[] {
  const rules = new Set<KaizenRule>();
  for (const strategy of strategies) {
    const rule = isLlmStrategy(strategy) ? LLM_KINDS[strategy].rule : null;
    if (rule !== null) rules.add(rule);
  }
  return [...rules].sort();
}
