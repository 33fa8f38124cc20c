// Which command proves a worktree green: an explicit override, the configured command, or
// `npm test` when package.json has a real test script. Pure, so every case is unit-tested.
import { splitCommand } from '../config/config.js';

/** What `npm init` writes: a script that exists only to fail. */
export const NPM_PLACEHOLDER_TEST_SCRIPT = 'echo "Error: no test specified" && exit 1';

export interface TestCommandInput {
  /** Per-run override (`--test-cmd`, ImprovementInput.testCommand). */
  override?: string[];
  /** `test.command` from kaizen.config.json. */
  configured?: string | string[];
  /** Text of the worktree's package.json, or null when there is none. */
  packageJsonText: string | null;
  /** `test.required` from kaizen.config.json. */
  required: boolean;
}

export type TestCommandResolution =
  | { kind: 'run'; command: string[]; source: 'override' | 'config' | 'package.json' }
  /** No command, and the config allows landing changes without tests. */
  | { kind: 'skip' }
  /** No command, and the config requires one. */
  | { kind: 'missing' };

export function resolveTestCommand(input: TestCommandInput): TestCommandResolution {
  if (input.override && input.override.length > 0) {
    return { kind: 'run', command: input.override, source: 'override' };
  }
  if (input.configured !== undefined) {
    const command = splitCommand(input.configured);
    if (command.length > 0) return { kind: 'run', command, source: 'config' };
  }
  if (hasRealTestScript(input.packageJsonText)) {
    return { kind: 'run', command: ['npm', 'test'], source: 'package.json' };
  }
  return input.required ? { kind: 'missing' } : { kind: 'skip' };
}

/** True when package.json has a non-empty `scripts.test` that is not npm's placeholder. */
export function hasRealTestScript(packageJsonText: string | null): boolean {
  if (packageJsonText === null) return false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(packageJsonText);
  } catch {
    return false;
  }
  if (!isRecord(parsed) || !isRecord(parsed.scripts)) return false;
  const script = parsed.scripts.test;
  if (typeof script !== 'string') return false;
  const trimmed = script.trim();
  return trimmed !== '' && !isNpmPlaceholder(trimmed);
}

function isNpmPlaceholder(script: string): boolean {
  // npm has written both quote styles over the years; the message is what identifies it.
  return script === NPM_PLACEHOLDER_TEST_SCRIPT || (/Error: no test specified/.test(script) && /exit 1\s*$/.test(script));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
