/**
 * Attempts over the run's time, in a bounded number of buckets: an eighth of a second each at
 * first, twice as wide (neighbours merged) whenever a run outlasts MAX_POINTS buckets, so a
 * day-long run costs what an hour-long one does. Buckets shorter than a second are kept only where
 * they hold enough attempts to say something (a short, busy run); otherwise the page gets seconds.
 */
import { LatencySketch } from './latency-sketch.js';

/** The outcomes of an attempt, in the order charts and tables list them. */
export const OUTCOMES = ['ok', 'retryable', 'throttled', 'permanent', 'fatal', 'in-doubt'] as const;
export type AttemptOutcome = (typeof OUTCOMES)[number];

/** Most buckets kept; past it, buckets double in width. */
export const MAX_POINTS = 3600;
/** The narrowest bucket, seconds. */
const MIN_WIDTH = 1 / 8;
/** Sub-second buckets are shown only while there are at most this many… */
const FINE_POINTS = 600;
/** …and they hold at least this many attempts each on average. */
const FINE_DENSITY = 20;

interface Slot {
  readonly counts: Uint32Array;
  latency: LatencySketch | null;
}

/** The series as the page draws it: x in seconds since the first run started. */
export interface SeriesJson {
  /** Width of one bucket, seconds. */
  readonly width: number;
  /** Start of each bucket, seconds of sending time. */
  readonly x: readonly number[];
  /** Attempts per second in each bucket, by outcome (same order as OUTCOMES). */
  readonly perSecond: Readonly<Record<AttemptOutcome, readonly number[]>>;
  /** Attempts answered `throttled` in each bucket. */
  readonly throttled: readonly number[];
  readonly p50: readonly (number | null)[];
  readonly p95: readonly (number | null)[];
  readonly p99: readonly (number | null)[];
}

/** Attempts by outcome and latency, bucketed over time. */
export class TimeSeries {
  private width = MIN_WIDTH;
  private slots: (Slot | undefined)[] = [];

  /** Count one attempt `seconds` after the start, with its latency when known. */
  add(seconds: number, outcome: AttemptOutcome, latencyMs: number | null): void {
    let index = Math.floor(Math.max(0, seconds) / this.width);
    while (index >= MAX_POINTS) {
      this.coarsen();
      index = Math.floor(Math.max(0, seconds) / this.width);
    }
    let slot = this.slots[index];
    if (!slot) this.slots[index] = slot = { counts: new Uint32Array(OUTCOMES.length), latency: null };
    slot.counts[OUTCOMES.indexOf(outcome)]!++;
    if (latencyMs !== null) (slot.latency ??= new LatencySketch()).add(latencyMs);
  }

  /** Buckets twice as wide: each pair of neighbours becomes one. */
  private coarsen(): void {
    const merged: (Slot | undefined)[] = [];
    this.slots.forEach((slot, i) => {
      if (!slot) return;
      const target = merged[i >> 1];
      if (!target) {
        merged[i >> 1] = slot;
        return;
      }
      for (let k = 0; k < OUTCOMES.length; k++) target.counts[k]! += slot.counts[k]!;
      if (slot.latency) {
        if (target.latency) target.latency.merge(slot.latency);
        else target.latency = slot.latency;
      }
    });
    this.slots = merged;
    this.width *= 2;
  }

  /** Widen sub-second buckets into seconds unless a short, busy run fills them. */
  private settle(): void {
    while (this.width < 1) {
      let used = 0;
      let attempts = 0;
      for (const slot of this.slots) {
        if (!slot) continue;
        used++;
        attempts += slot.counts.reduce((a, b) => a + b, 0);
      }
      if (this.slots.length <= FINE_POINTS && used > 0 && attempts / used >= FINE_DENSITY) return;
      this.coarsen();
    }
  }

  /** The buckets up to the last one used (empty buckets count zero); settles the bucket width first. */
  toJSON(): SeriesJson {
    this.settle();
    const n = this.slots.length;
    const perSecond = Object.fromEntries(OUTCOMES.map((outcome) => [outcome, [] as number[]])) as Record<AttemptOutcome, number[]>;
    const x: number[] = [];
    const throttled: number[] = [];
    const p50: (number | null)[] = [];
    const p95: (number | null)[] = [];
    const p99: (number | null)[] = [];
    for (let i = 0; i < n; i++) {
      const slot = this.slots[i];
      x.push(i * this.width);
      OUTCOMES.forEach((outcome, k) => perSecond[outcome].push(slot ? Math.round((slot.counts[k]! / this.width) * 1000) / 1000 : 0));
      throttled.push(slot ? slot.counts[OUTCOMES.indexOf('throttled')]! : 0);
      p50.push(slot?.latency?.quantile(0.5) ?? null);
      p95.push(slot?.latency?.quantile(0.95) ?? null);
      p99.push(slot?.latency?.quantile(0.99) ?? null);
    }
    return { width: this.width, x, perSecond, throttled, p50, p95, p99 };
  }
}
