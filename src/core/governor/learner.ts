// Which strategy to try for a finding: per rule family and strategy the governor keeps the
// outcomes so far and samples from Beta(successes + 1, failures + 1) (Thompson sampling), so
// a strategy that keeps being rolled back for a rule is tried less and less. Pure: the random
// source is a parameter (the workflow passes its deterministic Math.random).
import { strategyApplies } from '../llm/kinds.js';
import type { Finding, Outcome, Strategy } from '../types.js';

export type Random = () => number;

export interface ArmStats {
  successes: number;
  failures: number;
}

/** Outcomes per rule family, then per strategy. */
export type StrategyStats = Record<string, Partial<Record<Strategy, ArmStats>>>;

export interface StrategyChoice {
  strategy: Strategy;
  why: string;
}

/** An ESLint rule id as it is (`no-var`); other analysers' rules prefixed with the analyser id. */
export function ruleFamily(finding: Pick<Finding, 'analyser' | 'ruleId'>): string {
  return finding.analyser === 'eslint' ? finding.ruleId : `${finding.analyser}:${finding.ruleId}`;
}

/** The family one improvement of these findings is mostly about: the commonest fixable one, else the commonest. */
export function primaryFamily(findings: readonly Finding[]): { family: string; fixable: boolean } | null {
  const fixable = findings.filter((f) => f.fixable);
  const pool = fixable.length ? fixable : findings;
  const counts = new Map<string, number>();
  for (const f of pool) counts.set(ruleFamily(f), (counts.get(ruleFamily(f)) ?? 0) + 1);
  const best = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
  return best ? { family: best[0], fixable: fixable.length > 0 } : null;
}

/**
 * What one outcome teaches: landed or proposed is a success; a failure only when the strategy's
 * own change failed its gates (`gatesFailed`). A skip, a change main already had, a conflict with
 * another run or a missing key say nothing about the strategy. Reports of older workers carry no
 * `gatesFailed`: then a rollback or failure counts as before.
 */
export function lesson(outcome: Outcome, gatesFailed?: boolean): 'success' | 'failure' | null {
  if (outcome === 'applied' || outcome === 'proposed') return 'success';
  if (gatesFailed !== undefined) return gatesFailed && (outcome === 'rolled_back' || outcome === 'failed') ? 'failure' : null;
  if (outcome === 'rolled_back' || outcome === 'failed') return 'failure';
  return null;
}

export function recordLesson(stats: StrategyStats, family: string, strategy: Strategy, outcome: Outcome, gatesFailed?: boolean): StrategyStats {
  const learned = lesson(outcome, gatesFailed);
  if (learned === null) return stats;
  const perStrategy = { ...(stats[family] ?? {}) };
  const arm = { ...(perStrategy[strategy] ?? { successes: 0, failures: 0 }) };
  if (learned === 'success') arm.successes++;
  else arm.failures++;
  perStrategy[strategy] = arm;
  return { ...stats, [family]: perStrategy };
}

/** Three or more failures and a posterior mean under 0.3: the analyser's own fixer stops being the default. */
export function isClearlyBad(arm: ArmStats | undefined): boolean {
  if (!arm) return false;
  return arm.failures >= 3 && (arm.successes + 1) / (arm.successes + arm.failures + 2) < 0.3;
}

export interface ChoiceInput {
  stats: StrategyStats;
  family: string;
  /** The analyser can fix findings of this family itself. */
  fixable: boolean;
  /** The strategies the repository allows (config `strategies`), in preference order. */
  allowed: readonly Strategy[];
  random: Random;
}

/**
 * The strategy for a new candidate, or null when no allowed strategy applies (autofix only and
 * nothing fixable; a prompt kind only for its own rule family, see core/llm/kinds.ts).
 */
export function chooseStrategy(input: ChoiceInput): StrategyChoice | null {
  const arms = input.stats[input.family] ?? {};
  const applicable = input.allowed.filter((s) => strategyApplies(s, input.family, input.fixable));
  if (applicable.length === 0) return null;
  if (applicable.includes('autofix') && !isClearlyBad(arms.autofix)) {
    return { strategy: 'autofix', why: `autofix preferred: the analyser fixes ${input.family} itself${describeArm(arms.autofix)}` };
  }
  let best: { strategy: Strategy; sample: number } | undefined;
  const samples: string[] = [];
  for (const strategy of applicable) {
    const arm = arms[strategy] ?? { successes: 0, failures: 0 };
    const sample = sampleBeta(arm.successes + 1, arm.failures + 1, input.random);
    samples.push(`${strategy} ${sample.toFixed(2)}${describeArm(arm)}`);
    if (!best || sample > best.sample) best = { strategy, sample };
  }
  const chosen = best as { strategy: Strategy; sample: number };
  return { strategy: chosen.strategy, why: `Thompson sampling for ${input.family}: ${samples.join(', ')}` };
}

function describeArm(arm: ArmStats | undefined): string {
  return arm && arm.successes + arm.failures > 0 ? ` (${arm.successes}✓ ${arm.failures}✗)` : '';
}

/** A Beta(a, b) sample as X / (X + Y) of two Gamma samples. */
export function sampleBeta(a: number, b: number, random: Random): number {
  const x = sampleGamma(a, random);
  const y = sampleGamma(b, random);
  return x / (x + y);
}

/** Marsaglia and Tsang's method; every shape here is at least 1 (counts + 1). */
export function sampleGamma(shape: number, random: Random): number {
  if (shape < 1) throw new Error(`sampleGamma needs shape >= 1, got ${shape}`);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = standardNormal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = unitOpen(random);
    if (u < 1 - 0.0331 * x ** 4) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

function standardNormal(random: Random): number {
  // Box-Muller; one of the pair is enough.
  return Math.sqrt(-2 * Math.log(unitOpen(random))) * Math.cos(2 * Math.PI * random());
}

/** A uniform number in (0, 1]: log() of it is finite. */
function unitOpen(random: Random): number {
  return 1 - random();
}

/** A small seeded generator (mulberry32) for tests and for anything that needs a repeatable stream. */
export function seededRandom(seed: number): Random {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}
