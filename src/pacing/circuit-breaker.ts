/**
 * Pauses the run when most recent sends fail with retryable errors, instead of burning through the
 * file: closed -> open (wait a cooldown) -> half-open (one probe) -> closed on success, or open
 * again with a longer cooldown. Pure: the clock is passed in.
 */

/** How many recent sends the breaker looks at. */
export const BREAKER_WINDOW = 20;
/** Fewest sends in the window before the breaker may open. */
export const BREAKER_MIN_SENDS = 10;
/** Share of failures in the window that opens the breaker (more than half: "most"). */
export const BREAKER_FAILURE_SHARE = 0.5;
/** First cooldown; doubles after each failed probe. */
export const BREAKER_FIRST_COOLDOWN_MS = 1000;
/** Longest cooldown. */
export const BREAKER_MAX_COOLDOWN_MS = 30_000;

/** How often a send waiting behind an in-flight probe asks again. */
const PROBE_POLL_MS = 50;
const GO = { waitMs: 0, probe: false } as const;

export type BreakerState = 'closed' | 'open' | 'half-open';

/** A transition worth telling the user about. */
export interface BreakerChange {
  readonly state: BreakerState;
  readonly failures: number;
  readonly window: number;
  readonly cooldownMs?: number;
  /** True when the breaker opens again because its probe failed. */
  readonly probeFailed?: boolean;
}

/** The circuit breaker. */
export class CircuitBreaker {
  private readonly outcomes: boolean[] = [];
  private failures = 0;
  private stateNow: BreakerState = 'closed';
  private reopenAt = 0;
  private cooldownMs = BREAKER_FIRST_COOLDOWN_MS;
  private probeInFlight = false;
  private openedAt = 0;

  get state(): BreakerState {
    return this.stateNow;
  }

  /** When the breaker has been open (or probing) since, or 0 when closed. */
  get openSince(): number {
    return this.stateNow === 'closed' ? 0 : this.openedAt;
  }

  /**
   * Whether a send may start now: `waitMs` 0 = go, otherwise how long to wait before asking again.
   * When half-open the one send let through is the probe; while it is in flight nothing else goes.
   */
  admit(nowMs: number): { readonly waitMs: number; readonly probe: boolean } {
    if (this.stateNow === 'closed') return GO;
    if (this.stateNow === 'open') {
      if (nowMs < this.reopenAt) return { waitMs: this.reopenAt - nowMs, probe: false };
      this.stateNow = 'half-open';
    }
    if (this.probeInFlight) return { waitMs: PROBE_POLL_MS, probe: false };
    this.probeInFlight = true;
    return { waitMs: 0, probe: true };
  }

  /**
   * Count the answer to a send (`failed` = a retryable failure or unknown outcome). While open,
   * only the probe's answer counts: sends that left before the breaker opened say nothing new.
   */
  record(failed: boolean, nowMs: number, probe: boolean): BreakerChange | null {
    if (this.stateNow !== 'closed') {
      if (!probe) return null;
      this.probeInFlight = false;
      if (!failed) {
        this.reset();
        return { state: 'closed', failures: 0, window: 0 };
      }
      this.cooldownMs = Math.min(BREAKER_MAX_COOLDOWN_MS, this.cooldownMs * 2);
      this.stateNow = 'open';
      this.reopenAt = nowMs + this.cooldownMs;
      return { state: 'open', failures: this.failures, window: this.outcomes.length, cooldownMs: this.cooldownMs, probeFailed: true };
    }
    this.outcomes.push(failed);
    if (failed) this.failures++;
    if (this.outcomes.length > BREAKER_WINDOW && this.outcomes.shift()) this.failures--;
    const tripped =
      this.outcomes.length >= BREAKER_MIN_SENDS && this.failures / this.outcomes.length > BREAKER_FAILURE_SHARE;
    if (!tripped) return null;
    this.stateNow = 'open';
    this.openedAt = nowMs;
    this.cooldownMs = BREAKER_FIRST_COOLDOWN_MS;
    this.reopenAt = nowMs + this.cooldownMs;
    return { state: 'open', failures: this.failures, window: this.outcomes.length, cooldownMs: this.cooldownMs };
  }

  private reset(): void {
    this.stateNow = 'closed';
    this.outcomes.length = 0;
    this.failures = 0;
    this.cooldownMs = BREAKER_FIRST_COOLDOWN_MS;
  }
}
