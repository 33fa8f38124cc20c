// What the forge adapters share: one way to turn a client library's failure (octokit,
// gitbeaker, fetch) into Kaizen's forge errors, and small helpers.
import { forgeFailure, type HttpFailure } from '../../core/forge/http-failure.js';
import type { ForgeKind } from '../../core/forge/target.js';

/** Octokit logs every failed request at warn/error; the errors carry what matters. */
export const quietLog = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** A failed answer of a fetch-based client, before it is mapped. */
export class HttpAnswerError extends Error {
  constructor(
    readonly status: number,
    readonly headers: Record<string, string>,
    message: string,
  ) {
    super(message);
  }
}

/** Runs one API call; a failure becomes ForgeUnavailable, ForgeAuthFailed or ForgeRequestRejected (each keeps `status`). */
export async function callForge<T>(kind: ForgeKind, operation: string, tokenVariable: string, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    throw forgeFailure(kind, operation, failureOf(err), tokenVariable);
  }
}

/** The status of a mapped forge error (or of a client's own error). */
export function isStatus(err: unknown, status: number): boolean {
  return typeof err === 'object' && err !== null && (err as { status?: unknown }).status === status;
}

export function splitRepo(repo: string): { owner: string; name: string } {
  const at = repo.lastIndexOf('/');
  return { owner: repo.slice(0, at), name: repo.slice(at + 1) };
}

function failureOf(err: unknown): HttpFailure {
  const e = err as {
    name?: string;
    status?: unknown;
    message?: string;
    response?: { headers?: Record<string, string> };
    cause?: { response?: Response; description?: unknown; code?: string };
  };
  // octokit's RequestError and HttpAnswerError
  if (typeof e.status === 'number') return { status: e.status, headers: e.response?.headers ?? (err as HttpAnswerError).headers ?? {}, message: messageOf(e.message) };
  // gitbeaker: GitbeakerRequestError with the Response; GitbeakerRetryError after its own retries of 429/502
  const response = e.cause?.response;
  if (response && typeof response.status === 'number') {
    const description = typeof e.cause?.description === 'string' ? e.cause.description : messageOf(e.message);
    return { status: response.status, headers: Object.fromEntries(response.headers.entries()), message: description };
  }
  if (e.name === 'GitbeakerRetryError') return { status: 429, headers: {}, message: messageOf(e.message) };
  // fetch: TypeError('fetch failed') with the system error as its cause
  const code = e.cause?.code ? ` (${e.cause.code})` : '';
  return { status: undefined, headers: {}, message: `${messageOf(e.message)}${code}` };
}

function messageOf(message: string | undefined): string {
  return (message ?? 'no message').split('\n')[0] ?? 'no message';
}
