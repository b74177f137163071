/**
 * The summary of a run or a log: a fold over row records (never an array of every result).
 * Used by `herald send`/`retry` at the end of a run and by `herald report`.
 */
import type { RowClass, RowStatus } from '../results/record.js';
import { LatencyHistogram } from './latency-histogram.js';

/** What a summary needs of a row's final record. */
export interface FinalRow {
  readonly status: RowStatus;
  readonly class: RowClass | null;
  readonly code: string | null;
  readonly latencyMs: number | null;
}

/** A summary as printed by --json. */
export interface SummaryJson {
  readonly rows: number;
  readonly status: Readonly<Record<string, number>>;
  readonly class: Readonly<Record<string, number>>;
  /** Classes per status, e.g. {"failed": {"retryable": 12, "permanent": 3}}. */
  readonly breakdown: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Provider codes of failed rows, most frequent first. */
  readonly codes: Readonly<Record<string, number>>;
  readonly latencyMs: { readonly p50: number | null; readonly p95: number | null; readonly p99: number | null };
  readonly tally: Readonly<Record<string, number>>;
}

/** Folds final row records into counts, codes and latency percentiles. */
export class SummaryFold {
  readonly status = new Map<string, number>();
  readonly classes = new Map<string, number>();
  readonly breakdown = new Map<string, Map<string, number>>();
  readonly codes = new Map<string, number>();
  readonly latency = new LatencyHistogram();
  readonly tally = new Map<string, number>();
  rows = 0;

  /** Count one row's final record. */
  add(row: FinalRow): void {
    this.rows++;
    bump(this.status, row.status);
    if (row.class) {
      bump(this.classes, row.class);
      let perStatus = this.breakdown.get(row.status);
      if (!perStatus) this.breakdown.set(row.status, (perStatus = new Map()));
      bump(perStatus, row.class);
    }
    if (row.status === 'failed' && row.code) bump(this.codes, row.code);
    if (row.latencyMs !== null && row.status !== 'invalid' && row.status !== 'skipped') this.latency.add(row.latencyMs);
  }

  /** Add a channel's per-message counters (e.g. SMS segments). */
  addTally(counts: Readonly<Record<string, number>>): void {
    for (const [name, value] of Object.entries(counts)) this.tally.set(name, (this.tally.get(name) ?? 0) + value);
  }

  /** How many rows ended with this status. */
  count(status: RowStatus): number {
    return this.status.get(status) ?? 0;
  }

  /** The summary as a plain object. */
  toJSON(): SummaryJson {
    return {
      rows: this.rows,
      status: Object.fromEntries(this.status),
      class: Object.fromEntries(this.classes),
      breakdown: Object.fromEntries([...this.breakdown].map(([status, classes]) => [status, Object.fromEntries(classes)])),
      codes: Object.fromEntries([...this.codes].sort((a, b) => b[1] - a[1])),
      latencyMs: { p50: this.latency.quantile(0.5), p95: this.latency.quantile(0.95), p99: this.latency.quantile(0.99) },
      tally: Object.fromEntries(this.tally),
    };
  }
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}
