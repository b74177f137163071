/** The next step of a row after an attempt that was not final: a table, with the clock and randomness passed in. */
import { describe, expect, it } from 'vitest';
import { nextStep, type AttemptBook, type FailedResult, type StepRules } from '../../src/pipeline/next-step.js';
import { retryPolicy } from '../../src/pipeline/retry-policy.js';

const NOW = 100_000;
const STARTED = NOW - 1_000;
const MINUTE = 60_000;

function rules(overrides: Partial<StepRules> = {}): StepRules {
  return { policy: retryPolicy(3), resendWindowMs: Infinity, canReconcile: false, reconcileSettleMs: 0, random: () => 0.5, ...overrides };
}

function book(overrides: Partial<AttemptBook> = {}): AttemptBook {
  return { attempts: 1, priorAttempts: 0, throttledAttempts: 0, firstAttemptAt: null, doubtSince: null, ...overrides };
}

const timeout: FailedResult = { outcome: 'retryable', code: 'TIMEOUT', unknown: true };
const fiveHundred: FailedResult = { outcome: 'retryable', code: '500' };
const tooMany: FailedResult = { outcome: 'throttled', code: '429', retryAfterMs: 2_000 };

describe('nextStep', () => {
  it.each<[string, AttemptBook, FailedResult, StepRules, ReturnType<typeof nextStep>]>([
    // A 500: wait a jittered backoff (half of the first 500 ms ceiling), class retryable.
    ['a 500 waits its backoff', book(), fiveHundred, rules(), { act: 'wait', class: 'retryable', dueAt: NOW + 250 }],
    // The fourth attempt with --retries 3: no budget left.
    ['a 500 past --retries fails retryable', book({ attempts: 4 }), fiveHundred, rules(), { act: 'fail', class: 'retryable' }],
    // Attempts made before this run (resume, retry) do not count against this run's budget: the
    // third attempt of this run waits half of the third ceiling (2 s).
    ['earlier runs do not use up --retries', book({ attempts: 6, priorAttempts: 3 }), fiveHundred, rules(), { act: 'wait', class: 'retryable', dueAt: NOW + 1_000 }],
    // Retry-After wins over the backoff.
    ['a 429 waits its Retry-After', book(), tooMany, rules(), { act: 'wait', class: 'throttled', dueAt: NOW + 2_000 }],
    // A throttle on one recipient is retryable for that row (the run was not slowed).
    ['a per-recipient throttle waits, retryable', book(), { ...tooMany, scope: 'recipient', retryAfterMs: MINUTE }, rules(), { act: 'wait', class: 'retryable', dueAt: NOW + MINUTE }],
    // ...unless its window outlasts what the run waits for one row: permanent for this run.
    ['an hour-long per-recipient window fails permanent', book(), { ...tooMany, scope: 'recipient', retryAfterMs: 60 * MINUTE }, rules(), { act: 'fail', class: 'permanent' }],
    // An unknown outcome where the provider de-duplicates for good: resent like any 500.
    ['a timeout resent where the provider de-duplicates', book(), timeout, rules(), { act: 'wait', class: 'retryable', dueAt: NOW + 250 }],
    // Where it does not and cannot be asked: failed in-doubt at once.
    ['a timeout with no de-duplication fails in-doubt', book(), timeout, rules({ resendWindowMs: 0 }), { act: 'fail', class: 'in-doubt' }],
    // Where the channel can ask: waits in-doubt until the provider could list the message.
    ['a timeout to reconcile waits for the provider to settle', book(), timeout, rules({ resendWindowMs: 0, canReconcile: true, reconcileSettleMs: 5_000 }), { act: 'wait', class: 'in-doubt', dueAt: STARTED + 5_000 }],
    // Within a de-duplication window (WeChat with --in-doubt resend): resent, class in-doubt.
    ['a timeout within a window is resent, in-doubt', book(), timeout, rules({ resendWindowMs: 9 * MINUTE }), { act: 'wait', class: 'in-doubt', dueAt: NOW + 250 }],
    // The window runs from the first unknown attempt, which a later attempt never resets.
    ['a timeout past the window fails in-doubt', book({ attempts: 2, firstAttemptAt: NOW - 10 * MINUTE }), timeout, rules({ resendWindowMs: 9 * MINUTE }), { act: 'fail', class: 'in-doubt' }],
  ])('%s', (_name, row, result, stepRules, expected) => {
    expect(nextStep(row, result, STARTED, NOW, stepRules)).toEqual(expected);
  });

  it('keeps the row bookkeeping: first unknown attempt, doubt, throttled answers', () => {
    const row = book();
    nextStep(row, timeout, STARTED, NOW, rules({ resendWindowMs: 0, canReconcile: true }));
    expect(row).toMatchObject({ firstAttemptAt: STARTED, doubtSince: STARTED });
    nextStep(row, tooMany, NOW, NOW + 10, rules());
    expect(row.throttledAttempts).toBe(1);
    expect(row.firstAttemptAt).toBe(STARTED);
  });
});
