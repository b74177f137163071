/**
 * The run's pacer: decides whether a row may go now (its gates: windows, quotas, deadlines) and
 * when the next send may start, combining the --rate token bucket, the throttle governor's limit
 * and storm pauses, and the circuit breaker. It is the one place that sleeps before a dispatch.
 * Workers sharing a campaign put a shared implementation behind `Pacer`.
 */
import type { AnswerFeedback } from './answer-feedback.js';
import type { Clock } from './clock.js';
import { CircuitBreaker, type BreakerChange } from './circuit-breaker.js';
import { GO, checkGates, gatesPauseReason, type GateVerdict, type GatedRow, type PauseReason, type RowGate } from './row-gate.js';
import { ThrottleGovernor, type GovernorChange } from './throttle-governor.js';
import { TokenBucket, defaultBurst } from './token-bucket.js';
import { sleep } from './sleep.js';

/** Permission for one provider call: `probe` marks the circuit breaker's probe. */
export interface Permit {
  readonly probe: boolean;
}

const NO_PROBE: Permit = { probe: false };

/** Decides which rows may go and when sends may start, and learns from their answers. */
export interface Pacer {
  /** May this row start now? A deferred row waits on the delay queue; a paused run stops dispatching. */
  admitRow(row: GatedRow): GateVerdict;
  /** Why the whole run must pause now (a deadline, a quota), or null. */
  pauseReason(): PauseReason | null;
  /** A row that was admitted is being sent. */
  dispatched(row: GatedRow): void;
  /** A row's attempt is over (`sent`: the provider accepted it). */
  settled(row: GatedRow, sent: boolean): void;
  /** Permission for a call carrying `count` sends now, or null when the caller must wait with `acquire`. */
  tryAcquire(count: number): Permit | null;
  /** Wait until a call carrying `count` sends may start; rejects with the signal's reason when aborted. */
  acquire(count: number, signal: AbortSignal): Promise<Permit>;
  /** Learn from the answer to a call made with `permit`. */
  record(feedback: AnswerFeedback, permit: Permit): void;
  /** Since when the breaker has been open, or 0. */
  readonly breakerOpenSince: number;
}

/** Settings of the run pacer. */
export interface PacerOptions {
  /** --rate in sends per second, or null for no limit. */
  readonly rate: number | null;
  /** --burst; defaults to defaultBurst(rate). */
  readonly burst?: number;
  /** Clock, injectable for tests (`now` alone: the time read; waits are real). */
  readonly now?: () => number;
  readonly clock?: Clock;
  /** Told about slow-downs, pauses and breaker transitions. */
  readonly onChange?: (change: GovernorChange | BreakerChange) => void;
  /** Rules about single rows (windows, quotas, deadlines), asked in order. */
  readonly gates?: readonly RowGate[];
}

/** The single-process pacer. */
export class RunPacer implements Pacer {
  private readonly now: () => number;
  private readonly governor: ThrottleGovernor;
  private readonly breaker = new CircuitBreaker();
  private readonly burst: number | undefined;
  private bucket: TokenBucket | null;
  private readonly onChange: PacerOptions['onChange'];
  private readonly gates: readonly RowGate[];
  private readonly realMs: (ms: number) => number;

  constructor(options: PacerOptions) {
    this.now = options.clock?.now ?? options.now ?? Date.now;
    this.realMs = options.clock?.realMs ?? ((ms) => ms);
    this.gates = options.gates ?? [];
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

  admitRow(row: GatedRow): GateVerdict {
    return this.gates.length === 0 ? GO : checkGates(this.gates, row, this.now());
  }

  pauseReason(): PauseReason | null {
    return this.gates.length === 0 ? null : gatesPauseReason(this.gates, this.now());
  }

  dispatched(row: GatedRow): void {
    for (const gate of this.gates) gate.dispatched?.(row, this.now());
  }

  settled(row: GatedRow, sent: boolean): void {
    for (const gate of this.gates) gate.settled?.(row, sent, this.now());
  }

  tryAcquire(count: number): Permit | null {
    if (this.breaker.state !== 'closed') return null;
    const now = this.now();
    this.applyGovernor(this.governor.roll(now), now);
    if (this.governor.pauseUntil > now) return null;
    if (this.bucket && !this.bucket.tryTake(count, now)) return null;
    return NO_PROBE;
  }

  async acquire(count: number, signal: AbortSignal): Promise<Permit> {
    for (;;) {
      signal.throwIfAborted();
      const now = this.now();
      this.applyGovernor(this.governor.roll(now), now);
      const pause = this.governor.pauseUntil - now;
      if (pause > 0) {
        await sleep(this.realMs(pause), signal);
        continue;
      }
      const admission = this.breaker.admit(now);
      if (admission.waitMs > 0) {
        await sleep(this.realMs(admission.waitMs), signal);
        continue;
      }
      const wait = this.bucket ? this.bucket.reserve(count, now) : 0;
      if (wait >= 1) await sleep(this.realMs(wait), signal);
      return { probe: admission.probe };
    }
  }

  record(feedback: AnswerFeedback, permit: Permit): void {
    const { kind } = feedback;
    const now = this.now();
    this.applyGovernor(this.governor.record(kind === 'throttled', now, feedback.retryAfterMs), now);
    if (kind === 'throttled' || kind === 'neutral') {
      if (permit.probe) this.report(this.breaker.record(false, now, true));
      return;
    }
    this.report(this.breaker.record(kind === 'failed', now, permit.probe));
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
