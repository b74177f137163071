/**
 * Run-wide reaction to provider throttling. Each second it compares what was throttled with what
 * was sent: when a real share was throttled it lowers the rate limit to what the provider
 * accepted (a provider at its capacity is followed down to it), while sporadic throttles (a few
 * percent) only delay their own rows; quiet seconds raise the limit gradually back to the
 * configured rate. A storm (most answers throttled) also pauses dispatching, for the provider's
 * Retry-After or a growing backoff, so rows do not burn their attempts while the provider refuses
 * everything. Pure: the clock is passed in.
 */

/** Length of one evaluation window. */
export const GOVERNOR_WINDOW_MS = 1000;
/** Share of throttled answers in a window that makes it a storm. */
export const STORM_SHARE = 0.5;
/** Fewest answers in a window for a storm to be declared. */
export const STORM_MIN_ANSWERS = 4;
/** Share of throttled answers in a window below which throttling counts as sporadic. */
export const SLOW_SHARE = 0.1;
/** Recovery step per quiet window, as a share of the target rate. */
export const RECOVERY_STEP = 0.1;
/** The limit never goes below this share of the target rate. */
export const FLOOR_SHARE = 1 / 16;
/** Longest storm pause. */
export const MAX_STORM_PAUSE_MS = 30_000;

/** A change of the run's limit; every kind but `rising` (a step of the gradual recovery) is worth telling the user about. */
export interface GovernorChange {
  readonly kind: 'slowed' | 'rising' | 'recovered' | 'paused';
  /** New limit in sends per second (null: no limit). */
  readonly limit: number | null;
  readonly pauseMs?: number;
}

/** Tracks the run's current rate limit under throttling. */
export class ThrottleGovernor {
  private limitPerSecond: number | null;
  private windowStart: number;
  private answered = 0;
  private throttled = 0;
  private maxRetryAfter = 0;
  private storms = 0;
  private pausedUntil = 0;
  private peakRate = 0;

  /**
   * @param configured the --rate in sends per second, or null when unlimited
   * @param nowMs current time
   */
  constructor(private readonly configured: number | null, nowMs: number) {
    this.limitPerSecond = configured;
    this.windowStart = nowMs;
  }

  /** Current limit in sends per second, or null for none. */
  get limit(): number | null {
    return this.limitPerSecond;
  }

  /** Time before which nothing should be dispatched (0 when not paused). */
  get pauseUntil(): number {
    return this.pausedUntil;
  }

  /** Count one answer; `retryAfterMs` is the provider's hint on a throttled answer. */
  record(throttled: boolean, nowMs: number, retryAfterMs?: number): GovernorChange | null {
    const change = this.roll(nowMs);
    this.answered++;
    if (throttled) {
      this.throttled++;
      if (retryAfterMs !== undefined) this.maxRetryAfter = Math.max(this.maxRetryAfter, retryAfterMs);
    }
    return change;
  }

  /** Close the window if it is over; call on every answer and periodically. */
  roll(nowMs: number): GovernorChange | null {
    const elapsed = nowMs - this.windowStart;
    if (elapsed < GOVERNOR_WINDOW_MS) return null;
    const change = this.evaluate(elapsed, nowMs);
    this.windowStart = nowMs;
    this.answered = 0;
    this.throttled = 0;
    this.maxRetryAfter = 0;
    return change;
  }

  private target(): number {
    return this.configured ?? this.peakRate;
  }

  private evaluate(elapsedMs: number, nowMs: number): GovernorChange | null {
    const observed = (this.answered * 1000) / elapsedMs;
    if (this.limitPerSecond === null) this.peakRate = Math.max(this.peakRate, observed);
    const share = this.answered === 0 ? 0 : this.throttled / this.answered;
    if (share < SLOW_SHARE) {
      this.storms = 0;
      return this.recover();
    }
    const accepted = observed * (1 - share);
    const current = this.limitPerSecond ?? Math.max(observed, 1);
    const floor = Math.max(this.target() * FLOOR_SHARE, 0.05);
    const next = Math.max(floor, Math.min(current, accepted));
    const slowed = next < current * 0.95;
    this.limitPerSecond = next;
    const storm = this.answered >= STORM_MIN_ANSWERS && share >= STORM_SHARE;
    if (!storm) return slowed ? { kind: 'slowed', limit: next } : null;
    this.storms++;
    const backoff = Math.min(MAX_STORM_PAUSE_MS, 500 * 2 ** (this.storms - 1));
    const pauseMs = Math.min(MAX_STORM_PAUSE_MS, Math.max(this.maxRetryAfter, backoff));
    this.pausedUntil = nowMs + pauseMs;
    return { kind: 'paused', limit: this.limitPerSecond, pauseMs };
  }

  private recover(): GovernorChange | null {
    if (this.limitPerSecond === null) return null;
    const target = this.target();
    if (this.configured !== null && this.limitPerSecond >= this.configured) return null;
    const next = this.limitPerSecond + Math.max(target * RECOVERY_STEP, 0.05);
    if (next >= target) {
      this.limitPerSecond = this.configured;
      return { kind: 'recovered', limit: this.limitPerSecond };
    }
    this.limitPerSecond = next;
    return { kind: 'rising', limit: next };
  }
}
