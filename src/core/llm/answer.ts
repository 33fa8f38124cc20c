// Turns an LLM answer into the new content of the target file, or rejects it. The answer
// is data, never instructions: it can only replace exact, unique text in the one target
// file, and every path it names is normalised and confined before anything is compared.
// Secret placeholders (see secrets.ts) must come back exactly as they were sent.
import { posix } from 'node:path';
import { z } from 'zod';
import { LlmAnswerRejectedError } from './errors.js';
import { placeholderChange, placeholdersIn } from './secrets.js';

export const LlmEdit = z.strictObject({
  path: z.string(),
  search: z.string().min(1, 'search must not be empty'),
  replace: z.string(),
});
export type LlmEdit = z.infer<typeof LlmEdit>;

export const LlmFixAnswer = z.strictObject({
  summary: z.string(),
  edits: z.array(LlmEdit),
});
export type LlmFixAnswer = z.infer<typeof LlmFixAnswer>;

/** llm-tests answers: an empty search creates a new file (answer-files.ts). */
export const LlmFilesAnswer = z.strictObject({
  summary: z.string(),
  edits: z.array(LlmEdit.extend({ search: z.string() })),
});

export interface LlmAnswerInput {
  /** The message content as the endpoint returned it. */
  content: string;
  refusal: string | null;
  /** Repo-relative path of the only file the answer may change. */
  target: string;
  fileContent: string;
  maxAnswerBytes: number;
  isExcluded: (path: string) => boolean;
}

export interface AppliedLlmAnswer {
  summary: string;
  newContent: string;
  editCount: number;
}

export const SUMMARY_LIMIT = 500;

export function applyLlmAnswer(input: LlmAnswerInput): AppliedLlmAnswer {
  checkRawAnswer(input);
  const answer = parseAnswer(input.content);
  const target = normaliseRepoPath(input.target);
  if (target === null) throw new Error(`applyLlmAnswer: target '${input.target}' is not a repo-relative path`);

  // Every path is judged before any text is matched, so a hostile edit is named as such
  // even when an earlier edit would also fail to match.
  answer.edits.forEach((edit, index) => checkEditPath(edit.path, index, target, input.isExcluded));

  if (answer.edits.length === 0) {
    throw new LlmAnswerRejectedError('no_change', 'the answer contains no edits');
  }
  answer.edits.forEach(checkEditPlaceholders);
  let content = input.fileContent;
  answer.edits.forEach((edit, index) => {
    content = applyEdit(content, edit, index, target);
  });
  // Per edit is not enough: a search may cut a placeholder in half.
  const change = placeholderChange(placeholdersIn(input.fileContent), placeholdersIn(content));
  if (change !== null) {
    throw new LlmAnswerRejectedError('secret_placeholder_changed', `the edits change the secret placeholders in ${target}: ${change}`);
  }
  if (content === input.fileContent) {
    throw new LlmAnswerRejectedError('no_change', `the edits leave ${target} unchanged`);
  }
  return { summary: clip(answer.summary.trim(), SUMMARY_LIMIT), newContent: content, editCount: answer.edits.length };
}

/** Refusals and oversized answers are rejected before anything is parsed. */
export function checkRawAnswer(input: Pick<LlmAnswerInput, 'content' | 'refusal' | 'maxAnswerBytes'>): void {
  if (input.refusal !== null) {
    throw new LlmAnswerRejectedError('refusal', `the model declined: ${clip(input.refusal, 300)}`);
  }
  const bytes = Buffer.byteLength(input.content, 'utf8');
  if (bytes > input.maxAnswerBytes) {
    throw new LlmAnswerRejectedError(
      'too_large',
      `the answer has ${bytes} bytes, more than the limit of ${input.maxAnswerBytes}; raise llm.maxAnswerKb in kaizen.config.json if such answers are expected`,
    );
  }
}

