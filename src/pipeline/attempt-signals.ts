/**
 * Abort signals for attempts, cheaply: attempts started within the same few milliseconds share
 * one AbortController, aborted once the last of them has had its full --timeout. One timer serves
 * every bucket (all attempts have the same limit, so deadlines come in start order).
 */
import { setMaxListeners } from 'node:events';

/** Attempts started within this many ms share a signal. */
const BUCKET_MS = 10;

interface Bucket extends AttemptSignal {
  readonly controller: AbortController;
  readonly start: number;
  readonly deadline: number;
  active: number;
}

/** A signal lent to attempts: give it back with `release()` when the attempt is over. */
export interface AttemptSignal {
  readonly signal: AbortSignal;
}

/** Lends time-limited signals to attempts and can abort every attempt at once. */
export class AttemptSignals {
  private readonly buckets: Bucket[] = [];
  private head = 0;
  private current: Bucket | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly limitMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** A signal that aborts (TimeoutError) no sooner than `limitMs` from now. */
  acquire(): AttemptSignal {
    const now = this.now();
    let bucket = this.current;
    if (!bucket || now - bucket.start >= BUCKET_MS || bucket.controller.signal.aborted) {
      const controller = new AbortController();
      setMaxListeners(0, controller.signal);
      bucket = { controller, signal: controller.signal, start: now, deadline: now + BUCKET_MS + this.limitMs, active: 0 };
      this.current = bucket;
      this.buckets.push(bucket);
      this.timer ??= setTimeout(() => this.fire(), this.limitMs + BUCKET_MS);
    }
    bucket.active++;
    return bucket;
  }

  /** The attempt that borrowed `lent` is over. */
  release(lent: AttemptSignal): void {
    (lent as Bucket).active--;
  }

  /** Abort every attempt in flight now (the user stopped the run at once). */
  abortAll(reason: Error): void {
    for (let i = this.head; i < this.buckets.length; i++) this.buckets[i]!.controller.abort(reason);
  }

  /** Stop the timer (the run is over). */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private fire(): void {
    const now = this.now();
    while (this.head < this.buckets.length && this.buckets[this.head]!.deadline <= now) {
      const bucket = this.buckets[this.head++]!;
      if (bucket.active > 0) bucket.controller.abort(new DOMException('the attempt took longer than --timeout', 'TimeoutError'));
      if (bucket === this.current) this.current = null;
    }
    if (this.head > 1024 && this.head * 2 > this.buckets.length) {
      this.buckets.splice(0, this.head);
      this.head = 0;
    }
    const next = this.buckets[this.head];
    this.timer = next ? setTimeout(() => this.fire(), Math.max(1, next.deadline - now)) : null;
  }
}
