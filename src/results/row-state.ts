/**
 * What a row's last record means for the next run: whether `--resume` sends it again, whether
 * `herald retry` does, and how. One set of rules for send, retry and report.
 */
import type { RowClass, RowStatus } from './record.js';

/** The parts of a row's state the rules look at. */
export interface RowStateFacts {
  readonly status: RowStatus;
  readonly class: RowClass | null;
}

/** True when a row is done for `--resume`: sent, skipped, or failed for a reason of its own. */
export function isDone(state: RowStateFacts): boolean {
  if (state.status === 'sent' || state.status === 'skipped') return true;
  return state.status === 'failed' && state.class !== 'fatal';
}

/** Classes of failed rows `herald retry` sends without --all. */
const RETRIED_CLASSES: ReadonlySet<string> = new Set<RowClass>(['retryable', 'throttled', 'in-doubt', 'fatal']);

/** Whether `herald retry` sends a row in this state (`all`: --all, permanent failures too). */
export function isRetryable(state: RowStateFacts, all: boolean): boolean {
  if (state.status === 'failed') return all || RETRIED_CLASSES.has(state.class ?? '');
  // Left waiting for a retry, or in flight, when a run stopped.
  return state.status === 'pending';
}

/** What `--resume` does with a row that has a state in the log. */
export type ResumeStep =
  /** Done: not sent again. */
  | { readonly act: 'skip' }
  /** Validate the row again with this run's settings, and send it if it passes. */
  | { readonly act: 'revalidate' }
  /** Send again: its last attempt failed for a reason that may have passed. */
  | { readonly act: 'send' }
  /** The last attempt's outcome is unknown and the policy is not to resend it blind. */
  | { readonly act: 'in-doubt' };

const SEND_AGAIN: ResumeStep = { act: 'send' };

/**
 * The resume rule of the contract: done rows are skipped; `invalid` rows are validated again (a
 * template fixed since is not held against them); rows that failed only because the run hit a
 * fatal answer, and rows waiting for a retry, are sent; rows in flight when a run died are in doubt.
 */
export function resumeStep(state: RowStateFacts): ResumeStep {
  if (isDone(state)) return { act: 'skip' };
  if (state.status === 'invalid') return { act: 'revalidate' };
  if (state.status === 'failed') return SEND_AGAIN;
  // pending: waiting for a retry after a definite failure, or in flight / in doubt.
  if (state.class === 'retryable' || state.class === 'throttled') return SEND_AGAIN;
  return { act: 'in-doubt' };
}
