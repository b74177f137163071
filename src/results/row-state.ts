/**
 * What a row's last record means for the next run: whether `--resume` sends it again, whether
 * `herald retry` does, and how. One set of rules for send, retry and report.
 */
import type { RowClass, RowStatus } from './record.js';

/** The parts of a row's state the rules look at. */
export interface RowStateFacts {
  readonly status: RowStatus;
  readonly class: RowClass | null;
  /** The provider's code and the reason: they tell recipients who opted out or do not exist. */
  readonly code?: string | null;
  readonly error?: string | null;
}

/** True when a row is done for `--resume`: sent, skipped, or failed for a reason of its own. */
export function isDone(state: RowStateFacts): boolean {
  if (state.status === 'sent' || state.status === 'skipped') return true;
  return state.status === 'failed' && state.class !== 'fatal';
}

/** Classes of failed rows `herald retry` sends without --all. */
const RETRIED_CLASSES: ReadonlySet<string> = new Set<RowClass>(['retryable', 'throttled', 'in-doubt', 'fatal']);

/**
 * Provider codes of recipients who opted out: herald never sends to them again, not even with
 * `herald retry --all` (the contract). The codes are unambiguous across channels: SMTP and HTTP
 * codes have three digits, Aliyun's are words.
 */
export const OPTED_OUT_CODES: ReadonlyMap<string, string> = new Map([
  ['21610', 'Twilio 21610: the recipient replied STOP'],
  ['43004', 'WeChat 43004: the user does not follow the account'],
  ['43101', 'WeChat 43101: the user refused the messages'],
]);

// A mailbox or domain that does not exist (RFC 3463 X.1.1 bad mailbox, X.1.2 bad system, X.1.3 bad
// syntax, X.1.10 null MX), or the words servers use for it without an enhanced code.
const NO_SUCH_MAILBOX_CODE = /\b5\.1\.(?:1|2|3|10)\b/;
const NO_SUCH_MAILBOX_TEXT =
  /user unknown|unknown user|unknown recipient|no such (?:user|mailbox|recipient|address)|(?:mailbox|user|recipient|address) (?:does not|doesn't) exist|(?:mailbox|user|recipient) not found|invalid recipient|mailbox unavailable: unknown/i;

/** Why a failed row stays out of `herald retry --all`: the recipient opted out, or the mailbox does not exist. */
export type LeftOutOfAll = 'opted-out' | 'unknown-mailbox';

/** Whether a failed row stays out of `--all`, and why (null: --all sends it). */
export function leftOutOfAll(state: RowStateFacts): LeftOutOfAll | null {
  if (state.status !== 'failed' || state.class !== 'permanent') return null;
  const code = state.code ?? '';
  if (OPTED_OUT_CODES.has(code)) return 'opted-out';
  if (/^5\d\d$/.test(code)) {
    const error = state.error ?? '';
    if (NO_SUCH_MAILBOX_CODE.test(error) || NO_SUCH_MAILBOX_TEXT.test(error)) return 'unknown-mailbox';
  }
  return null;
}

/** Which failed rows `herald retry` takes. */
export interface RetryScope {
  /** --all: permanent failures too (never recipients who opted out). */
  readonly all: boolean;
  /** --include-unknown-mailboxes: with --all, mailboxes the server said do not exist too. */
  readonly unknownMailboxes?: boolean;
}

/** Whether `herald retry` sends a row in this state (`all`: --all, permanent failures too). */
export function isRetryable(state: RowStateFacts, scope: boolean | RetryScope): boolean {
  const { all, unknownMailboxes = false } = typeof scope === 'boolean' ? { all: scope } : scope;
  if (state.status === 'failed') {
    if (RETRIED_CLASSES.has(state.class ?? '')) return true;
    if (!all) return false;
    const left = leftOutOfAll(state);
    return left === null || (left === 'unknown-mailbox' && unknownMailboxes);
  }
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
