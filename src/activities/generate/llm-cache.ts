// Answers of the model on the worker's disk, keyed by everything that decides them (model,
// prompt kind and version, the exact messages: file content, findings, style, repair context),
// with the improvement that paid for them. A retried generate or a reset run of that
// improvement reads the answer instead of paying for it again.
import { createHash } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChatAnswer, ChatMessage } from '../../core/llm/chat.js';
import { ensureStateDir } from '../state-dir.js';

export interface LlmCacheKeyInput {
  model: string;
  /** The strategy (prompt kind) and its version. */
  kind: string;
  promptVersion: string;
  messages: readonly ChatMessage[];
  schemaName: string;
  maxAnswerTokens: number;
}

export interface CachedAnswer {
  version: 1;
  answer: ChatAnswer;
  /** The workflow whose call paid for it: a retry of the same run still counts its tokens. */
  paidBy: string | null;
  at: string;
}

export function llmCacheKey(input: LlmCacheKeyInput): string {
  const material = JSON.stringify([input.model, input.kind, input.promptVersion, input.schemaName, input.maxAnswerTokens, input.messages]);
  return createHash('sha256').update(material).digest('hex');
}

export function llmCacheDir(stateDir: string): string {
  return join(stateDir, 'cache', 'llm');
}

export async function readCachedAnswer(stateDir: string, key: string): Promise<CachedAnswer | null> {
  try {
    const parsed = JSON.parse(await readFile(join(llmCacheDir(stateDir), `${key}.json`), 'utf8')) as Partial<CachedAnswer>;
    const answer = parsed.answer;
    if (parsed.version !== 1 || !answer || typeof answer.content !== 'string' || typeof answer.model !== 'string') return null;
    return { version: 1, answer, paidBy: typeof parsed.paidBy === 'string' ? parsed.paidBy : null, at: String(parsed.at ?? '') };
  } catch {
    return null;
  }
}

/** Written by rename, so a crash never leaves half an answer behind. */
export async function writeCachedAnswer(stateDir: string, key: string, answer: ChatAnswer, paidBy: string | null): Promise<void> {
  const dir = await ensureStateDir(stateDir, 'cache', 'llm');
  const file = join(dir, `${key}.json`);
  const body: CachedAnswer = { version: 1, answer, paidBy, at: new Date().toISOString() };
  const temporary = `${file}.tmp-${process.pid}-${Date.now()}`;
  await writeFile(temporary, JSON.stringify(body));
  await rename(temporary, file);
}
