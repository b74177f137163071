/**
 * A fixed-size latency histogram (log-linear buckets, about 1.6% precision): percentiles over any
 * number of sends in constant memory.
 */

/** Sub-buckets per power of two. */
const SUB_BUCKETS = 64;
/** Exact buckets below this value (ms). */
const LINEAR_LIMIT = 2 * SUB_BUCKETS;
/** Largest tracked value (ms); larger ones count in the last bucket. */
const MAX_VALUE = 24 * 3600 * 1000;

function bucketOf(value: number): number {
  const v = Math.min(Math.max(0, Math.round(value)), MAX_VALUE);
  if (v < LINEAR_LIMIT) return v;
  const exponent = Math.floor(Math.log2(v)) - Math.log2(SUB_BUCKETS);
  const mantissa = Math.floor(v / 2 ** exponent);
  return LINEAR_LIMIT + (exponent - 1) * SUB_BUCKETS + (mantissa - SUB_BUCKETS);
}

function valueOf(bucket: number): number {
  if (bucket < LINEAR_LIMIT) return bucket;
  const offset = bucket - LINEAR_LIMIT;
  const exponent = Math.floor(offset / SUB_BUCKETS) + 1;
  const mantissa = (offset % SUB_BUCKETS) + SUB_BUCKETS;
  return Math.round((mantissa + 0.5) * 2 ** exponent);
}

/** Counts of latencies by bucket. */
export class LatencyHistogram {
  private readonly counts = new Float64Array(bucketOf(MAX_VALUE) + 1);
  private total = 0;

  /** Number of values added. */
  get count(): number {
    return this.total;
  }

  /** Add one latency in ms. */
  add(ms: number): void {
    this.counts[bucketOf(ms)]!++;
    this.total++;
  }

  /** The value below which `q` (0..1) of the values fall, or null when empty. */
  quantile(q: number): number | null {
    if (this.total === 0) return null;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return valueOf(i);
    }
    return valueOf(this.counts.length - 1);
  }
}
