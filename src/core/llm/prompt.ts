// The prompts: what the model is told for each LLM strategy (prompt kind), and the JSON schema
// its answer must follow. The wording of each kind lives in prompt-kinds.ts with its version
// in kinds.ts; the ledger records the version next to every LLM proposal.
import type { ChatMessage } from './chat.js';
import { LLM_KINDS } from './kinds.js';
import { systemPrompt, taskLine } from './prompt-kinds.js';
import { createSecretRedactor } from './secrets.js';
import type { Finding, LlmStrategy } from '../types.js';

/** The version of the fix-findings prompt (`llm`); each kind has its own in LLM_KINDS. */
export const PROMPT_VERSION = LLM_KINDS.llm.promptVersion;

interface AnswerDescriptions {
  summary: string;
  path: string;
  search: string;
  replace: string;
}

/** A strict structured-output schema of `{ summary, edits: [{ path, search, replace }] }`. */
function editAnswerSchema(name: string, describe: AnswerDescriptions): { name: string; schema: Record<string, unknown> } {
  return {
    name,
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['summary', 'edits'],
      properties: {
        summary: { type: 'string', description: describe.summary },
        edits: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['path', 'search', 'replace'],
            properties: {
              path: { type: 'string', description: describe.path },
              search: { type: 'string', description: describe.search },
              replace: { type: 'string', description: describe.replace },
            },
          },
        },
      },
    },
  };
}

/** Structured-output schema of the answer (strict: every key required, nothing else allowed). */
export const FIX_ANSWER_SCHEMA = editAnswerSchema('kaizen_fix', {
  summary: 'One sentence saying what the change does.',
  path: 'Repository-relative path of the target file.',
  search: 'Text copied exactly from the file; occurs exactly once.',
  replace: 'Text that replaces the search text.',
});

/** The llm-tests answer: the same shape, but paths name test files and a new file has an empty search. */
export const TEST_ANSWER_SCHEMA = editAnswerSchema('kaizen_tests', {
  summary: 'One sentence saying what the tests cover.',
  path: 'Repository-relative path of a test file (the one shown, or a new one).',
  search: 'Text copied exactly from the file, occurring once; empty to create a new file.',
  replace: 'Text that replaces the search text (the whole file for a new one).',
});

/** Files longer than this are shown only around their findings (when no regions are given). */
export const FULL_FILE_LINE_LIMIT = 400;
export const WINDOW_RADIUS = 30;
export const PROMPT_FINDINGS_LIMIT = 50;

export interface FixPromptInput {
  /** Repo-relative POSIX path. */
  target: string;
  language: string;
  findings: Finding[];
  /** The command that must keep passing, or null when Kaizen detects it later. */
  testCommand: string[] | null;
  fileContent: string;
}

export interface PromptInput extends FixPromptInput {
  kind: LlmStrategy;
  /** For files over the line limit: the regions to show (the functions around the findings). */
  regions?: { from: number; to: number; label: string }[] | null;
  /** Files with more lines are shown as `regions` (or windows); default FULL_FILE_LINE_LIMIT. */
  bigFileLines?: number;
  /** One line from style-hints.ts. */
  style?: string | null;
  /** llm-complexity: the threshold the functions must get to. */
  complexityThreshold?: number;
  /** llm-tests: an existing test file to follow (and the only existing one the answer may edit). */
  testFile?: { path: string; content: string } | null;
  /** llm-tests: patterns a new test file's path must match. */
  testGlobs?: readonly string[];
  /** A repair attempt: what the previous answer changed and how verification failed. */
  repair?: RepairPrompt | null;
}

export interface RepairPrompt {
  /** The attempt this prompt is for (2 for the first repair). */
  attempt: number;
  previousSummary: string;
  /** Unified diff of the previous change (placeholders only). */
  previousDiff: string;
  /** Why verification failed, with the tail of the test output; or why the answer was refused. */
  failure: string;
  /** The previous answer was refused by the change contract before anything was written. */
  refused?: boolean;
}

