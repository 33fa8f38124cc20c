// Pass/fail counts from the summary lines test runners print. Pure: it reads output text
// only, so each runner's format is unit-tested on fixture strings. When several summaries
// appear (a script running two runners), the last one printed wins.

export interface TestCounts {
  passed: number;
  failed: number;
}

// ESC [ ... final byte: colour and cursor sequences that runners print even without a TTY.
const ANSI_ESCAPE = /\u001b\[[0-?]*[ -/]*[@-~]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI_ESCAPE, '');
}

interface Found extends TestCounts {
  /** Line index of the summary, to pick the last one printed. */
  line: number;
}

type SummaryParser = (lines: string[]) => Found | null;

/** Counts from the last recognised summary in `output`, or null when there is none. */
export function parseTestCounts(output: string): TestCounts | null {
  const lines = stripAnsi(output).split(/\r?\n|\r/);
  let best: Found | null = null;
  for (const parse of PARSERS) {
    const found = parse(lines);
    if (found && (!best || found.line > best.line)) best = found;
  }
  return best ? { passed: best.passed, failed: best.failed } : null;
}

/** node --test: TAP `# pass 3` / `# fail 1`, spec reporter `ℹ pass 3` / `ℹ fail 1`. */
const nodeTestRunner: SummaryParser = (lines) => {
  const pass = lastMatch(lines, /^\s*(?:#|ℹ)\s*pass (\d+)\s*$/);
  const fail = lastMatch(lines, /^\s*(?:#|ℹ)\s*fail (\d+)\s*$/);
  if (!pass && !fail) return null;
  return { passed: pass?.value ?? 0, failed: fail?.value ?? 0, line: Math.max(pass?.line ?? 0, fail?.line ?? 0) };
};

/** vitest: `      Tests  1 failed | 3 passed (4)` (not the `Test Files` line). */
const vitest: SummaryParser = (lines) => countsOnLastLine(lines, /^\s*Tests\s{2,}(.*\(\d+\))\s*$/);

/** jest: `Tests:       1 failed, 3 passed, 4 total`. */
const jest: SummaryParser = (lines) => countsOnLastLine(lines, /^\s*Tests:\s+(.*\d+ total)\s*$/);

/** mocha: `  3 passing (12ms)` and `  1 failing`. */
const mocha: SummaryParser = (lines) => {
  const passing = lastMatch(lines, /^\s*(\d+) passing\b/);
  const failing = lastMatch(lines, /^\s*(\d+) failing\s*$/);
  if (!passing && !failing) return null;
  return {
    passed: passing?.value ?? 0,
    failed: failing?.value ?? 0,
    line: Math.max(passing?.line ?? 0, failing?.line ?? 0),
  };
};

/** pytest: `==== 1 failed, 3 passed in 0.12s ====`, or the same without rules under `-q`. */
const pytest: SummaryParser = (lines) => {
  for (let i = lines.length - 1; i >= 0; i--) {
    const match = /^=*\s*((?:\d+ \w+(?:, )?)+) in [\d.]+s\b.*?=*\s*$/.exec(lines[i] as string);
    if (!match) continue;
    const segment = match[1] as string;
    if (!/\d+ (passed|failed|errors?)\b/.test(segment)) continue;
    return {
      passed: countOf(segment, 'passed'),
      failed: countOf(segment, 'failed') + countOf(segment, 'errors?'),
      line: i,
    };
  }
  return null;
};

const PARSERS: readonly SummaryParser[] = [nodeTestRunner, vitest, jest, mocha, pytest];

function countsOnLastLine(lines: string[], pattern: RegExp): Found | null {
  for (let i = lines.length - 1; i >= 0; i--) {
    const match = pattern.exec(lines[i] as string);
    if (!match) continue;
    const segment = match[1] as string;
    return { passed: countOf(segment, 'passed'), failed: countOf(segment, 'failed'), line: i };
  }
  return null;
}

function lastMatch(lines: string[], pattern: RegExp): { value: number; line: number } | null {
  for (let i = lines.length - 1; i >= 0; i--) {
    const match = pattern.exec(lines[i] as string);
    if (match) return { value: Number(match[1]), line: i };
  }
  return null;
}

function countOf(segment: string, word: string): number {
  const match = new RegExp(`(\\d+) ${word}\\b`).exec(segment);
  return match ? Number(match[1]) : 0;
}
