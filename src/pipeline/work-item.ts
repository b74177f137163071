/** What flows from the planners to the send loop: rows to send, and records to write as they are. */
import type { RowFields } from '../input/row.js';
import type { RowRecord } from '../results/record.js';

/** A row to send (first time, resumed, or retried). */
export interface SendItem<M> {
  readonly kind: 'send';
  readonly key: string;
  readonly line: number;
  readonly row: RowFields;
  readonly idempotencyKey: string;
  readonly message: M;
  /** Attempts made so far (continues across resume and retry). */
  attempts: number;
  /** Attempts made before this run: --retries counts only this run's attempts. */
  readonly priorAttempts: number;
  /** Of those, throttled answers. */
  throttledAttempts: number;
  /** When the first attempt whose outcome is unknown was made: a provider's de-duplication window runs from it. */
  firstAttemptAt: number | null;
  /** An earlier attempt's outcome is unknown: ask the provider before sending (reconcile). */
  doubtSince: number | null;
  /**
   * The log says an attempt may be out since then and the sender is to decide what to do with it
   * under the --in-doubt rules (a worker taking the row from a queue).
   */
  readonly inDoubtSince?: number;
}

/** A row settled without sending (invalid, duplicate, in-doubt on resume): its record. */
export interface RecordItem {
  readonly kind: 'record';
  readonly record: RowRecord;
}

/** One item of a plan. */
export type PlannedItem<M> = SendItem<M> | RecordItem;
