/**
 * A row as a queued job, and what a worker makes of it when it takes it: the row and its attempt
 * bookkeeping travel in the job; the row's state in Redis (written before every request leaves)
 * says whether an earlier worker died with it in flight, so a takeover follows the --resume rules.
 */
import type { InputRow } from '../input/row.js';
import type { InDoubtAction } from '../pipeline/in-doubt.js';
import type { SendItem } from '../pipeline/work-item.js';
import type { RowClass, RowRecord, RowStatus } from '../results/record.js';

/** A row's job data. */
export interface RowJobData {
  readonly key: string;
  readonly line: number;
  readonly row: InputRow['fields'];
  readonly idempotencyKey: string;
  readonly attempts: number;
  readonly priorAttempts: number;
  readonly throttledAttempts: number;
  readonly firstAttemptAt: number | null;
  readonly doubtSince: number | null;
  /** The log said an attempt may be out since then (a run that died); absent otherwise. */
  readonly inDoubtSince?: number;
}

/** The job data of a row to send (its bookkeeping as it stands). */
export function rowJobData(item: SendItem<unknown>): RowJobData {
  return {
    key: item.key,
    line: item.line,
    row: item.row,
    idempotencyKey: item.idempotencyKey,
    attempts: item.attempts,
    priorAttempts: item.priorAttempts,
    throttledAttempts: item.throttledAttempts,
    firstAttemptAt: item.firstAttemptAt,
    doubtSince: item.doubtSince,
    ...(item.inDoubtSince !== undefined ? { inDoubtSince: item.inDoubtSince } : {}),
  };
}

/** A row's state in Redis: its last record's status, class, attempts and time. */
export interface RowState {
  readonly s: RowStatus;
  readonly c: RowClass | null;
  readonly a: number;
  readonly t: number;
}

/** The state a record leaves a row in. */
export function rowStateOf(record: RowRecord): RowState {
  return { s: record.status, c: record.class, a: record.attempts, t: Date.parse(record.at) };
}

/** Whether a row state is final (the row will not be sent again in this campaign). */
export function isFinalState(state: RowState): boolean {
  return state.s !== 'pending';
}

/** What a worker does with a job it took. */
export type Takeover =
  /** Done already (a duplicate job, or a result not yet in the log): complete the job, send nothing. */
  | { readonly act: 'done' }
  /** Send, with this bookkeeping. */
  | { readonly act: 'send'; readonly book: RowJobData }
  /** In flight when a worker died, and the policy is not to resend blind: record it failed/in-doubt. */
  | { readonly act: 'in-doubt'; readonly book: RowJobData };

/**
 * Decide what to do with a job, given the row's state in Redis (null: never started) and what
 * the --in-doubt policy says for this channel (`action`).
 */
export function takeOver(data: RowJobData, stored: RowState | null, action: InDoubtAction): Takeover {
  // No worker started it: the log may still say an earlier run died with it in flight.
  const state = stored ?? (data.inDoubtSince !== undefined ? { s: 'pending', c: null, a: data.attempts, t: data.inDoubtSince } : null);
  if (state === null) return { act: 'send', book: data };
  if (isFinalState(state)) return { act: 'done' };
  const book: RowJobData = { ...data, attempts: Math.max(data.attempts, state.a) };
  // Waiting for a retry after a definite answer: the job carries what the retry needs.
  if (state.c !== null) return { act: 'send', book };
  // A pending record with no answer: the worker that wrote it died with the request out.
  if (action === 'fail') return { act: 'in-doubt', book };
  const since = state.t;
  return {
    act: 'send',
    book: { ...book, firstAttemptAt: book.firstAttemptAt ?? since, doubtSince: action === 'check' ? since : book.doubtSince },
  };
}
