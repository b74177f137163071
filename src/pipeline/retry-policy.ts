/**
 * When to try a row again: the provider's Retry-After first, then capped exponential backoff with
 * full jitter. Pure: randomness is passed in.
 */

/** Settings of the retry policy. */
export interface RetryPolicy {
  /** --retries: further attempts after the first for retryable failures. */
  readonly retries: number;
  /** Further attempts allowed for throttled answers (throttling says nothing about the row). */
  readonly throttleRetries: number;
  /** First backoff ceiling. @default 500 */
  readonly baseMs: number;
  /** Largest backoff ceiling. @default 30000 */
  readonly capMs: number;
  /** Longest wait accepted from a per-recipient limit before the row is given up for this run. @default 600000 */
  readonly maxRecipientWaitMs: number;
}

/** Default backoff: first ceiling 500 ms, doubling to 30 s. */
export const DEFAULT_BACKOFF = { baseMs: 500, capMs: 30_000, maxRecipientWaitMs: 600_000 } as const;

/** Throttled rows get at least this many further attempts, whatever --retries says. */
export const MIN_THROTTLE_RETRIES = 10;

/** Build a policy from --retries. */
export function retryPolicy(retries: number): RetryPolicy {
  return { retries, throttleRetries: Math.max(retries, MIN_THROTTLE_RETRIES), ...DEFAULT_BACKOFF };
}

/** The facts about a failed attempt the policy needs. */
export interface FailedAttempt {
  /** 'retryable' or 'throttled'. */
  readonly kind: 'retryable' | 'throttled';
  /** Attempts made for this row in this run, this one included (1-based). */
  readonly attempts: number;
  /** Of those, how many were throttled answers. */
  readonly throttledAttempts: number;
  readonly retryAfterMs?: number;
}

/** Retry after `delayMs`, or stop (the row ends failed). */
export type RetryDecision = { readonly retry: true; readonly delayMs: number } | { readonly retry: false };

/** Full-jitter backoff ceiling for the n-th retry (1-based). */
export function backoffCeiling(retry: number, policy: RetryPolicy): number {
  return Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, retry - 1));
}

/** Decide whether and when to try again; `random` returns a number in [0, 1). */
export function decideRetry(attempt: FailedAttempt, policy: RetryPolicy, random: () => number): RetryDecision {
  const throttled = attempt.kind === 'throttled';
  const used = throttled ? attempt.throttledAttempts : attempt.attempts - attempt.throttledAttempts;
  const allowed = throttled ? policy.throttleRetries : policy.retries;
  if (used > allowed) return { retry: false };
  if (attempt.retryAfterMs !== undefined) return { retry: true, delayMs: attempt.retryAfterMs };
  return { retry: true, delayMs: random() * backoffCeiling(used, policy) };
}