export function parseAnswer(content: string, schema: typeof LlmFixAnswer | typeof LlmFilesAnswer = LlmFixAnswer): LlmFixAnswer {
  let raw: unknown;
  try {
    raw = JSON.parse(stripCodeFence(content));
  } catch (err) {
    throw new LlmAnswerRejectedError(
      'malformed_json',
      `the answer is not JSON (${(err as Error).message}); it starts with ${JSON.stringify(clip(content, 80))}`,
    );
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
    throw new LlmAnswerRejectedError('schema', `the answer does not follow the schema: ${clip(problems.join('; '), 500)}`);
  }
  return parsed.data;
}

/** Local servers without structured output sometimes wrap the JSON in a Markdown fence. */
function stripCodeFence(content: string): string {
  const fenced = /^\s*```[a-zA-Z]*\s*\n([\s\S]*?)\n?```\s*$/.exec(content);
  return fenced ? (fenced[1] as string) : content;
}

/**
 * A repo-relative POSIX path without a leading './', or null when the path is absolute,
 * has a '..' segment, or does not name anything inside the repo.
 */
export function normaliseRepoPath(path: string): string | null {
  const slashed = path.replace(/\\/g, '/');
  if (slashed.startsWith('/') || /^[A-Za-z]:/.test(slashed) || slashed.includes('\0')) return null;
  if (slashed.split('/').includes('..')) return null;
  let normalised = posix.normalize(slashed);
  while (normalised.startsWith('./')) normalised = normalised.slice(2);
  if (normalised.endsWith('/')) normalised = normalised.slice(0, -1);
  if (normalised === '' || normalised === '.' || normalised.startsWith('../')) return null;
  return normalised;
}

function checkEditPath(path: string, index: number, target: string, isExcluded: (path: string) => boolean): void {
  const which = `edit ${index + 1}`;
  const normalised = normaliseRepoPath(path);
  if (normalised === null) {
    throw new LlmAnswerRejectedError(
      'path_outside_repo',
      `${which} names ${JSON.stringify(clip(path, 200))}, which is not a path inside the repository`,
    );
  }
  if (isExcluded(normalised)) {
    throw new LlmAnswerRejectedError('excluded_file', `${which} names ${normalised}, which Kaizen never changes (excluded or secret)`);
  }
  if (normalised !== target) {
    throw new LlmAnswerRejectedError('other_file', `${which} changes ${normalised}, but only ${target} may be changed`);
  }
}

/**
 * Each edit must keep the secret placeholders of its search text, in order, so a secret is
 * never dropped, copied or moved to another place (e.g. into a log line further down).
 */
export function checkEditPlaceholders(edit: LlmEdit, index: number): void {
  const change = placeholderChange(placeholdersIn(edit.search), placeholdersIn(edit.replace));
  if (change !== null) {
    throw new LlmAnswerRejectedError(
      'secret_placeholder_changed',
      `edit ${index + 1} changes the secret placeholders of its search text (${change}); each must stay exactly where it is`,
    );
  }
}

export function applyEdit(content: string, edit: LlmEdit, index: number, target: string): string {
  const which = `edit ${index + 1}`;
  let search = edit.search;
  let replace = edit.replace;
  let at = content.indexOf(search);
  // Models usually answer with '\n' line ends; a CRLF file should still match.
  if (at === -1 && content.includes('\r\n') && !search.includes('\r\n')) {
    search = search.replace(/\n/g, '\r\n');
    replace = replace.replace(/\r?\n/g, '\r\n');
    at = content.indexOf(search);
  }
  if (at === -1) {
    throw new LlmAnswerRejectedError(
      'search_not_found',
      `${which}: the search text ${JSON.stringify(clip(edit.search, 120))} does not occur in ${target}`,
    );
  }
  if (content.indexOf(search, at + 1) !== -1) {
    throw new LlmAnswerRejectedError(
      'search_ambiguous',
      `${which}: the search text ${JSON.stringify(clip(edit.search, 120))} occurs more than once in ${target}; each search must be unique`,
    );
  }
  // Slicing, not String.replace: '$&' and friends in the answer must stay literal text.
  return content.slice(0, at) + replace + content.slice(at + search.length);
}

export function clip(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}…`;
}
