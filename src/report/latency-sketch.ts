/**
 * A small fixed-size latency sketch: counts in log-width buckets (eight per doubling, so a
 * percentile is within about 4.5% of the truth), cheap enough to keep one per chart point and
 * per e-mail domain, and to draw as a histogram.
 */

/** Buckets per doubling of the latency. */
export const PER_OCTAVE = 8;
/** Doublings tracked above 1 ms: up to 2^27 ms (about 37 hours); slower values count in the last bucket. */
const OCTAVES = 27;
/** Number of buckets; bucket 0 holds values below 1 ms. */
export const SKETCH_BUCKETS = PER_OCTAVE * OCTAVES + 1;

/** The bucket a latency in ms falls in. */
export function sketchBucket(ms: number): number {
  if (!(ms >= 1)) return 0;
  return Math.min(SKETCH_BUCKETS - 1, 1 + Math.floor(Math.log2(ms) * PER_OCTAVE));
}

/** The lower bound (ms) of a bucket. */
export function bucketLow(bucket: number): number {
  return bucket === 0 ? 0 : 2 ** ((bucket - 1) / PER_OCTAVE);
}

/** The upper bound (ms) of a bucket. */
export function bucketHigh(bucket: number): number {
  return 2 ** (bucket / PER_OCTAVE);
}

/** Counts of latencies by log-width bucket. */
export class LatencySketch {
  readonly counts = new Uint32Array(SKETCH_BUCKETS);
  private total = 0;

  /** Number of values added. */
  get count(): number {
    return this.total;
  }

  /** Add one latency in ms. */
  add(ms: number): void {
    this.counts[sketchBucket(ms)]!++;
    this.total++;
  }

  /** Add every value of another sketch. */
  merge(other: LatencySketch): void {
    for (let i = 0; i < SKETCH_BUCKETS; i++) this.counts[i]! += other.counts[i]!;
    this.total += other.total;
  }

  /** The value (ms, the bucket's geometric middle, rounded) below which `q` (0..1) of the values fall; null when empty. */
  quantile(q: number): number | null {
    if (this.total === 0) return null;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let i = 0; i < SKETCH_BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return i === 0 ? 0 : Math.round(Math.sqrt(bucketLow(i) * bucketHigh(i)) * 10) / 10;
    }
    return null;
  }
}
