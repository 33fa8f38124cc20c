// Sample events and channels for notification tests.
import type { NotificationChannel } from '../../src/core/config/config.js';
import { Config } from '../../src/core/config/config.js';
import type { CycleSummary } from '../../src/core/notifications/types.js';
import type { ImprovementResult } from '../../src/core/types.js';

export const SAMPLE_DIFF = [
  '--- a/src/<b>math</b>.js',
  '+++ b/src/<b>math</b>.js',
  '@@ -1,3 +1,3 @@',
  '-var total = a + b; // <script>alert("x")</script>',
  '+const total = a + b; // <script>alert("x")</script>',
  ' export { total };',
].join('\n');

export function sampleResult(overrides: Partial<ImprovementResult> = {}): ImprovementResult {
  return {
    workflowId: 'improvement-demo-1',
    runId: 'ab12cd34',
    repo: '/srv/repos/demo',
    file: 'src/<b>math</b>.js',
    strategy: 'autofix',
    mode: 'branch',
    outcome: 'proposed',
    reason: 'left kaizen/ab12cd34 for review & <approval>',
    commit: 'c0ffee00112233445566778899aabbccddeeff00',
    branch: 'kaizen/ab12cd34',
    backupRef: 'refs/kaizen/backup/ab12cd34',
    findingsFixed: 2,
    fixedRules: ['no-var', 'prefer-const'],
    linesAdded: 1,
    linesRemoved: 1,
    testsBefore: { phase: 'baseline', passed: true, skipped: false, command: ['npm', 'test'], exitCode: 0, timedOut: false, durationMs: 1200, cached: false, outputTail: '2 passing' },
    testsAfter: { phase: 'verify', passed: true, skipped: false, command: ['npm', 'test'], exitCode: 0, timedOut: false, durationMs: 1100, cached: true, outputTail: '2 passing' },
    diffExcerpt: SAMPLE_DIFF,
    steps: [],
    startedAt: '2025-03-01T10:00:00.000Z',
    finishedAt: '2025-03-01T10:02:00.000Z',
    ...overrides,
  };
}

export function sampleSummary(): CycleSummary {
  return {
    cycleId: 'cycle-demo-7',
    startedAt: '2025-03-01T10:00:00.000Z',
    finishedAt: '2025-03-01T10:30:00.000Z',
    counts: { applied: 1, proposed: 0, rolled_back: 1, failed: 0, skipped: 1 },
    results: [
      { workflowId: 'improvement-a', file: 'src/a.js', outcome: 'applied', reason: 'fast-forwarded main', findingsFixed: 2, linesAdded: 2, linesRemoved: 2, commit: 'a'.repeat(40) },
      { workflowId: 'improvement-b', file: 'src/b.js', outcome: 'rolled_back', reason: 'tests failed after the change', findingsFixed: 0, linesAdded: 3, linesRemoved: 1 },
      { workflowId: 'improvement-c', file: null, outcome: 'skipped', reason: 'no findings to fix', findingsFixed: 0, linesAdded: 0, linesRemoved: 0 },
    ],
  };
}

/** A channel as the config schema fills it in. */
export function channel(input: Partial<NotificationChannel> & Pick<NotificationChannel, 'id' | 'type'>): NotificationChannel {
  const parsed = Config.parse({ notifications: { channels: [input] } }).notifications.channels[0];
  if (!parsed) throw new Error('channel did not parse');
  return parsed;
}

export const LINK = (id: string) => `http://ui.test/namespaces/default/workflows/${id}`;
