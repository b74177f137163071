/** The pure steps between an answer and the log: what a row's answer makes of it, and what it means for the pace. */
import { describe, expect, it } from 'vitest';
import type { SendResult } from '../../src/channels/channel.js';
import { answerKind, callFeedback } from '../../src/pacing/answer-feedback.js';
import { retryPolicy } from '../../src/pipeline/retry-policy.js';
import { settle } from '../../src/pipeline/settle.js';
import type { SendItem } from '../../src/pipeline/work-item.js';

const NOW = Date.parse('2026-06-01T12:00:00Z');

function item(attempts = 1): SendItem<string> {
  return {
    kind: 'send', key: 'k', line: 1, row: { id: 'k' }, idempotencyKey: 'ik', message: 'm',
    attempts, priorAttempts: 0, throttledAttempts: 0, firstAttemptAt: null, doubtSince: null,
  };
}

/** Rules: 3 retries, a provider without de-duplication, no reconciliation, no jitter. */
function rules(overrides: { resendWindowMs?: number; canReconcile?: boolean } = {}) {
  return { policy: retryPolicy(3), resendWindowMs: 0, canReconcile: false, reconcileSettleMs: 0, random: () => 0.5, ...overrides };
}

const facts = { startedAt: NOW - 20, latencyMs: 20, nowMs: NOW };

describe('settle', () => {
  const cases: { name: string; result: SendResult; attempts?: number; rules?: Parameters<typeof rules>[0]; expected: { status: string; class: string | null; retry: boolean; stop?: string } }[] = [
    // Accepted: final, sent/ok, no error kept.
    { name: 'ok', result: { outcome: 'ok', code: '200' }, expected: { status: 'sent', class: 'ok', retry: false } },
    // The recipient cannot receive it: final, never retried.
    { name: 'permanent', result: { outcome: 'permanent', code: '404' }, expected: { status: 'failed', class: 'permanent', retry: false } },
    // Nothing more can succeed: final for the row, and the run stops.
    { name: 'fatal', result: { outcome: 'fatal', code: '401', detail: 'bad token' }, expected: { status: 'failed', class: 'fatal', retry: false, stop: 'fatal' } },
    // A transient failure with attempts left waits for its retry.
    { name: 'retryable, attempts left', result: { outcome: 'retryable', code: '503' }, expected: { status: 'pending', class: 'retryable', retry: true } },
    // ... and ends failed once --retries are spent (1 + 3 attempts).
    { name: 'retryable, spent', result: { outcome: 'retryable', code: '503' }, attempts: 4, expected: { status: 'failed', class: 'retryable', retry: false } },
    // A run-wide throttle waits as throttled.
    { name: 'throttled', result: { outcome: 'throttled', code: '429', retryAfterMs: 1000 }, expected: { status: 'pending', class: 'throttled', retry: true } },
    // A limit on one recipient is, for the log, a retryable row.
    { name: 'recipient throttle', result: { outcome: 'throttled', code: 'isv.BUSINESS_LIMIT_CONTROL', scope: 'recipient', retryAfterMs: 1000 }, expected: { status: 'pending', class: 'retryable', retry: true } },
    // A recipient's window longer than the run waits: permanent for this run.
    { name: 'recipient throttle, too long', result: { outcome: 'throttled', code: 'isv.BUSINESS_LIMIT_CONTROL', scope: 'recipient', retryAfterMs: 3_600_000 }, expected: { status: 'failed', class: 'permanent', retry: false } },
    // An unknown outcome where the provider does not de-duplicate and cannot be asked: in doubt, not resent.
    { name: 'unknown, blind provider', result: { outcome: 'retryable', code: 'TIMEOUT', unknown: true }, expected: { status: 'failed', class: 'in-doubt', retry: false } },
    // ... where it de-duplicates for good: resent with the same key, the row still retryable.
    { name: 'unknown, de-duplicating provider', result: { outcome: 'retryable', code: 'TIMEOUT', unknown: true }, rules: { resendWindowMs: Infinity }, expected: { status: 'pending', class: 'retryable', retry: true } },
    // ... where it can be asked: waits in doubt, to be reconciled before any resend.
    { name: 'unknown, reconciling provider', result: { outcome: 'retryable', code: 'TIMEOUT', unknown: true }, rules: { canReconcile: true }, expected: { status: 'pending', class: 'in-doubt', retry: true } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const row = item(c.attempts);
      const settled = settle(row, c.result, facts, rules(c.rules));
      expect({ status: settled.record.status, class: settled.record.class, retry: settled.retryAt !== null }).toEqual({ status: c.expected.status, class: c.expected.class, retry: c.expected.retry });
      expect(settled.stop?.kind).toBe(c.expected.stop);
      expect(settled.record).toMatchObject({ key: 'k', idempotencyKey: 'ik', attempts: row.attempts, latencyMs: 20, at: new Date(NOW).toISOString() });
      if (settled.retryAt !== null) expect(settled.retryAt).toBeGreaterThanOrEqual(NOW);
    });
  }
});

describe('answer feedback (what an answer means for the pace)', () => {
  it.each([
    // Accepted: counts for the breaker's window as a success.
    ['ok', undefined, 'ok'],
    // A transient failure counts towards the breaker.
    ['retryable', undefined, 'failed'],
    // A run-wide throttle slows the run.
    ['throttled', undefined, 'throttled'],
    ['throttled', 'channel', 'throttled'],
    // A throttle on one recipient says nothing about the provider's capacity.
    ['throttled', 'recipient', 'neutral'],
    // Answers about the row or the account say nothing about pace either.
    ['permanent', undefined, 'neutral'],
    ['fatal', undefined, 'neutral'],
  ] as const)('%s (scope %s) -> %s', (outcome, scope, kind) => {
    expect(answerKind({ outcome, ...(scope ? { scope } : {}) })).toBe(kind);
  });

  it('a call is as bad as its worst answer, with the longest Retry-After of its run-wide throttles', () => {
    expect(callFeedback([{ outcome: 'ok' }, { outcome: 'retryable' }, { outcome: 'ok' }])).toEqual({ kind: 'failed' });
    expect(callFeedback([{ outcome: 'throttled', retryAfterMs: 500 }, { outcome: 'throttled', retryAfterMs: 2000 }, { outcome: 'retryable' }])).toEqual({ kind: 'throttled', retryAfterMs: 2000 });
    expect(callFeedback([{ outcome: 'throttled', scope: 'recipient', retryAfterMs: 60_000 }, { outcome: 'ok' }])).toEqual({ kind: 'ok' });
    expect(callFeedback([])).toEqual({ kind: 'neutral' });
  });
});
