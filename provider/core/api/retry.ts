import { APIConnectionError, APIError, APITimeoutError, ResponseValidationError } from "./errors";

/**
 * Which requests may be sent again, and when. Retry policy is data plus two pure functions
 * so that it can be read and tested without a server.
 *
 * Idempotency, call by call:
 * - GET, PUT (sets fields to given values), PATCH archive (sets a flag), DELETE, detach
 *   (removes ids; absent ids are ignored) and attach (re-posting the same asset and mount
 *   returns the current entry — see shared/codeocean-api.md) are idempotent: retried on
 *   429, 502, 503, 504 and on connection failures, whatever their stage.
 * - POST /data_assets is NOT idempotent and Code Ocean has no idempotency key: a retried
 *   create whose first attempt reached the server creates a second asset. It is retried only
 *   when the request provably never reached the server (connection refused, DNS failure) or
 *   the server said 429/503, which Code Ocean sends before processing. Any other ambiguous
 *   failure (reset, timeout, 500/502/504, unreadable body) is surfaced to the caller, which
 *   reconciles by searching for the asset (see resources/dataAssetCreate.ts).
 * - POST /data_assets/search is a read and is treated as idempotent.
 */
export type Idempotency = "idempotent" | "create";

export interface RetryPolicy {
  /** Attempts after the first. */
  maxRetries: number;
  /** First backoff; doubles each retry. */
  initialDelayMs: number;
  /** Cap on a computed backoff. */
  maxDelayMs: number;
  /** Cap on a server-given Retry-After we are willing to honour. */
  maxRetryAfterMs: number;
  /**
   * Multiplies every delay, the server's Retry-After included (codeocean:retryDelayScale).
   * 1 against Code Ocean; tests against the emulator compress the clock with e.g. 0.01.
   */
  delayScale: number;
  /**
   * Waits before looking again after a 404, before a 404 counts as "gone": Code Ocean has
   * been seen to answer 404 for a fresh asset for a while (shared/codeocean-api.md,
   * Readiness). Scaled by `delayScale` too.
   */
  notFoundConfirmDelaysMs: number[];
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 6,
  initialDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
  delayScale: 1,
  notFoundConfirmDelaysMs: [1_000, 3_000],
};

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
/** Statuses Code Ocean answers before processing a request. */
const NOT_PROCESSED_STATUS = new Set([429, 503]);

/** Whether `error` allows another attempt of a request of the given kind. */
export function isRetryable(error: unknown, kind: Idempotency): boolean {
  if (error instanceof APIError) {
    return kind === "create"
      ? NOT_PROCESSED_STATUS.has(error.status)
      : RETRYABLE_STATUS.has(error.status);
  }
  if (error instanceof APITimeoutError) return kind === "idempotent";
  if (error instanceof APIConnectionError)
    return kind === "idempotent" || error.reachedServer === "no";
  return false;
}

/**
 * Delay before retry number `retry` (0-based): the server's Retry-After when given (capped),
 * otherwise capped exponential backoff with "equal jitter" (half fixed, half random), so
 * that many clients rejected at once do not come back at once.
 */
export function retryDelayMs(
  retry: number,
  policy: RetryPolicy,
  retryAfterSeconds: number | undefined,
  random: () => number = Math.random,
): number {
  const scale = policy.delayScale ?? 1;
  if (retryAfterSeconds !== undefined && retryAfterSeconds >= 0) {
    // A little jitter on top keeps a crowd told "1 s" from arriving in the same millisecond.
    return (Math.min(retryAfterSeconds * 1000, policy.maxRetryAfterMs) + random() * 250) * scale;
  }
  const base = Math.min(policy.initialDelayMs * 2 ** retry, policy.maxDelayMs);
  return (base / 2 + (random() * base) / 2) * scale;
}

/**
 * Whether a failed request may nevertheless have been processed: the connection broke or
 * timed out after sending, a gateway answered 500/502/504, or the answer was unreadable.
 * Callers of non-idempotent or state-creating calls must reconcile or record after these.
 */
export function outcomeUnknown(error: unknown): boolean {
  return (
    (error instanceof APIConnectionError && error.reachedServer === "unknown") ||
    (error instanceof APIError && error.status >= 500 && error.status !== 503) ||
    error instanceof ResponseValidationError
  );
}

/** Parses `Retry-After` given as seconds or as an HTTP date. */
export function parseRetryAfter(
  value: string | null | undefined,
  now = Date.now(),
): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  // Only an HTTP date (e.g. "Wed, 21 Oct 2015 07:28:00 GMT"): Date.parse also accepts
  // garbage such as "-1" or "1,5", which must fall back to our own backoff.
  if (!/^[A-Za-z]{3},? +\d{1,2}[ -][A-Za-z]{3}[ -]\d{2,4} +\d{2}:\d{2}:\d{2} +GMT$/.test(trimmed))
    return undefined;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, (date - now) / 1000);
}
