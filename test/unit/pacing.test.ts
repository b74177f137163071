/** Pacing with the clock passed in: token bucket, throttle governor, circuit breaker, retry policy. */
import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../src/pacing/circuit-breaker.js';
import { RunPacer } from '../../src/pacing/pacer.js';
import { ThrottleGovernor } from '../../src/pacing/throttle-governor.js';
import { TokenBucket, defaultBurst } from '../../src/pacing/token-bucket.js';
import { backoffCeiling, decideRetry, retryPolicy } from '../../src/pipeline/retry-policy.js';

describe('TokenBucket', () => {
  it('starts with one token, then makes callers wait 1/rate per token', () => {
    const bucket = new TokenBucket(10, 2, 0);
    expect(bucket.reserve(1, 0)).toBe(0); // the first send goes at once
    expect(bucket.reserve(1, 0)).toBeCloseTo(100); // no opening burst
    expect(bucket.reserve(1, 0)).toBeCloseTo(200); // reservations queue
    expect(bucket.reserve(2, 1000)).toBe(0); // idle time fills the bucket up to its capacity
  });
  it('never accumulates more than its capacity', () => {
    const bucket = new TokenBucket(100, 5, 0);
    bucket.reserve(1, 0);
    expect(bucket.reserve(5, 10_000)).toBe(0);
    expect(bucket.reserve(1, 10_000)).toBeCloseTo(10);
  });
  it('holds the long-run rate exactly whatever the timer precision', () => {
    const bucket = new TokenBucket(2000, defaultBurst(2000), 0);
    let now = 0;
    let sent = 0;
    while (now < 10_000) {
      const wait = bucket.reserve(1, now);
      now += Math.ceil(wait); // timers fire late, never early
      sent++;
    }
    expect(sent).toBeGreaterThanOrEqual(20_000);
    expect(sent).toBeLessThanOrEqual(20_000 + defaultBurst(2000) + 1);
  });
  it('changes rate without losing earned tokens', () => {
    const bucket = new TokenBucket(1, 1, 0);
    bucket.reserve(1, 0);
    bucket.setRate(10, 0);
    expect(bucket.reserve(1, 0)).toBeCloseTo(100);
  });
});

describe('ThrottleGovernor', () => {
  function window(governor: ThrottleGovernor, start: number, answers: number, throttled: number, retryAfterMs?: number) {
    let change = null;
    for (let i = 0; i < answers; i++) change = governor.record(i < throttled, start + (i * 1000) / answers, i < throttled ? retryAfterMs : undefined) ?? change;
    return governor.roll(start + 1000) ?? change;
  }
  it('ignores sporadic throttling (a few percent)', () => {
    const governor = new ThrottleGovernor(100, 0);
    expect(window(governor, 0, 100, 3)).toBeNull();
    expect(governor.limit).toBe(100);
  });
  it('follows a provider at capacity down to what it accepted, then recovers gradually to --rate', () => {
    const governor = new ThrottleGovernor(100, 0);
    window(governor, 0, 100, 40);
    expect(governor.limit).toBeCloseTo(60, 0);
    let now = 1000;
    const seen: number[] = [];
    for (let i = 0; i < 10; i++, now += 1000) {
      window(governor, now, 50, 0);
      seen.push(governor.limit ?? Infinity);
    }
    expect(seen[0]).toBeCloseTo(70, 0); // +10% of the target per quiet second
    expect(seen.at(-1)).toBe(100); // back to --rate
  });
  it('pauses dispatching in a storm for the Retry-After, or a growing backoff', () => {
    const governor = new ThrottleGovernor(null, 0);
    const change = window(governor, 0, 20, 18, 3000);
    expect(change).toMatchObject({ kind: 'paused', pauseMs: 3000 });
    expect(governor.pauseUntil).toBe(4000);
    const again = window(governor, 1000, 20, 20);
    expect(again).toMatchObject({ kind: 'paused', pauseMs: 1000 });
  });
  it('an unlimited run gets a limit when throttled and loses it once recovered', () => {
    const governor = new ThrottleGovernor(null, 0);
    window(governor, 0, 200, 50);
    expect(governor.limit).toBeCloseTo(150, 0);
    for (let t = 1000; t < 20_000; t += 1000) window(governor, t, 100, 0);
    expect(governor.limit).toBeNull();
  });
});

