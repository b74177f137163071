/**
 * The run's pacer: decides when the next send may start, combining the --rate token bucket, the
 * throttle governor's limit and storm pauses, and the circuit breaker. It is the one place that
 * sleeps before a dispatch. A distributed run would put a shared implementation behind `Pacer`.
 */
import { CircuitBreaker, type BreakerChange } from './circuit-breaker.js';
import { ThrottleGovernor, type GovernorChange } from './throttle-governor.js';
import { TokenBucket, defaultBurst } from './token-bucket.js';
import { sleep } from './sleep.js';

/** Permission to send: `probe` marks the circuit breaker's probe. */
export interface Admission {
  readonly probe: boolean;
}

const NO_PROBE: Admission = { probe: false };

/** What kind of answer a send got, as far as pacing is concerned. */
export type AnswerKind = 'ok' | 'failed' | 'throttled' | 'neutral';

/** Decides when sends may start and learns from their answers. */
export interface Pacer {
  /** Permission for `count` sends now, or null when the caller must wait with `acquire`. */
  tryAcquire(count: number): Admission | null;
  /** Wait until `count` sends may start; rejects with the signal's reason when aborted. */
  acquire(count: number, signal: AbortSignal): Promise<Admission>;
  /** Report one answer (`retryAfterMs` from a throttled answer). */
  record(kind: AnswerKind, admission: Admission, retryAfterMs?: number): void;
  /** Since when the breaker has been open, or 0. */
  readonly breakerOpenSince: number;
}

/** Settings of the run pacer. */
export interface PacerOptions {
  /** --rate in sends per second, or null for no limit. */
  readonly rate: number | null;
  /** --burst; defaults to defaultBurst(rate). */
  readonly burst?: number;
  /** Clock, injectable for tests. */
  readonly now?: () => number;
  /** Told about slow-downs, pauses and breaker transitions. */
  readonly onChange?: (change: GovernorChange | BreakerChange) => void;
}

/** The single-process pacer. */
export class RunPacer implements Pacer {
  private readonly now: () => number;
  private readonly governor: ThrottleGovernor;
  private readonly breaker = new CircuitBreaker();
  private readonly burst: number | undefined;
  private bucket: TokenBucket | null;
  private readonly onChange: PacerOptions['onChange'];

  constructor(options: PacerOptions) {
    this.now = options.now ?? Date.now;
    const start = this.now();
    this.governor = new ThrottleGovernor(options.rate, start);
    this.burst = options.burst;
    // A --burst the user gave is there to be used: the bucket starts full. The default burst only
    // absorbs timer lateness, so the run opens at its rate.
    this.bucket = options.rate === null ? null : new TokenBucket(options.rate, options.burst ?? defaultBurst(options.rate), start, options.burst ?? 1);
    this.onChange = options.onChange;
  }

  get breakerOpenSince(): number {
    return this.breaker.openSince;
  }

  tryAcquire(count: number): Admission | null {
    if (this.breaker.state !== 'closed') return null;
    const now = this.now();
    this.applyGovernor(this.governor.roll(now), now);
    if (this.governor.pauseUntil > now) return null;
    if (this.bucket && !this.bucket.tryTake(count, now)) return null;
    return NO_PROBE;
  }

  async acquire(count: number, signal: AbortSignal): Promise<Admission> {
    for (;;) {
      signal.throwIfAborted();
      const now = this.now();
      this.applyGovernor(this.governor.roll(now), now);
      const pause = this.governor.pauseUntil - now;
      if (pause > 0) {
        await sleep(pause, signal);
        continue;
      }
      const admission = this.breaker.admit(now);
      if (admission.waitMs > 0) {
        await sleep(admission.waitMs, signal);
        continue;
      }
      const wait = this.bucket ? this.bucket.reserve(count, now) : 0;
      if (wait >= 1) await sleep(wait, signal);
      return { probe: admission.probe };
    }
  }

  record(kind: AnswerKind, admission: Admission, retryAfterMs?: number): void {
    const now = this.now();
    this.applyGovernor(this.governor.record(kind === 'throttled', now, retryAfterMs), now);
    if (kind === 'throttled' || kind === 'neutral') {
      if (admission.probe) this.report(this.breaker.record(false, now, true));
      return;
    }
    this.report(this.breaker.record(kind === 'failed', now, admission.probe));
  }

  private applyGovernor(change: GovernorChange | null, now: number): void {
    if (!change) return;
    const limit = change.limit;
    if (limit === null) {
      this.bucket = null;
    } else if (this.bucket) {
      this.bucket.setRate(limit, now);
    } else {
      this.bucket = new TokenBucket(limit, this.burst ?? defaultBurst(limit), now);
    }
    if (change.kind !== 'rising') this.report(change);
  }

  private report(change: GovernorChange | BreakerChange | null): void {
    if (change) this.onChange?.(change);
  }
}
