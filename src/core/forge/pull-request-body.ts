// The pull request a reviewer can decide from: what was fixed, the test evidence before and
// after, the size of the change, how it was made, where its run is, and how to undo it.
import type { Strategy, TestRun } from '../types.js';

/** The test run as the body shows it (a TestRun without its output). */
export type TestEvidence = Pick<TestRun, 'command' | 'passed' | 'skipped' | 'cached' | 'durationMs' | 'passedCount' | 'failedCount' | 'flaky' | 'coverage'>;

/** What the improvement knows about its change; plain JSON, from the workflow. */
export interface PullRequestFacts {
  workflowId: string;
  file: string;
  strategy: Strategy;
  /** LLM strategies: the model and prompt version that wrote the change. */
  model?: string;
  summary: string;
  /** Findings the change removed, counted per rule (most first). */
  fixedRules: { rule: string; count: number }[];
  /** Targeted findings still there after the change. */
  remaining: number;
  testsBefore?: TestEvidence;
  testsAfter?: TestEvidence;
  files: string[];
  linesAdded: number;
  linesRemoved: number;
  branch: string;
  commit: string;
  targetBranch: string;
  baseCommit: string;
  remote: string;
  /** `kaizen undo`: this pull request reverts an earlier change (its run, commit and pull request). */
  reverts?: { workflowId: string; commit: string; pullRequest?: { url: string; number: number } };
}

/** Keeps a body well under every forge's limit (GitHub: 65 536 characters). */
const MAX_BODY = 60_000;

export function pullRequestBody(facts: PullRequestFacts, webUiLink: string): string {
  if (facts.reverts) return revertBody(facts, facts.reverts, webUiLink);
  const fixedCount = facts.fixedRules.reduce((n, r) => n + r.count, 0);
  const lines = [
    facts.summary,
    '',
    `### What was fixed`,
    `${fixedCount} finding${fixedCount === 1 ? '' : 's'} in \`${facts.file}\`:`,
    ...facts.fixedRules.map((r) => `- \`${r.rule}\` × ${r.count}`),
    ...(facts.remaining > 0 ? [`- ${facts.remaining} targeted finding${facts.remaining === 1 ? '' : 's'} left for a later run`] : []),
    '',
    '### Test evidence',
    ...testLines(facts),
    '',
    '### The change',
    `- ${facts.files.length} file${facts.files.length === 1 ? '' : 's'} changed, +${facts.linesAdded} −${facts.linesRemoved}: ${facts.files.map((f) => `\`${f}\``).join(', ')}`,
    `- commit \`${facts.commit.slice(0, 12)}\` on \`${facts.branch}\`, based on \`${facts.targetBranch}\` at \`${facts.baseCommit.slice(0, 12)}\``,
    `- strategy: ${facts.strategy}${facts.model ? ` (model ${facts.model})` : ''}`,
    `- Kaizen run: [${facts.workflowId}](${webUiLink})`,
    '',
    '### How to undo',
    `- Not merged yet: close this pull request; Kaizen's branch can go too: \`git push ${facts.remote} --delete ${facts.branch}\`.`,
    `- Merged: revert it like any change, e.g. \`git revert ${facts.commit.slice(0, 12)}\` (or the merge or squash commit the forge made), and open a pull request with the revert.`,
    '',
    '_Opened by Kaizen, which verified this change before pushing it; the repository\'s own checks run on it here._',
  ];
  const body = lines.join('\n');
  return body.length <= MAX_BODY ? body : `${body.slice(0, MAX_BODY)}\n\n… (cut)`;
}

/** A revert's pull request: what it takes back, its tests, and how to keep the change after all. */
function revertBody(facts: PullRequestFacts, reverts: NonNullable<PullRequestFacts['reverts']>, webUiLink: string): string {
  return [
    `Reverts \`${reverts.commit.slice(0, 12)}\` (Kaizen run ${reverts.workflowId}${reverts.pullRequest ? `, pull request ${reverts.pullRequest.url}` : ''}), asked for with \`kaizen undo\`.`,
    '',
    '### Test evidence',
    ...testLines(facts),
    '',
    '### The change',
    `- ${facts.files.length} file${facts.files.length === 1 ? '' : 's'} changed back: ${facts.files.map((f) => `\`${f}\``).join(', ')}`,
    `- commit \`${facts.commit.slice(0, 12)}\` on \`${facts.branch}\`, based on \`${facts.targetBranch}\` at \`${facts.baseCommit.slice(0, 12)}\``,
    `- Kaizen run: [${facts.workflowId}](${webUiLink})`,
    '',
    '### To keep the change after all',
    `Close this pull request; Kaizen's branch can go too: \`git push ${facts.remote} --delete ${facts.branch}\`.`,
    '',
    "_Opened by Kaizen, which tested this revert before pushing it; the repository's own checks run on it here._",
  ].join('\n');
}

function testLines(facts: PullRequestFacts): string[] {
  const before = facts.testsBefore;
  const after = facts.testsAfter;
  const run = after ?? before;
  if (!run || run.skipped) return ['- No test command ran: the change was verified by analysis only (set `test.command` in kaizen.config.json).'];
  // One test run per change: a green change on an untested tree never runs the untouched one.
  const notRun = after?.passed ? 'not run (the change is green, so the untouched tree was not tested)' : 'not run';
  return [`- command: \`${run.command.join(' ')}\``, `- before the change (baseline): ${testResult(before, notRun)}`, `- after the change: ${testResult(after)}`];
}

function testResult(run: TestEvidence | undefined, notRun = 'not run'): string {
  if (!run) return notRun;
  if (run.skipped) return 'skipped';
  const counts = run.passedCount !== undefined || run.failedCount !== undefined ? `, ${run.passedCount ?? 0} passed, ${run.failedCount ?? 0} failed` : '';
  const coverage = run.coverage ? `, line coverage ${run.coverage.linesPct}%` : '';
  const flaky = run.flaky ? ` (red once, then green: flaky ${run.flaky.length ? run.flaky.join(', ') : 'tests'})` : '';
  return `${run.passed ? 'green' : 'red'}${counts}${coverage} in ${(run.durationMs / 1000).toFixed(1)} s${run.cached ? ' (cached by tree hash)' : ''}${flaky}`;
}