describe('RunPacer', () => {
  it('a --burst the user gave is available at once; the default bucket opens at the rate', () => {
    const now = 0;
    const burst = new RunPacer({ rate: 1, burst: 5, now: () => now });
    expect([1, 2, 3, 4, 5, 6].filter(() => burst.tryAcquire(1) !== null)).toHaveLength(5);
    const plain = new RunPacer({ rate: 1, now: () => now });
    expect([1, 2, 3].filter(() => plain.tryAcquire(1) !== null)).toHaveLength(1);
  });

  it('after throttling, its sends speed up step by step, not all at once when the limit is back', () => {
    let now = 0;
    const pacer = new RunPacer({ rate: 100, burst: 1, now: () => now });
    const admission = { probe: false };
    // One second in which most answers are throttled: the limit falls to what was accepted.
    for (let i = 0; i < 100; i++, now += 10) pacer.record({ kind: i % 10 < 7 ? 'throttled' : 'ok' }, admission);
    now += 40_000; // past any storm pause
    pacer.tryAcquire(1);
    // Then quiet seconds: count the sends the pacer admits in each.
    const perSecond: number[] = [];
    for (let second = 0; second < 14; second++) {
      let admitted = 0;
      for (let ms = 0; ms < 1000; ms++, now++) {
        if (pacer.tryAcquire(1)) {
          admitted++;
          pacer.record({ kind: 'ok' }, admission);
        }
      }
      perSecond.push(admitted);
    }
    expect(perSecond[0]).toBeLessThan(50);
    expect(perSecond.at(-1)).toBeGreaterThanOrEqual(99);
    // Gradual: several seconds strictly between the floor and the full rate, never falling.
    expect(perSecond.filter((n) => n > perSecond[0]! + 5 && n < 95).length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < perSecond.length; i++) expect(perSecond[i]).toBeGreaterThanOrEqual(perSecond[i - 1]! - 2);
  });
});

describe('CircuitBreaker', () => {
  it('opens when most recent sends fail, probes once after the cooldown, closes on success', () => {
    const breaker = new CircuitBreaker();
    for (let i = 0; i < 9; i++) expect(breaker.record(true, i, false)).toBeNull(); // too few sends yet
    expect(breaker.record(true, 9, false)).toMatchObject({ state: 'open', cooldownMs: 1000 });
    expect(breaker.admit(500).waitMs).toBe(509); // opened at 9 for 1 s
    const probe = breaker.admit(1009);
    expect(probe).toEqual({ waitMs: 0, probe: true });
    expect(breaker.admit(1010).waitMs).toBeGreaterThan(0); // nothing else while the probe is out
    expect(breaker.record(true, 1011, false)).toBeNull(); // a send from before says nothing
    expect(breaker.record(false, 1020, true)).toMatchObject({ state: 'closed' });
    expect(breaker.admit(1021)).toEqual({ waitMs: 0, probe: false });
  });
  it('doubles the cooldown after a failed probe', () => {
    const breaker = new CircuitBreaker();
    for (let i = 0; i < 10; i++) breaker.record(true, 0, false);
    breaker.admit(1000);
    expect(breaker.record(true, 1000, true)).toMatchObject({ state: 'open', cooldownMs: 2000 });
  });
  it('stays closed with a minority of failures', () => {
    const breaker = new CircuitBreaker();
    for (let i = 0; i < 100; i++) breaker.record(i % 3 === 0, i, false);
    expect(breaker.state).toBe('closed');
  });
});

describe('retry policy', () => {
  const policy = retryPolicy(3);
  const cases: [string, Parameters<typeof decideRetry>[0], number, ReturnType<typeof decideRetry>][] = [
    // first failure: full jitter under the first ceiling (500 ms)
    ['first retry', { kind: 'retryable', attempts: 1, throttledAttempts: 0 }, 0.5, { retry: true, delayMs: 250 }],
    // third failure: ceiling 2 s
    ['third retry', { kind: 'retryable', attempts: 3, throttledAttempts: 0 }, 0.5, { retry: true, delayMs: 1000 }],
    // --retries 3 allows 4 attempts in all
    ['out of retries', { kind: 'retryable', attempts: 4, throttledAttempts: 0 }, 0.5, { retry: false }],
    // Retry-After wins over the schedule
    ['retry-after', { kind: 'retryable', attempts: 1, throttledAttempts: 0, retryAfterMs: 7000 }, 0.5, { retry: true, delayMs: 7000 }],
    // throttling has its own, larger budget
    ['throttled beyond --retries', { kind: 'throttled', attempts: 6, throttledAttempts: 6 }, 0, { retry: true, delayMs: 0 }],
    ['throttle budget spent', { kind: 'throttled', attempts: 11, throttledAttempts: 11 }, 0, { retry: false }],
  ];
  it.each(cases)('%s', (_name, attempt, random, expected) => {
    expect(decideRetry(attempt, policy, () => random)).toEqual(expected);
  });
  it('caps the backoff ceiling', () => {
    expect(backoffCeiling(30, policy)).toBe(30_000);
  });
});
