/** `herald report --json`: a result log's final states folded into one object (the text and HTML reports start from it too). */
import type { LogState } from '../results/log-state.js';
import { isRetryable } from '../results/row-state.js';
import { SummaryFold, type SummaryJson } from './summary.js';
import { findChannel } from '../channels/registry.js';

/** `herald report --json`. */
export interface LogReport extends SummaryJson {
  readonly log: string;
  readonly channel: string | null;
  readonly runs: number;
  readonly firstRunAt: string | null;
  readonly lastRunAt: string | null;
  /** Time spent sending, summed over runs. */
  readonly durationMs: number;
  /** Rows sent per second of sending time. */
  readonly throughput: number;
  /** Rows `herald retry` would send (and with --all). */
  readonly retryable: number;
  readonly retryableWithAll: number;
}

/** Fold a log's final states into a report. */
export function buildReport(log: LogState): LogReport {
  const channel = log.runs.at(-1)?.channel ?? null;
  const fold = new SummaryFold(channel !== null && findChannel(channel)?.retryLeavesInDoubt === true);
  let retryable = 0;
  let retryableWithAll = 0;
  for (const state of log.keys.values()) {
    fold.add(state);
    if (isRetryable(state, false)) retryable++;
    if (isRetryable(state, true)) retryableWithAll++;
  }
  for (let i = 0; i < log.duplicates; i++) fold.add({ status: 'skipped', class: 'duplicate', code: null, latencyMs: null });
  for (const { reason, count } of log.keylessReasons) {
    for (let i = 0; i < count; i++) fold.add({ status: 'invalid', class: 'invalid', code: null, latencyMs: null, error: reason });
  }
  const durationMs = log.spans.reduce((sum, span) => sum + (span.end - span.start), 0);
  const sent = fold.count('sent');
  return {
    ...fold.toJSON(),
    log: log.path,
    channel,
    runs: log.runs.length,
    firstRunAt: log.runs[0]?.at ?? null,
    lastRunAt: log.runs.at(-1)?.at ?? null,
    durationMs,
    throughput: durationMs > 0 ? Math.round((sent * 100_000) / durationMs) / 100 : 0,
    retryable,
    retryableWithAll,
  };
}
