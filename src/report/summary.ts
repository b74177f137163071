/**
 * The summary of a run or a log: a fold over row records (never an array of every result).
 * Used by `herald send`/`retry` at the end of a run and by `herald report`.
 */
import { ReasonTally, type ReasonCount } from '../results/reason-tally.js';
import type { RowClass, RowStatus } from '../results/record.js';
import { isRetryable, leftOutOfAll } from '../results/row-state.js';
import { LatencyHistogram } from './latency-histogram.js';

/** What a summary needs of a row's final record. */
export interface FinalRow {
  readonly status: RowStatus;
  readonly class: RowClass | null;
  readonly code: string | null;
  readonly latencyMs: number | null;
  /** The reason of an invalid or failed row (absent: none recorded). */
  readonly error?: string | null;
}

/** Reasons of invalid and failed rows listed in --json, most frequent first. */
export const REASONS_IN_JSON = 10;

/** Failed rows by what `herald retry` would do with them. */
export interface RetryCounts {
  /** Sent by `herald retry` as it is. */
  readonly retry: number;
  /** Sent by `herald retry --all` (never recipients who opted out, nor unknown mailboxes). */
  readonly withAll: number;
  /** Recipients who opted out (Twilio 21610, WeChat 43004/43101): never sent again. */
  readonly optedOut: number;
  /** Mailboxes the server said do not exist: only with --all --include-unknown-mailboxes. */
  readonly unknownMailboxes: number;
  /**
   * Rows whose outcome is unknown on a channel where `herald retry` leaves them (see
   * ChannelSpec.retryLeavesInDoubt): only `--in-doubt resend` sends them. Not counted in `retry`.
   */
  readonly inDoubt: number;
}

/** A summary as printed by --json. */
export interface SummaryJson {
  readonly rows: number;
  readonly status: Readonly<Record<string, number>>;
  readonly class: Readonly<Record<string, number>>;
  /** Classes per status, e.g. {"failed": {"retryable": 12, "permanent": 3}}. */
  readonly breakdown: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Provider codes of failed rows (a JSON object: numeric codes come out in numeric order; see topCodes). */
  readonly codes: Readonly<Record<string, number>>;
  /** Provider codes of failed rows, most frequent first. */
  readonly topCodes: readonly { readonly code: string; readonly count: number }[];
  /** The most frequent reasons of invalid and failed rows (record numbers, addresses and numbers taken out). */
  readonly reasons: readonly ReasonCount[];
  /** Failed rows by what `herald retry` would do with them. */
  readonly retry: RetryCounts;
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
  readonly reasons = new ReasonTally();
  private retryCounts = { retry: 0, withAll: 0, optedOut: 0, unknownMailboxes: 0, inDoubt: 0 };
  rows = 0;

  /** `retryLeavesInDoubt`: the channel's in-doubt rows are not what a plain `herald retry` sends. */
  constructor(private readonly retryLeavesInDoubt = false) {}

  /** Count one row's final record. */
  add(row: FinalRow): void {
    this.rows++;
    this.count1(row, 1);
    if (row.latencyMs !== null && row.status !== 'invalid' && row.status !== 'skipped') this.latency.add(row.latencyMs);
  }

  /**
   * A row counted as `before` ended as `after` instead (a corrective record: the same answer, now
   * blamed on a setting). Its row and latency stay counted once.
   */
  reclassify(before: FinalRow, after: FinalRow): void {
    this.count1(before, -1);
    this.count1(after, 1);
  }

  private count1(row: FinalRow, by: 1 | -1): void {
    bump(this.status, row.status, by);
    if (row.class) {
      bump(this.classes, row.class, by);
      let perStatus = this.breakdown.get(row.status);
      if (!perStatus) this.breakdown.set(row.status, (perStatus = new Map()));
      bump(perStatus, row.class, by);
    }
    if (row.status === 'failed' && row.code) bump(this.codes, row.code, by);
    if (row.status === 'failed' || row.status === 'invalid') {
      if (by > 0) this.reasons.add(row.status, row.error ?? null, row.code);
      else this.reasons.remove(row.status, row.error ?? null, row.code);
    }
    if (row.status === 'failed') {
      const counts = this.retryCounts;
      if (this.retryLeavesInDoubt && row.class === 'in-doubt') counts.inDoubt += by;
      else if (isRetryable(row, false)) counts.retry += by;
      else if (isRetryable(row, true)) counts.withAll += by;
      const left = leftOutOfAll(row);
      if (left === 'opted-out') counts.optedOut += by;
      if (left === 'unknown-mailbox') counts.unknownMailboxes += by;
    }
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
      codes: Object.fromEntries(this.topCodes().map(({ code, count }) => [code, count])),
      topCodes: this.topCodes(),
      reasons: this.reasons.top(REASONS_IN_JSON),
      retry: { ...this.retryCounts },
      latencyMs: { p50: this.latency.quantile(0.5), p95: this.latency.quantile(0.95), p99: this.latency.quantile(0.99) },
      tally: Object.fromEntries(this.tally),
    };
  }

  /** Codes of failed rows, most frequent first (ties in code order). */
  private topCodes(): { code: string; count: number }[] {
    return [...this.codes].map(([code, count]) => ({ code, count })).sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
  }
}

function bump(map: Map<string, number>, key: string, by = 1): void {
  const next = (map.get(key) ?? 0) + by;
  if (next > 0) map.set(key, next);
  else map.delete(key);
}
