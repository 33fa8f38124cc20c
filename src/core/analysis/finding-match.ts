// The findings gate of verify: which targeted findings the change fixed, which remain, is
// anything new, does the file still parse? Findings are matched by location and rule: each
// finding before the change is followed to where its line went (the change's hunks, see
// core/change/hunks.ts) and matched to a finding of the same rule there. So one fixed finding
// of seven identical ones counts as one, wherever it was.
import type { LineMap } from '../change/hunks.js';
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
  /** Where each line of the target went; default: nothing moved. */
  lineMap?: LineMap;
  /** At least one targeted finding must be gone (false for llm-tests, which is measured by tests). */
  requireFixed?: boolean;
}

const UNMOVED: LineMap = (line) => ({ from: line, to: line });

export function compareFindings(input: FindingComparison): VerifyFindingsResult {
  const ofTarget = (f: Finding) => f.file === input.target;
  const targets = input.targets.filter(ofTarget);
  // A target is one of the findings before; one that is not listed there still takes part.
  const before = [...input.before.filter(ofTarget)];
  const targetIndex = targets.map((t) => {
    const index = before.findIndex((b) => sameFinding(b, t));
    if (index >= 0) return index;
    before.push(t);
    return before.length - 1;
  });
  const after = input.after.filter(ofTarget);
  const fatal = after.find((f) => f.fatal);
  const parses = fatal === undefined;
  const matches = matchFindings(before, after, input.lineMap ?? UNMOVED);

  const fixed: Finding[] = [];
  const remaining: Finding[] = [];
  targets.forEach((target, i) => {
    const matched = matches.get(targetIndex[i] as number);
    if (matched === undefined) fixed.push(target);
    else remaining.push(after[matched] as Finding);
  });
  const matchedAfter = new Set(matches.values());
  const introduced = introducedFindings(before, after.filter((f, i) => !matchedAfter.has(i) && !f.fatal), input.beforeRuleCounts, after);

  const requireFixed = input.requireFixed ?? true;
  const progress = !requireFixed || fixed.length > 0 || targets.length === 0;
  const ok = parses && introduced.length === 0 && progress;
  const result: VerifyFindingsResult = { ok, parses, fixed, remaining, introduced };
  if (fatal) result.reason = `${input.target} no longer parses: line ${fatal.line}: ${fatal.message}`;
  else if (introduced.length > 0) result.reason = `the change adds ${introduced.length} ${plural(introduced.length, 'finding')} to ${input.target}: ${describeFindings(introduced)}`;
  else if (!progress) result.reason = `none of the ${targets.length} targeted ${plural(targets.length, 'finding')} is gone from ${input.target}: ${describeFindings(remaining)}`;
  else if (remaining.length > 0) result.reason = `fixed ${fixed.length} of ${targets.length} targeted findings; left for the next run: ${describeFindings(remaining)}`;
  return result;
}

/**
 * Pairs findings before and after (indexes), same analyser and rule, each before finding
 * looked for where its line went: the same line when it was untouched, else the new side of
 * its hunk. Untouched lines are matched first; ties go to the same message, then column,
 * then the nearest line.
 */
export function matchFindings(before: readonly Finding[], after: readonly Finding[], lineMap: LineMap): Map<number, number> {
  const byRule = new Map<string, number[]>();
  after.forEach((f, i) => byRule.set(ruleOf(f), [...(byRule.get(ruleOf(f)) ?? []), i]));
  const taken = new Set<number>();
  const matches = new Map<number, number>();
  const order = before
    .map((finding, index) => ({ finding, index, where: lineMap(finding.line) }))
    .sort((a, b) => Number(a.where.from !== a.where.to) - Number(b.where.from !== b.where.to) || a.index - b.index);
  for (const { finding, index, where } of order) {
    let best: { at: number; score: number } | null = null;
    for (const at of byRule.get(ruleOf(finding)) ?? []) {
      const candidate = after[at] as Finding;
      if (taken.has(at) || candidate.line < where.from || candidate.line > where.to) continue;
      const score =
        (candidate.message === finding.message ? 4 : 0) + (candidate.column === finding.column ? 2 : 0) - Math.abs(candidate.line - where.from) / (where.to - where.from + 2);
      if (!best || score > best.score) best = { at, score };
    }
    if (best) {
      taken.add(best.at);
      matches.set(index, best.at);
    }
  }
  return matches;
}

/**
 * The unmatched findings after the change are new, except for rules whose `before` list was
 * capped: there only a rise of the rule's count is new (the listed findings cannot tell).
 */
function introducedFindings(before: Finding[], unmatched: Finding[], beforeRuleCounts: Record<string, number> | undefined, after: Finding[]): Finding[] {
  const listed = countBy(before, ruleOf);
  const afterCounts = countBy(after.filter((f) => !f.fatal), ruleOf);
  const introduced: Finding[] = [];
  const byRule = new Map<string, Finding[]>();
  for (const f of unmatched) byRule.set(ruleOf(f), [...(byRule.get(ruleOf(f)) ?? []), f]);
  for (const [rule, findings] of byRule) {
    const total = beforeRuleCounts?.[rule];
    if (total !== undefined && total > (listed.get(rule) ?? 0)) {
      const rise = (afterCounts.get(rule) ?? 0) - total;
      if (rise > 0) introduced.push(...findings.slice(0, rise));
    } else {
      introduced.push(...findings);
    }
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

function sameFinding(a: Finding, b: Finding): boolean {
  return a.file === b.file && a.line === b.line && a.column === b.column && a.ruleId === b.ruleId && a.analyser === b.analyser && a.message === b.message;
}

function countBy<T>(items: T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

/** `prefer-const (line 4), no-var (line 9)`, capped so the reason stays one short line. */
export function describeFindings(findings: readonly Finding[]): string {
  const shown = findings.slice(0, 5).map((f) => `${f.ruleId} (line ${f.line})`);
  return shown.join(', ') + (findings.length > 5 ? `, … ${findings.length - 5} more` : '');
}

function plural(count: number, word: string): string {
  return count === 1 ? word : `${word}s`;
}
