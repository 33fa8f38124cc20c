// Realistic ledger entries for stats, report and CLI tests: deterministic, no randomness.
import type { Outcome, Strategy } from '../../src/core/types.js';
import type { LedgerEntry } from '../../src/core/ledger/types.js';

export function ledgerEntry(overrides: Partial<LedgerEntry> = {}): LedgerEntry {
  return {
    timestamp: '2025-03-10T12:00:00.000Z',
    workflowId: 'improve-app-1',
    runId: 'ab12cd34',
    repo: '/repo/app',
    file: 'src/a.js',
    strategy: 'autofix',
    mode: 'branch',
    outcome: 'proposed',
    reason: 'branch kaizen/ab12cd34 is ready for review',
    findingsFixed: 2,
    fixedRules: ['prefer-const'],
    linesAdded: 2,
    linesRemoved: 2,
    testsBefore: { passed: true, cached: false, durationMs: 1200 },
    testsAfter: { passed: true, cached: false, durationMs: 1100 },
    commit: 'f'.repeat(40),
    branch: 'kaizen/ab12cd34',
    backupRef: 'refs/kaizen/backup/ab12cd34',
    durationsMs: { prepare: 800, analyse: 2000, test: 1200, generate: 500, apply: 300, verify: 1100, integrate: 200, notify: 100 },
    ...overrides,
  };
}

const FILES = ['src/server/routes.ts', 'src/util/strings.js', 'lib/parse.js', 'src/components/UserProfileSettingsPanel.tsx', 'index.js'];
const RULES = [['prefer-const'], ['no-var', 'prefer-const'], ['eqeqeq'], ['@typescript-eslint/no-unused-vars'], ['no-useless-escape'], ['curly']];
const ROLLBACKS = [
  'tests failed after the change (npm test exited with 1): expected 3 to equal 4',
  'quality gate failed: 2 new findings (no-undef)',
  'cancelled during verify; the change was rolled back',
  'rejected by alice: too noisy',
  'not approved within 24h: rejected',
];
const PLAN: Outcome[] = ['applied', 'proposed', 'rolled_back', 'applied', 'skipped', 'proposed', 'failed', 'rolled_back', 'applied', 'proposed'];

function diffFor(file: string, n: number): string {
  return [
    `--- a/${file}`,
    `+++ b/${file}`,
    `@@ -${n},4 +${n},4 @@`,
    ' function total(items) {',
    `-  var sum = 0;`,
    `+  let sum = 0;`,
    '   for (const item of items) sum += item.price;',
    '   return sum;',
    '',
  ].join('\n');
}

/** `count` entries spread over `days` days ending at `end`, with every outcome, strategy and a few rollback reasons. */
export function fixtureLedger(count = 30, days = 10, end = new Date('2025-03-10T18:00:00.000Z')): LedgerEntry[] {
  const entries: LedgerEntry[] = [];
  for (let i = 0; i < count; i++) {
    const outcome = PLAN[i % PLAN.length] as Outcome;
    const strategy: Strategy = i % 3 === 2 ? 'llm' : 'autofix';
    const file = FILES[i % FILES.length] as string;
    const dayBack = Math.floor(((count - 1 - i) * days) / count);
    const at = new Date(end.getTime() - dayBack * 86_400_000 - (i % 4) * 3_600_000);
    const changed = outcome === 'applied' || outcome === 'proposed';
    const runId = `r${String(i).padStart(3, '0')}`;
    entries.push(
      ledgerEntry({
        timestamp: at.toISOString(),
        workflowId: `improve-app-${runId}`,
        runId,
        file: outcome === 'skipped' ? null : file,
        strategy,
        mode: i % 2 ? 'merge' : 'branch',
        outcome,
        reason:
          outcome === 'applied'
            ? `fast-forwarded main to ${'c'.repeat(7)}`
            : outcome === 'proposed'
              ? `branch kaizen/${runId} is ready for review`
              : outcome === 'rolled_back'
                ? (ROLLBACKS[Math.floor(i / 5) % ROLLBACKS.length] as string)
                : outcome === 'skipped'
                  ? 'nothing to do: no fixable findings'
                  : 'generate: the LLM answer did not match the schema',
        findingsFixed: changed ? 1 + (i % 3) : 0,
        fixedRules: changed ? (RULES[i % RULES.length] as string[]) : [],
        linesAdded: outcome === 'skipped' || outcome === 'failed' ? 0 : 1 + (i % 4),
        linesRemoved: outcome === 'skipped' || outcome === 'failed' ? 0 : 1 + (i % 3),
        commit: changed ? `${String(i).padStart(2, '0')}${'a1b2c3d4e5'.repeat(4).slice(2)}` : null,
        branch: outcome === 'proposed' ? `kaizen/${runId}` : null,
        durationsMs: { prepare: 700 + i * 10, analyse: 2500, test: 9000 + i * 100, generate: strategy === 'llm' ? 14000 : 600, apply: 250, verify: 8000, integrate: 300, notify: 120 },
        ...(outcome === 'applied' || outcome === 'proposed' || (outcome === 'rolled_back' && i % 2) ? { diffExcerpt: diffFor(file, 10 + i) } : {}),
      }),
    );
  }
  return entries;
}
