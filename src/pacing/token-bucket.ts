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
   * @param nowMs current time; the bucket starts with one token, so a run opens at its rate
   *   rather than with a burst (the burst absorbs timer lateness later on)
   */
  constructor(ratePerSecond: number, readonly capacity: number, nowMs: number) {
    this.ratePerMs = ratePerSecond / 1000;
    this.tokens = Math.min(1, capacity);
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
    if (this.tokens < count) return false;
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
