// From a forge's failed HTTP answer to the error that says what to do: retry later (5xx,
// rate limits, the network; after the wait the forge asked for), fix the token, or fix the
// request. Headers are read the same for all three forges.
import { ForgeAuthFailedError, ForgeRequestRejectedError, ForgeUnavailableError } from './errors.js';
import { FORGE_NAMES, type ForgeKind } from './target.js';

export interface HttpFailure {
  /** Undefined when no answer came (connection refused, reset, timeout). */
  status: number | undefined;
  headers: Record<string, string | undefined>;
  message: string;
}

/** When GitHub rate-limits without saying how long: "wait at least a minute". */
const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;
/** Longer waits are not worth holding a run for: Temporal's own backoff takes over. */
const MAX_WAIT_MS = 60 * 60_000;

export function forgeFailure(kind: ForgeKind, operation: string, failure: HttpFailure, tokenVariable: string, now = Date.now()): Error {
  const forge = FORGE_NAMES[kind];
  const { status, headers } = failure;
  const message = failure.message.slice(0, 300);
  if (status === undefined) return new ForgeUnavailableError(forge, operation, null, message);
  const wait = waitOf(headers, now);
  const rateLimited = status === 429 || (status === 403 && (header(headers, 'x-ratelimit-remaining') === '0' || wait !== undefined));
  if (rateLimited) return new ForgeUnavailableError(forge, operation, status, `rate limited: ${message}`, wait ?? DEFAULT_RATE_LIMIT_WAIT_MS);
  if (status >= 500 || status === 408) return new ForgeUnavailableError(forge, operation, status, message, wait);
  if (status === 401 || status === 403) return new ForgeAuthFailedError(forge, status, tokenVariable, message);
  const fix = status === 404 ? `Check "forge.repo" and that the token in ${tokenVariable} can see the repository` : '';
  return new ForgeRequestRejectedError(forge, operation, status, message, fix);
}

/** `retry-after` (seconds or a date), else a rate-limit reset time (epoch seconds), as milliseconds from now. */
export function waitOf(headers: Record<string, string | undefined>, now = Date.now()): number | undefined {
  const retryAfter = header(headers, 'retry-after');
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter);
    const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(retryAfter) - now;
    if (Number.isFinite(ms)) return clamp(ms);
  }
  const reset = header(headers, 'x-ratelimit-reset') ?? header(headers, 'ratelimit-reset');
  const remaining = header(headers, 'x-ratelimit-remaining') ?? header(headers, 'ratelimit-remaining');
  if (reset !== undefined && remaining === '0') {
    const at = Number(reset) * 1000;
    if (Number.isFinite(at)) return clamp(at - now);
  }
  return undefined;
}

function clamp(ms: number): number {
  return Math.min(MAX_WAIT_MS, Math.max(0, Math.round(ms)));
}

function header(headers: Record<string, string | undefined>, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}
