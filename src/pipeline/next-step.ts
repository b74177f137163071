/**
 * What becomes of a row after an attempt that failed without being final (retryable, throttled,
 * or with an unknown outcome): recorded failed with a class, or waiting for another attempt at a
 * given time. A decision with the clock and the random source passed in; it updates the row's
 * attempt bookkeeping (first unknown attempt, doubt, throttled count) as the send loop's record.
 */
import type { SendResult } from '../channels/channel.js';
import type { RowClass } from '../results/record.js';
import { decideRetry, type RetryPolicy } from './retry-policy.js';
import type { SendItem } from './work-item.js';

/** The row's next step: its record is final (`fail`), or `pending` until `dueAt`. */
export type NextStep = { readonly act: 'fail'; readonly class: RowClass } | { readonly act: 'wait'; readonly class: RowClass; readonly dueAt: number };

/** The run's rules for the next step. */
export interface StepRules {
  readonly policy: RetryPolicy;
  /** How long after its first attempt an unknown outcome may be resent (see unknownResendWindowMs). */
  readonly resendWindowMs: number;
  /** Whether the channel can ask the provider what became of an attempt. */
  readonly canReconcile: boolean;
  /** How soon after an attempt the provider can prove a message absent. */
  readonly reconcileSettleMs: number;
  readonly random: () => number;
}

/** An answer that is neither final nor fatal. */
export type FailedResult = SendResult & { readonly outcome: 'retryable' | 'throttled' };

/** The attempt bookkeeping of a row, as kept on its send item. */
export type AttemptBook = Pick<SendItem<unknown>, 'attempts' | 'priorAttempts' | 'throttledAttempts' | 'firstAttemptAt' | 'doubtSince'>;

/** Decide the next step of a row whose attempt started at `startedAt` answered `result` (neither ok, permanent nor fatal). */
export function nextStep(row: AttemptBook, result: FailedResult, startedAt: number, nowMs: number, rules: StepRules): NextStep {
  // A limit on one recipient (Aliyun's per-number flow control) slows nobody else: for the log
  // that row is simply retryable after the provider's window.
  let waitingClass: RowClass = result.outcome === 'throttled' && result.scope === 'recipient' ? 'retryable' : result.outcome;
  if (result.unknown) {
    // The provider's de-duplication window runs from the first attempt that may have been
    // accepted; a later definite failure does not prove that one was not, so it never resets.
    row.firstAttemptAt ??= startedAt;
    const withinWindow = nowMs - row.firstAttemptAt < rules.resendWindowMs;
    if (!withinWindow && !rules.canReconcile) return { act: 'fail', class: 'in-doubt' };
    if (!withinWindow) row.doubtSince = startedAt;
    if (rules.resendWindowMs !== Number.POSITIVE_INFINITY) waitingClass = 'in-doubt';
  }
  if (result.outcome === 'throttled') row.throttledAttempts++;
  const decision = decideRetry(
    { kind: result.outcome, attempts: row.attempts - row.priorAttempts, throttledAttempts: row.throttledAttempts, retryAfterMs: result.retryAfterMs },
    rules.policy,
    rules.random,
  );
  // A recipient's window that outlasts what the run waits for one row: permanent for this run.
  if (result.scope === 'recipient' && (result.retryAfterMs ?? 0) > rules.policy.maxRecipientWaitMs) return { act: 'fail', class: 'permanent' };
  if (!decision.retry) return { act: 'fail', class: waitingClass };
  // A row to reconcile waits until the provider's records can prove the message absent.
  const settledAt = row.doubtSince === null ? 0 : row.doubtSince + rules.reconcileSettleMs;
  return { act: 'wait', class: waitingClass, dueAt: Math.max(nowMs + decision.delayMs, settledAt) };
}
