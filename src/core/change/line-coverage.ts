// Which changed lines the test suite executed, from the V8 coverage Node writes when
// NODE_V8_COVERAGE is set (precise block coverage: every function and block with its count).
// A line counts as executed when the innermost range holding its code (probeOffset) ran; a file
// no coverage entry describes (never loaded, or compiled from another language) counts as not
// executed: unknown coverage is no coverage. Code that ran transformed (TypeScript through tsx)
// is judged through its source maps (mappedLinesExecuted). Pure.

/** One function of a script in Node's coverage output (`result[].functions[]`). */
export interface V8FunctionCoverage {
  functionName: string;
  ranges: { startOffset: number; endOffset: number; count: number }[];
}

/** One script of Node's coverage output (`result[]`). */
export interface V8ScriptCoverage {
  url: string;
  functions: V8FunctionCoverage[];
}

export interface ChangedLinesCoverage {
  /** Changed lines (with code) the tests ran, over all files. */
  covered: number;
  /** Changed lines with code the tests did not run, per file. */
  uncovered: { file: string; lines: number[] }[];
}

/** Of the 1-based `lines` of `source`: how many hold code, and those of them no run executed. */
export function linesExecuted(source: string, lines: readonly number[], scripts: readonly V8ScriptCoverage[]): { withCode: number; missed: number[] } {
  const starts = lineStarts(source);
  const ranges = scripts.flatMap((s) => s.functions.flatMap((f) => f.ranges));
  let withCode = 0;
  const missed: number[] = [];
  for (const line of lines) {
    const start = starts[line - 1];
    if (start === undefined) continue;
    const end = starts[line] ?? source.length;
    const at = probeOffset(source.slice(start, end));
    if (at === undefined) continue;
    withCode++;
    if (!executed(ranges, start + at)) missed.push(line);
  }
  return { withCode, missed };
}

/**
 * The same for a file that ran transformed (TypeScript through tsx): `hits` are the counts per
 * original line its source maps give (activities/changed-lines.ts); blank, comment and
 * bracket-only lines do not count. A line with code the maps say nothing of counts as not
 * executed: unknown coverage is no coverage.
 */
export function mappedLinesExecuted(source: string, lines: readonly number[], hits: ReadonlyMap<number, number>): { withCode: number; missed: number[] } {
  const text = source.split('\n');
  let withCode = 0;
  const missed: number[] = [];
  for (const line of lines) {
    if (!looksLikeCode(text[line - 1] ?? '')) continue;
    withCode++;
    if (!hits.get(line)) missed.push(line);
  }
  return { withCode, missed };
}

/** Anything but a blank line, a comment line, or only brackets and punctuation. */
function looksLikeCode(line: string): boolean {
  const t = line.trim();
  return t !== '' && !/^(\/\/|\/\*|\*)/.test(t) && !/^[\s{}()[\];,]*$/.test(t);
}

/** The 1-based lines of `source` among `lines` that hold code and that no run executed. */
export function unexecutedLines(source: string, lines: readonly number[], scripts: readonly V8ScriptCoverage[]): number[] {
  return linesExecuted(source, lines, scripts).missed;
}

/**
 * The character that stands for a line: its last one before an opening brace, so that
 * `export function f() {` belongs to f (not to the module that declared it) and `if (x) {`
 * to the code that tested x (not to the block it opens); a line of only braces is its first.
 */
function probeOffset(text: string): number | undefined {
  const first = text.search(/\S/);
  if (first < 0) return undefined;
  const body = text.replace(/[\s{]+$/, '');
  return body.length > first ? body.length - 1 : first;
}

/**
 * The count of the innermost range holding `offset`. Processes (one per test file) report the
 * same nesting for one source, but a function a process never called comes without its
 * blocks: the innermost range any process reports decides, and of equal ones the highest count.
 */
function executed(ranges: readonly V8FunctionCoverage['ranges'][number][], offset: number): boolean {
  let best: { size: number; count: number } | undefined;
  for (const range of ranges) {
    if (offset < range.startOffset || offset >= range.endOffset) continue;
    const size = range.endOffset - range.startOffset;
    if (!best || size < best.size || (size === best.size && range.count > best.count)) best = { size, count: range.count };
  }
  return best !== undefined && best.count > 0;
}

function lineStarts(source: string): number[] {
  const starts = [0];
  for (let i = 0; i < source.length; i++) if (source[i] === '\n') starts.push(i + 1);
  return starts;
}

/** `src/a.js lines 3–5, 9; src/b.js line 2` */
export function describeUncovered(uncovered: ChangedLinesCoverage['uncovered'], shownFiles = 3): string {
  const parts = uncovered.slice(0, shownFiles).map(({ file, lines }) => `${file} ${lines.length === 1 ? 'line' : 'lines'} ${lineRanges(lines)}`);
  const more = uncovered.length > shownFiles ? `; and ${uncovered.length - shownFiles} more files` : '';
  return `${parts.join('; ')}${more}`;
}

function lineRanges(lines: readonly number[]): string {
  const sorted = [...new Set(lines)].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === (sorted[j] as number) + 1) j++;
    out.push(i === j ? `${sorted[i]}` : `${sorted[i]}–${sorted[j]}`);
    i = j + 1;
  }
  return out.join(', ');
}
