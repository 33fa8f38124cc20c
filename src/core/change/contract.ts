// The change contract: a proposal may land only if every hunk is explained by a targeted
// finding. An LLM edit stays inside the syntactic scope of a finding (scope.ts), plus what
// that change needs (imports) and blank-line tidying; llm-tests may only add to test files;
// no other strategy touches a test file. Checked before the proposal is written, so a
// violation costs no test run. Pure.
import ts from 'typescript';
import { lineOf, parseSource } from '../analysis/code-scan.js';
import type { Finding, Strategy } from '../types.js';
import { changedHunks, isInsertion, splitLines, type Hunk } from './hunks.js';
import { findingScopes, importLines, type Scope, type ScopeLevel } from './scope.js';

export interface ChangedText {
  /** Repo-relative POSIX path. */
  path: string;
  /** The content before the change; null for a new file. */
  before: string | null;
  after: string;
}

export interface ContractInput {
  strategy: Strategy;
  /** The file the run targets (llm-tests: the source whose exports need tests). */
  target: string;
  files: readonly ChangedText[];
  /** The findings the change is meant to fix. */
  findings: readonly Finding[];
  isTestFile: (path: string) => boolean;
}

export interface Violation {
  file: string;
  /** 1-based line of the old text (for an insertion: the line it goes before). */
  line: number;
  excerpt: string;
  why: string;
}

export type ContractResult = { ok: true } | { ok: false; violations: Violation[]; message: string };

const SCOPE_LEVELS: Partial<Record<Strategy, ScopeLevel>> = {
  llm: 'statement',
  'llm-error-handling': 'function',
  'llm-complexity': 'flagged-function',
};

/** Violations named in the message at most (the rest are counted). */
const NAMED_VIOLATIONS = 3;

export function checkChangeContract(input: ContractInput): ContractResult {
  const violations = input.strategy === 'llm-tests' ? testAdditionViolations(input) : scopedEditViolations(input);
  if (violations.length === 0) return { ok: true };
  return { ok: false, violations, message: describeViolations(violations, input) };
}

function scopedEditViolations(input: ContractInput): Violation[] {
  const violations: Violation[] = [];
  const level = SCOPE_LEVELS[input.strategy];
  for (const file of input.files) {
    if (input.isTestFile(file.path)) {
      violations.push({ file: file.path, line: 1, excerpt: '', why: 'is a test file; only llm-tests may change tests, and only by adding to them' });
      continue;
    }
    if (file.path !== input.target || file.before === null) {
      violations.push({ file: file.path, line: 1, excerpt: '', why: `is not the target ${input.target}` });
      continue;
    }
    // autofix is the analyser's own fixer: its edits are its fixes.
    if (level === undefined) continue;
    const scopes = findingScopes(file.path, file.before, input.findings.filter((f) => f.file === file.path), level);
    violations.push(...outOfScope(file as ChangedText & { before: string }, scopes));
  }
  return violations;
}

function outOfScope(file: ChangedText & { before: string }, scopes: readonly Scope[]): Violation[] {
  const oldLines = splitLines(file.before);
  const newLines = splitLines(file.after);
  const oldImports = importLines(file.path, file.before);
  const newImports = importLines(file.path, file.after);
  const violations: Violation[] = [];
  for (const hunk of changedHunks(file.before, file.after)) {
    const removed = range(hunk.oldStart, hunk.oldEnd);
    const added = range(hunk.newStart, hunk.newEnd);
    const blank = (lines: readonly string[], line: number) => (lines[line - 1] ?? '').trim() === '';
    if (removed.every((l) => blank(oldLines, l)) && added.every((l) => blank(newLines, l))) continue;
    const importOnly = removed.every((l) => oldImports.has(l) || blank(oldLines, l)) && added.every((l) => newImports.has(l) || blank(newLines, l));
    if (importOnly) continue;
    if (scopes.some((scope) => covers(scope, hunk))) continue;
    violations.push({ file: file.path, line: hunk.oldStart, excerpt: excerptOf(hunk, oldLines, newLines), why: 'is outside the scope of every targeted finding' });
  }
  return violations;
}

/** A replacement must lie inside the scope; an insertion may also go right before or after it. */
function covers(scope: Scope, hunk: Hunk): boolean {
  if (isInsertion(hunk)) return hunk.oldStart >= scope.from && hunk.oldStart <= scope.to + 1;
  return hunk.oldStart >= scope.from && hunk.oldEnd <= scope.to;
}