/** Characters of previous diff and failure output a repair prompt carries at most. */
export const REPAIR_TEXT_LIMIT = 4000;

/** The fix-findings messages (the `llm` strategy). */
export function buildFixPrompt(input: FixPromptInput): ChatMessage[] {
  return buildPrompt({ ...input, kind: 'llm' });
}

/**
 * The messages sent to the model. Callers redact the file first (they need the placeholders to
 * restore the answer); redacting again here is a no-op for them and a safety net for others.
 */
export function buildPrompt(input: PromptInput): ChatMessage[] {
  const findings = input.findings.slice(0, PROMPT_FINDINGS_LIMIT);
  const testCommand = input.testCommand?.join(' ') ?? '';
  const repair = input.repair ?? null;
  const redactor = createSecretRedactor([
    input.fileContent,
    testCommand,
    ...findings.map((f) => f.message),
    input.testFile?.content ?? '',
    ...(repair ? [repair.previousDiff, repair.failure, repair.previousSummary] : []),
  ]);
  const findingLines = findings.map(
    (f) => `- ${f.line}:${f.column} ${f.ruleId} (${f.analyser}, ${f.severity}): ${oneLine(redactor.redact(f.message))}`,
  );
  if (input.findings.length > findings.length) {
    findingLines.push(`- … and ${input.findings.length - findings.length} more; fix the ones listed.`);
  }
  const tests = input.testCommand ? `\`${redactor.redact(testCommand)}\`` : "the repository's test suite";
  const lines = redactor.redact(input.fileContent).split('\n');
  const shown = numberedView(lines, findings, input.regions ?? null, input.bigFileLines ?? FULL_FILE_LINE_LIMIT);
  const sourceOnly = input.kind === 'llm-tests' ? ' (read only: do not change it)' : '';

  const user = [
    `${input.kind === 'llm-tests' ? 'Source file' : 'Target file'}: ${input.target}${sourceOnly}`,
    `Language: ${input.language}`,
    ...(input.style ? [input.style] : []),
    '',
    taskLine(input.kind, input.complexityThreshold ?? null),
    ...(findingLines.length ? findingLines : ['- (none listed)']),
    '',
    `Tests that must keep passing: ${tests}`,
    '',
    shown.note,
    '```',
    shown.text,
    '```',
    ...testFileSection(input, (text) => redactor.redact(text)),
    ...repairSection(repair, (text) => redactor.redact(text)),
  ].join('\n');
  return [
    { role: 'system', content: systemPrompt(input.kind) },
    { role: 'user', content: user },
  ];
}

function testFileSection(input: PromptInput, redact: (text: string) => string): string[] {
  if (input.kind !== 'llm-tests') return [];
  const globs = (input.testGlobs ?? []).join(', ');
  const where = `A new test file's path must match one of: ${globs || '(the repository\'s test patterns)'}.`;
  if (!input.testFile) return ['', 'The repository has no test file to follow yet.', where];
  return [
    '',
    `Existing test file to follow (you may edit it, or add a new file next to it): ${input.testFile.path}`,
    where,
    '```',
    redact(input.testFile.content),
    '```',
  ];
}

function repairSection(repair: RepairPrompt | null, redact: (text: string) => string): string[] {
  if (!repair) return [];
  const what = repair.refused
    ? 'Your previous answer was refused before anything was written: it changed code it may not change.'
    : 'Your previous answer was applied, then undone because verification failed.';
  return [
    '',
    `This is attempt ${repair.attempt}. ${what}`,
    `Its summary: ${oneLine(redact(repair.previousSummary))}`,
    'Its change:',
    '```diff',
    clipTail(redact(repair.previousDiff), REPAIR_TEXT_LIMIT),
    '```',
    repair.refused ? 'Why it was refused:' : 'Why it failed (trimmed):',
    '```',
    clipTail(redact(repair.failure), REPAIR_TEXT_LIMIT),
    '```',
    'Answer again with edits against the file exactly as shown above (the previous change is gone). Fix what failed; if the failure shows the change cannot work, make a smaller one.',
  ];
}

