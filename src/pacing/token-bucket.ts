/** Floating-point slack when comparing tokens. */
const TOKEN_EPSILON = 1e-9;

/**
 * A token bucket with reservations: `reserve(n, now)` takes n tokens at once and returns how long
 * the caller must wait before using them (the balance may go negative, so waiting callers queue
 * fairly and the long-run rate is exact whatever the timer's precision). Pure: the clock is passed in.
 */
export class TokenBucket {
  private ratePerMs: number;
  private tokens: number;
  private last: number;

  /**
   * @param ratePerSecond tokens added per second
   * @param capacity most tokens that can accumulate (the burst)
   * @param nowMs current time
   * @param initialTokens tokens at the start (default one, so a run opens at its rate rather than
   *   with a burst; a --burst the user asked for starts full)
   */
  constructor(ratePerSecond: number, readonly capacity: number, nowMs: number, initialTokens = 1) {
    this.ratePerMs = ratePerSecond / 1000;
    this.tokens = Math.min(initialTokens, capacity);
    this.last = nowMs;
  }

  /** Current rate in tokens per second. */
  get ratePerSecond(): number {
    return this.ratePerMs * 1000;
  }

  private refill(nowMs: number): void {
    if (nowMs > this.last) {
      this.tokens = Math.min(this.capacity, this.tokens + (nowMs - this.last) * this.ratePerMs);
      this.last = nowMs;
    }
  }

  /** Take `count` tokens; returns the ms to wait before they may be used (0 when available now). */
  reserve(count: number, nowMs: number): number {
    this.refill(nowMs);
    this.tokens -= count;
    return this.tokens >= 0 ? 0 : -this.tokens / this.ratePerMs;
  }

  /** Take `count` tokens only if they are available now; returns whether it took them. */
  tryTake(count: number, nowMs: number): boolean {
    this.refill(nowMs);
    // A token earned in ten steps of 0.1 adds up to 0.9999…: rounding must not cost a send.
    if (this.tokens < count - TOKEN_EPSILON) return false;
    this.tokens -= count;
    return true;
  }

  /** Change the rate from now on (tokens already earned at the old rate are kept). */
  setRate(ratePerSecond: number, nowMs: number): void {
    this.refill(nowMs);
    this.ratePerMs = ratePerSecond / 1000;
  }
}

/** Default bucket size for a rate: 50 ms worth of sends, at least 1 (smooth, yet immune to timer jitter). */
export function defaultBurst(ratePerSecond: number): number {
  return Math.max(1, Math.ceil(ratePerSecond / 20));
}
