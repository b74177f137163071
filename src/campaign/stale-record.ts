/**
 * Whether a record replayed from Redis is one the log already holds. A send process that died
 * after writing results to the log but before acknowledging them reads them again on --resume;
 * written twice, a row would have two final records. A row's records only move forward — attempt
 * after attempt, and within an attempt its pending record, then its answer — so a record that is
 * not ahead of the log's last record for its key was written already. (Attempts, not times, decide:
 * workers' clocks need not agree with the log's.)
 */
import type { KeyState } from '../results/log-state.js';
import type { RowRecord } from '../results/record.js';

/** A record's step within its attempt: sent out, answered but waiting, final. */
function step(record: Pick<RowRecord, 'status' | 'class'>): number {
  if (record.status !== 'pending') return 2;
  return record.class === null ? 0 : 1;
}

/** True when `record` is not ahead of `last`, the log's last record for its key. */
export function isStaleRecord(record: RowRecord, last: Pick<KeyState, 'attempts' | 'status' | 'class'> | undefined): boolean {
  if (!last) return false;
  if (record.attempts !== last.attempts) return record.attempts < last.attempts;
  return step(record) <= step(last);
}
