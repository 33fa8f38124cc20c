// The findings gate of verify: are the targeted findings gone, is nothing new, does the
// file still parse? Lines move when code changes, so findings are matched by rule and
// message, counted as a multiset.
import type { Finding, VerifyFindingsResult } from '../types.js';

export interface FindingComparison {
  target: string;
  /** The target's findings before the change. */
  before: Finding[];
  /** The target's findings after the change. */
  after: Finding[];
  /** The findings the change was meant to fix. */
  targets: Finding[];
  /** Per-rule counts of every finding before the change (`before` may be capped). */
  beforeRuleCounts?: Record<string, number>;
}

export function compareFindings(input: FindingComparison): VerifyFindingsResult {
  const before = input.before.filter((f) => f.file === input.target);
  const after = input.after.filter((f) => f.file === input.target);
  const fatal = after.find((f) => f.fatal);
  const parses = fatal === undefined;

  // remaining: each targeted finding still reported (one reported finding answers one target).
  const unclaimed = groupByKey(after);
  const remaining: Finding[] = [];
  for (const wanted of input.targets) {
    const still = unclaimed.get(keyOf(wanted))?.shift();
    if (still) remaining.push(still);
  }

  const introduced = introducedFindings(before, after, input.beforeRuleCounts);
  const ok = parses && remaining.length === 0 && introduced.length === 0;
  const result: VerifyFindingsResult = { ok, parses, remaining, introduced };
  if (!ok) {
    if (fatal) result.reason = `${input.target} no longer parses: line ${fatal.line}: ${fatal.message}`;
    else if (remaining.length > 0) result.reason = `${remaining.length} targeted ${plural(remaining.length, 'finding')} still reported in ${input.target}: ${describe(remaining)}`;
    else result.reason = `the change adds ${introduced.length} ${plural(introduced.length, 'finding')} to ${input.target}: ${describe(introduced)}`;
  }
  return result;
}

/** Findings of every rule whose count went up; of those, the ones not seen before come first. */
function introducedFindings(before: Finding[], after: Finding[], beforeRuleCounts?: Record<string, number>): Finding[] {
  const beforeCount = beforeRuleCounts ? new Map(Object.entries(beforeRuleCounts)) : countBy(before, ruleOf);
  const afterByRule = new Map<string, Finding[]>();
  for (const finding of after) afterByRule.set(ruleOf(finding), [...(afterByRule.get(ruleOf(finding)) ?? []), finding]);
  const seenBefore = groupByKey(before);
  const introduced: Finding[] = [];
  for (const [rule, findings] of afterByRule) {
    const increase = findings.length - (beforeCount.get(rule) ?? 0);
    if (increase <= 0) continue;
    const unseen: Finding[] = [];
    const seen: Finding[] = [];
    for (const finding of findings) {
      if (seenBefore.get(keyOf(finding))?.shift()) seen.push(finding);
      else unseen.push(finding);
    }
    introduced.push(...[...unseen, ...seen].slice(0, increase));
  }
  return introduced;
}

/** The key of `beforeRuleCounts`: analyser and rule. */
export function ruleOf(finding: Finding): string {
  return `${finding.analyser}/${finding.ruleId}`;
}

export function ruleCountsOf(findings: Finding[]): Record<string, number> {
  return Object.fromEntries(countBy(findings, ruleOf));
}

function keyOf(finding: Finding): string {
  return `${finding.analyser}\u0000${finding.ruleId}\u0000${finding.message}`;
}

function groupByKey(findings: Finding[]): Map<string, Finding[]> {
  const groups = new Map<string, Finding[]>();
  for (const finding of findings) groups.set(keyOf(finding), [...(groups.get(keyOf(finding)) ?? []), finding]);
  return groups;
}

function countBy<T>(items: T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

/** `prefer-const (line 4), no-var (line 9)`, capped so the reason stays one short line. */
function describe(findings: Finding[]): string {
  const shown = findings.slice(0, 5).map((f) => `${f.ruleId} (line ${f.line})`);
  return shown.join(', ') + (findings.length > 5 ? `, … ${findings.length - 5} more` : '');
}

function plural(count: number, word: string): string {
  return count === 1 ? word : `${word}s`;
}
