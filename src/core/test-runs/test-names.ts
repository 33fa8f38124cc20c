// Which tests passed and which failed, by name, from what test runners print: node's test
// runner (TAP and spec), vitest, jest, mocha and pytest. Passing tests are only listed by
// runners that print them (TAP, spec, verbose reporters, `pytest -v`). Pure: output text in.
import { stripAnsi } from './output.js';

export interface TestNames {
  failed: string[];
  passed: string[];
}

const PASS_MARK = /^\s*(?:✓|✔|√)\s+(.+?)\s*$/;
const FAIL_MARK = /^\s*(?:×|✕|✖|✗)\s+(.+?)\s*$/;
/** `(12ms)`, `12ms`, `(12 ms)`, `[12.3ms]` after a name. */
const DURATION = /\s+[([]?\d+(?:\.\d+)?\s?(?:ms|s)[)\]]?$/;

export function parseTestNames(output: string): TestNames {
  const lines = stripAnsi(output).split(/\r?\n|\r/);
  const failed = new Set<string>();
  const passed = new Set<string>();
  tap(lines, failed, passed);
  for (const line of lines) {
    const pass = PASS_MARK.exec(line);
    const fail = FAIL_MARK.exec(line);
    // vitest's per-file line (`✓ test/a.test.ts (3 tests) 5ms`) names a file, not a test.
    if (pass && !/\(\d+ tests?\)/.test(line)) passed.add(clean(pass[1] as string));
    if (fail && !/^failing tests:?$/.test((fail[1] as string).trim()) && !/\(\d+ tests?(?: \|[^)]*)?\)/.test(line)) failed.add(clean(fail[1] as string));
    const vitestFail = /^\s*FAIL\s+(.+?)\s*$/.exec(line);
    if (vitestFail && (vitestFail[1] as string).includes(' > ')) failed.add(clean(vitestFail[1] as string));
    const jestFail = /^\s*●\s+(.+ › .+?)\s*$/.exec(line);
    if (jestFail) failed.add((jestFail[1] as string).split(' › ').join(' > '));
    const pytest = /^(?:FAILED|ERROR) (\S+::\S+)/.exec(line) ?? /^(\S+::\S+) (?:FAILED|ERROR)\b/.exec(line);
    if (pytest) failed.add(pytest[1] as string);
    const pytestPass = /^(\S+::\S+) PASSED\b/.exec(line);
    if (pytestPass) passed.add(pytestPass[1] as string);
  }
  mochaFailures(lines, failed);
  for (const name of failed) passed.delete(name);
  return { failed: leaves([...failed]), passed: leaves([...passed]) };
}

/** TAP (node --test without a TTY): `# Subtest: name` opens a level, `ok N - name` / `not ok N - name` close it. */
function tap(lines: readonly string[], failed: Set<string>, passed: Set<string>): void {
  const stack: string[] = [];
  for (const line of lines) {
    const subtest = /^(\s*)# Subtest: (.+)$/.exec(line);
    if (subtest) {
      const depth = Math.floor((subtest[1] as string).length / 4);
      stack.length = depth;
      stack[depth] = (subtest[2] as string).trim();
      continue;
    }
    const result = /^(\s*)(not ok|ok) \d+ - (.+?)(?:\s+#\s*(SKIP|TODO)\b.*)?$/.exec(line);
    if (!result || result[4]) continue;
    const depth = Math.floor((result[1] as string).length / 4);
    const name = [...stack.slice(0, depth), (result[3] as string).trim()].join(' > ');
    (result[2] === 'ok' ? passed : failed).add(name);
  }
}

/** mocha lists a failing test as `  1) name` (and again, with its suites, under "N failing"). */
function mochaFailures(lines: readonly string[], failed: Set<string>): void {
  const summary = lines.findIndex((l) => /^\s*\d+ failing\s*$/.test(l));
  const seen = new Set<string>();
  for (const [index, line] of lines.entries()) {
    if (summary >= 0 && index > summary) break;
    const match = /^\s+(\d+)\) (.+?)\s*$/.exec(line);
    if (!match || seen.has(match[1] as string)) continue;
    seen.add(match[1] as string);
    failed.add(match[2] as string);
  }
}

function clean(name: string): string {
  return name.replace(DURATION, '').replace(/\s+#\s*(SKIP|TODO)\b.*$/, '').trim();
}

/**
 * Drops a suite whose tests are listed too (`suite` when `suite > test` is there) and a short
 * name of a test also listed with its suites (`test` when `file > suite > test` is there).
 */
function leaves(names: string[]): string[] {
  return names.filter((name) => !names.some((other) => other !== name && (other.startsWith(`${name} > `) || other.endsWith(` > ${name}`))));
}

/** `failing: a > b, c (+2 more)`, or null when no names were found. */
export function describeFailingTests(names: readonly string[], shown = 5): string | null {
  if (names.length === 0) return null;
  const more = names.length > shown ? ` (+${names.length - shown} more)` : '';
  return `failing: ${names.slice(0, shown).join(', ')}${more}`;
}