function clipTail(text: string, limit: number): string {
  return text.length <= limit ? text : `…${text.slice(-limit)}`;
}

function numberedView(
  lines: string[],
  findings: Finding[],
  regions: { from: number; to: number; label: string }[] | null,
  limit: number,
): { note: string; text: string } {
  const width = String(lines.length).length;
  const numbered = (index: number) => `${String(index + 1).padStart(width)} | ${lines[index] ?? ''}`;
  const lineNumberNote = 'Each line starts with its line number and " | "; they are not part of the file.';
  const fromRegions = regions !== null && regions.length > 0;
  const windows = fromRegions
    ? mergeWindows(regions.map((r) => ({ from: Math.max(0, r.from - 1), to: Math.min(lines.length - 1, r.to - 1) })))
    : mergeWindows(
        findings.map((f) => ({
          from: Math.max(0, f.line - 1 - WINDOW_RADIUS),
          to: Math.min(lines.length - 1, Math.max(f.line, f.endLine ?? f.line) - 1 + WINDOW_RADIUS),
        })),
      );
  if (lines.length <= limit || windows.length === 0) {
    return { note: `The whole file. ${lineNumberNote}`, text: lines.map((_, i) => numbered(i)).join('\n') };
  }
  const parts: string[] = [];
  windows.forEach((w, k) => {
    if (k > 0 || w.from > 0) parts.push('…');
    for (let i = w.from; i <= w.to; i++) parts.push(numbered(i));
  });
  if ((windows[windows.length - 1]?.to ?? 0) < lines.length - 1) parts.push('…');
  const shownParts = fromRegions
    ? `only the code around the findings is shown (${regions.map((r) => r.label).join('; ')})`
    : `only the parts within ${WINDOW_RADIUS} lines of the findings are shown`;
  const note = `The file has ${lines.length} lines; ${shownParts} ("…" marks lines left out). Search texts must come from the parts shown. ${lineNumberNote}`;
  return { note, text: parts.join('\n') };
}

function mergeWindows(windows: { from: number; to: number }[]): { from: number; to: number }[] {
  const sorted = windows.filter((w) => w.from <= w.to).sort((a, b) => a.from - b.from);
  const merged: { from: number; to: number }[] = [];
  for (const w of sorted) {
    const last = merged[merged.length - 1];
    if (last && w.from <= last.to + 1) last.to = Math.max(last.to, w.to);
    else merged.push({ ...w });
  }
  return merged;
}

const LANGUAGES: Record<string, string> = {
  '.js': 'JavaScript',
  '.mjs': 'JavaScript (ES module)',
  '.cjs': 'JavaScript (CommonJS)',
  '.jsx': 'JavaScript (JSX)',
  '.ts': 'TypeScript',
  '.mts': 'TypeScript (ES module)',
  '.cts': 'TypeScript (CommonJS)',
  '.tsx': 'TypeScript (TSX)',
  '.py': 'Python',
  '.go': 'Go',
  '.rb': 'Ruby',
  '.java': 'Java',
  '.kt': 'Kotlin',
  '.rs': 'Rust',
  '.cs': 'C#',
  '.php': 'PHP',
  '.sh': 'Shell',
  '.json': 'JSON',
  '.css': 'CSS',
  '.html': 'HTML',
  '.vue': 'Vue',
  '.svelte': 'Svelte',
};

/** A language name for the prompt, from the file's extension. */
export function languageOf(path: string): string {
  const match = /\.[^./\\]+$/.exec(path);
  return (match && LANGUAGES[match[0].toLowerCase()]) ?? 'plain text';
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
