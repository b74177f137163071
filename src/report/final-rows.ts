/**
 * Each key's final state, as the report needs it, behind a small interface: how the states are
 * held (compact, see results/key-states.ts) is not the report's business.
 */
import type { LogState } from '../results/log-state.js';
import type { RowRecord, RunRecord } from '../results/record.js';

/** What the report reads of a key's final state. */
export interface FinalRow {
  readonly key: string;
  readonly status: string;
  readonly class: string | null;
  readonly code: string | null;
  readonly error: string | null;
  readonly attempts: number;
  readonly latencyMs: number | null;
  /** Time of the final record, ms since the epoch. */
  readonly at: number;
}

/** The final states of a log's keys. */
export interface FinalRows {
  /** Every key's final state, in no particular order. */
  [Symbol.iterator](): Iterator<FinalRow>;
  /** True when `record` is the final record of its key (false for key-less and skipped records). */
  isFinal(record: RowRecord): boolean;
  /** Index in the log's run records of the run that starts the latest campaign (0 when there is one campaign). */
  readonly campaignStart: number;
  /** Lines whose final record is an invalid one without a key. */
  readonly keylessLines: ReadonlySet<number>;
}

/** The index of the first run of the log's latest campaign (a --force run starts a new one). */
export function latestCampaignStart(runs: readonly Pick<RunRecord, 'campaign'>[]): number {
  let start = 0;
  for (let i = 1; i < runs.length; i++) if (runs[i]!.campaign !== runs[i - 1]!.campaign) start = i;
  return start;
}

/** The final rows of a folded log. */
export function finalRows(log: LogState): FinalRows {
  return {
    *[Symbol.iterator]() {
      // The states themselves: their key and error are read from the log only when asked for.
      yield* log.keys.values();
    },
    isFinal(record: RowRecord): boolean {
      if (record.key === null || record.status === 'skipped') return false;
      const state = log.keys.get(record.key);
      return (
        state !== undefined &&
        state.status === record.status &&
        state.class === record.class &&
        state.code === record.code &&
        state.attempts === record.attempts &&
        state.at === Date.parse(record.at)
      );
    },
    campaignStart: latestCampaignStart(log.runs),
    keylessLines: log.keylessLines,
  };
}
