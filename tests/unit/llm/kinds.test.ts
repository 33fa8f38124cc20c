import { describe, expect, it } from 'vitest';
import { chooseStrategy, seededRandom } from '../../../src/core/governor/learner.js';
import { findingsForStrategy, kaizenFamily, kaizenRulesFor, KAIZEN_RULES, LLM_KINDS, strategyApplies } from '../../../src/core/llm/kinds.js';
import { buildPrompt, PROMPT_VERSION } from '../../../src/core/llm/prompt.js';
import { STRATEGIES, type Finding, type LlmStrategy } from '../../../src/core/types.js';

const lint: Finding = { file: 'a.js', line: 1, column: 1, ruleId: 'no-var', message: 'Unexpected var.', severity: 'warning', analyser: 'eslint', fixable: true };
const kaizen = (ruleId: string): Finding => ({ ...lint, ruleId, analyser: 'kaizen', fixable: false, message: ruleId });

describe('the prompt kinds', () => {
  it('has one versioned kind per LLM strategy, each version distinct', () => {
    const kinds = STRATEGIES.filter((s) => s !== 'autofix') as LlmStrategy[];
    expect(Object.keys(LLM_KINDS).sort()).toEqual([...kinds].sort());
    const versions = kinds.map((k) => LLM_KINDS[k].promptVersion);
    expect(new Set(versions).size).toBe(kinds.length);
    for (const v of versions) expect(v).toMatch(/^[a-z-]+@\d+$/);
    expect(PROMPT_VERSION).toBe('fix-findings@4');
    expect(LLM_KINDS['llm-complexity'].promptVersion).toBe('reduce-complexity@2');
    expect(LLM_KINDS['llm-tests'].promptVersion).toBe('add-tests@2');
  });

  it('gives each kind its own system prompt and task', () => {
    const input = { target: 'a.js', language: 'JavaScript', findings: [lint], testCommand: null, fileContent: 'var a = 1;\n' };
    const system = (kind: LlmStrategy) => buildPrompt({ ...input, kind })[0]?.content ?? '';
    expect(system('llm')).toMatch(/fixing findings of static analysers/);
    expect(system('llm-complexity')).toMatch(/reducing the cyclomatic complexity/);
    expect(system('llm-error-handling')).toMatch(/adding missing error handling/);
    expect(system('llm-tests')).toMatch(/Change only test files/);
    expect(system('llm-tests')).toMatch(/empty "search"/);
    expect(buildPrompt({ ...input, kind: 'llm-complexity', complexityThreshold: 7 })[1]?.content).toContain('cyclomatic complexity of at most 7');
  });
});

describe('which strategy may work on which findings', () => {
  it('lets autofix take fixable families, each kind only its own rule, and llm anything but an untested export', () => {
    const complexity = kaizenFamily(KAIZEN_RULES.complexity);
    const untested = kaizenFamily(KAIZEN_RULES.untestedExport);
    expect(strategyApplies('autofix', 'no-var', true)).toBe(true);
    expect(strategyApplies('autofix', 'no-undef', false)).toBe(false);
    expect(strategyApplies('llm', 'no-undef', false)).toBe(true);
    expect(strategyApplies('llm', complexity, false)).toBe(true);
    expect(strategyApplies('llm', untested, false)).toBe(false);
    expect(strategyApplies('llm-complexity', complexity, false)).toBe(true);
    expect(strategyApplies('llm-complexity', 'no-var', true)).toBe(false);
    expect(strategyApplies('llm-tests', untested, false)).toBe(true);
    expect(strategyApplies('llm-error-handling', kaizenFamily(KAIZEN_RULES.errorHandling), false)).toBe(true);
  });

  it('hands each kind the findings it works on', () => {
    const findings = [lint, kaizen('complexity'), kaizen('untested-export')];
    expect(findingsForStrategy('llm', findings)).toEqual([lint, findings[1]]);
    expect(findingsForStrategy('llm-complexity', findings)).toEqual([findings[1]]);
    expect(findingsForStrategy('llm-tests', findings)).toEqual([findings[2]]);
    expect(findingsForStrategy('autofix', findings)).toEqual(findings);
  });

  it('runs only the scans the configured kinds need', () => {
    expect(kaizenRulesFor(['autofix', 'llm'])).toEqual([]);
    expect(kaizenRulesFor(['llm-tests', 'llm-complexity', 'llm-tests'])).toEqual(['complexity', 'untested-export']);
  });

  it('lets the learner choose between the fix-findings prompt and the complexity prompt, never autofix', () => {
    const chosen = new Set<string>();
    const random = seededRandom(7);
    for (let i = 0; i < 40; i++) {
      const choice = chooseStrategy({ stats: {}, family: kaizenFamily(KAIZEN_RULES.complexity), fixable: false, allowed: ['autofix', 'llm', 'llm-complexity', 'llm-tests'], random });
      chosen.add(choice?.strategy ?? 'none');
    }
    expect([...chosen].sort()).toEqual(['llm', 'llm-complexity']);
    expect(chooseStrategy({ stats: {}, family: kaizenFamily(KAIZEN_RULES.untestedExport), fixable: false, allowed: ['autofix', 'llm'], random })).toBeNull();
  });
});
