// Signing of the generic webhook. Receivers recompute
//   HMAC-SHA256(secret, `${X-Kaizen-Timestamp}.${raw body}`)
// and compare it with X-Kaizen-Signature (`sha256=<hex>`) in constant time; the timestamp is
// signed too, so an old message cannot be replayed later with a new one.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-Kaizen-Signature';
export const TIMESTAMP_HEADER = 'X-Kaizen-Timestamp';
export const EVENT_HEADER = 'X-Kaizen-Event';
export const DELIVERY_HEADER = 'X-Kaizen-Delivery';
/** How old a signed message a receiver should still accept. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export interface VerifyInput {
  secret: string;
  body: string;
  signature: string | undefined;
  timestamp: string | undefined;
  /** Unix seconds; defaults to now. */
  now?: number;
  toleranceSeconds?: number;
}

/** What a receiver does: true only for a fresh message signed with this secret. */
export function verifyWebhookSignature(input: VerifyInput): boolean {
  const { signature, timestamp } = input;
  if (!signature || !timestamp || !/^\d+$/.test(timestamp)) return false;
  const now = input.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - Number(timestamp)) > (input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) return false;
  const expected = Buffer.from(signWebhook(input.secret, Number(timestamp), input.body));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