/** Callees whose callback is an existing test or its set-up: an addition may not go inside them. */
const TEST_CALLS = new Set(['test', 'it', 'specify', 'bench', 'beforeEach', 'afterEach', 'beforeAll', 'afterAll', 'before', 'after']);

function testAdditionViolations(input: ContractInput): Violation[] {
  const violations: Violation[] = [];
  for (const file of input.files) {
    if (!input.isTestFile(file.path)) {
      violations.push({ file: file.path, line: 1, excerpt: '', why: 'is not a test file; llm-tests may only add tests' });
      continue;
    }
    if (file.before === null) continue;
    const oldLines = splitLines(file.before);
    const newLines = splitLines(file.after);
    const oldImports = importLines(file.path, file.before);
    const newImports = importLines(file.path, file.after);
    const inside = existingTestBodies(file.path, file.before, oldLines);
    for (const hunk of changedHunks(file.before, file.after)) {
      const importOnly = range(hunk.oldStart, hunk.oldEnd).every((l) => oldImports.has(l)) && range(hunk.newStart, hunk.newEnd).every((l) => newImports.has(l) || (newLines[l - 1] ?? '').trim() === '');
      if (importOnly && !isInsertion(hunk)) continue;
      if (!isInsertion(hunk)) {
        violations.push({ file: file.path, line: hunk.oldStart, excerpt: excerptOf(hunk, oldLines, newLines), why: 'changes or removes existing test code; llm-tests may only add' });
      } else if (inside(hunk.oldStart)) {
        violations.push({ file: file.path, line: hunk.oldStart, excerpt: excerptOf(hunk, oldLines, newLines), why: 'goes inside an existing test or its set-up; add new tests beside them' });
      }
    }
  }
  return violations;
}

/** Is an insertion before `line` inside an existing test's (or hook's) body? */
function existingTestBodies(path: string, content: string, lines: readonly string[]): (line: number) => boolean {
  const source = parseSource(path, content);
  if (!source) {
    // Unparsed languages: an addition must start a new paragraph (after a blank line, or at either end).
    return (line) => line > 1 && line <= lines.length && (lines[line - 2] ?? '').trim() !== '';
  }
  const bodies: { from: number; to: number }[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && TEST_CALLS.has(rootName(node.expression) ?? '')) {
      bodies.push({ from: lineOf(source, node.getStart(source)), to: lineOf(source, node.getEnd()) });
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return (line) => bodies.some((b) => line > b.from && line <= b.to);
}

/** `test` of `test(...)`, `test.skip(...)`, `test.each(rows)(...)`. */
function rootName(expression: ts.Expression): string | null {
  if (ts.isIdentifier(expression)) return expression.text;
  if (ts.isPropertyAccessExpression(expression)) return rootName(expression.expression);
  if (ts.isCallExpression(expression)) return rootName(expression.expression);
  return null;
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let line = from; line <= to; line++) out.push(line);
  return out;
}

function excerptOf(hunk: Hunk, oldLines: readonly string[], newLines: readonly string[]): string {
  const text = isInsertion(hunk) ? `+ ${newLines[hunk.newStart - 1] ?? ''}` : (oldLines[hunk.oldStart - 1] ?? '');
  const flat = text.trim().replace(/\s+/g, ' ');
  return flat.length > 60 ? `${flat.slice(0, 59)}…` : flat;
}

/** `src/a.js line 14 (`if (key === '__proto__') …`) is outside …; the scopes: no-var at line 3 (statement at line 3)` */
function describeViolations(violations: readonly Violation[], input: ContractInput): string {
  const named = violations.slice(0, NAMED_VIOLATIONS).map((v) => `${v.file}${v.line > 1 || v.excerpt ? ` line ${v.line}` : ''}${v.excerpt ? ` (\`${v.excerpt}\`)` : ''} ${v.why}`);
  const more = violations.length > NAMED_VIOLATIONS ? `; and ${violations.length - NAMED_VIOLATIONS} more` : '';
  const findings = input.findings.slice(0, 5).map((f) => `${f.ruleId} at line ${f.line}`).join(', ');
  const allowed = input.strategy === 'llm-tests' ? 'Add new tests (and the imports they need) to test files only' : `Change only the code of the targeted findings (${findings || 'none'}) and the imports it needs`;
  return `${named.join('; ')}${more}. ${allowed}`;
}
