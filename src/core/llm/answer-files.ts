// An llm-tests answer: edits to the test file it was shown, or one new test file. The same
// rules as answer.ts (schema, size, confined paths, unique searches, secret placeholders),
// except that the files it may touch are the test files, never the source it was shown.
import { LlmAnswerRejectedError } from './errors.js';
import { applyEdit, checkEditPlaceholders, checkRawAnswer, clip, LlmFilesAnswer, normaliseRepoPath, parseAnswer, SUMMARY_LIMIT } from './answer.js';
import { placeholderChange, placeholdersIn } from './secrets.js';

export interface LlmFilesAnswerInput {
  content: string;
  refusal: string | null;
  maxAnswerBytes: number;
  isExcluded: (path: string) => boolean;
  /** Existing files the answer may edit, by repo-relative path, with the content that was sent. */
  editable: ReadonlyMap<string, string>;
  /** May a new file be created at this repo-relative path (a test path that does not exist yet)? */
  mayCreate: (path: string) => boolean;
  /** For messages: what the answer may change, e.g. "test files matching **\/*.test.*". */
  allowed: string;
}

export interface ChangedFile {
  path: string;
  /** Null for a new file. */
  original: string | null;
  newContent: string;
}

export interface AppliedFilesAnswer {
  summary: string;
  files: ChangedFile[];
  editCount: number;
}

/** At most this many files per answer: one new test file and the test file shown. */
export const MAX_ANSWER_FILES = 2;

export function applyLlmFilesAnswer(input: LlmFilesAnswerInput): AppliedFilesAnswer {
  checkRawAnswer(input);
  const answer = parseAnswer(input.content, LlmFilesAnswer);
  const paths = answer.edits.map((edit, index) => checkPath(edit.path, index, input));
  if (answer.edits.length === 0) throw new LlmAnswerRejectedError('no_change', 'the answer contains no edits');
  if (new Set(paths).size > MAX_ANSWER_FILES) {
    throw new LlmAnswerRejectedError('other_file', `the answer changes ${new Set(paths).size} files; at most ${MAX_ANSWER_FILES} test files may change`);
  }
  answer.edits.forEach(checkEditPlaceholders);

  const current = new Map<string, string | null>();
  answer.edits.forEach((edit, index) => {
    const path = paths[index] as string;
    const before = current.has(path) ? (current.get(path) ?? null) : (input.editable.get(path) ?? null);
    if (before === null) {
      if (edit.search !== '') {
        throw new LlmAnswerRejectedError('search_not_found', `edit ${index + 1}: ${path} does not exist yet; create it with an empty search and the whole file as replace`);
      }
      current.set(path, edit.replace);
      return;
    }
    if (edit.search === '') {
      throw new LlmAnswerRejectedError('search_not_found', `edit ${index + 1}: ${path} already exists; an empty search only creates a new file`);
    }
    current.set(path, applyEdit(before, edit, index, path));
  });

  const files: ChangedFile[] = [];
  for (const [path, newContent] of current) {
    const original = input.editable.get(path) ?? null;
    if (newContent === null || newContent === original) continue;
    const change = placeholderChange(placeholdersIn(original ?? ''), placeholdersIn(newContent));
    if (change !== null) {
      throw new LlmAnswerRejectedError('secret_placeholder_changed', `the edits change the secret placeholders in ${path}: ${change}`);
    }
    files.push({ path, original, newContent });
  }
  if (files.length === 0) throw new LlmAnswerRejectedError('no_change', 'the edits leave every file unchanged');
  return { summary: clip(answer.summary.trim(), SUMMARY_LIMIT), files, editCount: answer.edits.length };
}

function checkPath(path: string, index: number, input: LlmFilesAnswerInput): string {
  const which = `edit ${index + 1}`;
  const normalised = normaliseRepoPath(path);
  if (normalised === null) {
    throw new LlmAnswerRejectedError('path_outside_repo', `${which} names ${JSON.stringify(clip(path, 200))}, which is not a path inside the repository`);
  }
  if (input.isExcluded(normalised)) {
    throw new LlmAnswerRejectedError('excluded_file', `${which} names ${normalised}, which Kaizen never changes (excluded or secret)`);
  }
  if (!input.editable.has(normalised) && !input.mayCreate(normalised)) {
    throw new LlmAnswerRejectedError('other_file', `${which} changes ${normalised}, but only ${input.allowed} may be changed`);
  }
  return normalised;
}
