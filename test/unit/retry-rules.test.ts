/** Which failed rows herald retry takes, and which it never offers to --all: one rule for send, retry and report. */
import { describe, expect, it } from 'vitest';
import { isRetryable, leftOutOfAll, type RowStateFacts } from '../../src/results/row-state.js';
import { isInDoubt, retryAct } from '../../src/pipeline/plan-retry.js';

const permanent = (code: string, error = ''): RowStateFacts => ({ status: 'failed', class: 'permanent', code, error });

describe('leftOutOfAll and isRetryable', () => {
  it.each<[string, RowStateFacts, ReturnType<typeof leftOutOfAll>, boolean, boolean, boolean]>([
    // name, state, left out, retry, retry --all, retry --all --include-unknown-mailboxes
    // A plain permanent failure: --all sends it.
    ['webhook 404', permanent('404', 'answered 404'), null, false, true, true],
    // Opted out: never again, whatever the flags.
    ['Twilio 21610 (STOP)', permanent('21610', 'unsubscribed'), 'opted-out', false, false, false],
    ['WeChat 43004 (unfollowed)', permanent('43004'), 'opted-out', false, false, false],
    ['WeChat 43101 (refused)', permanent('43101'), 'opted-out', false, false, false],
    // A mailbox that does not exist: only with the flag.
    ['SMTP 550 5.1.1', permanent('550', '550 5.1.1 <a@b.example>: Recipient address rejected: User unknown'), 'unknown-mailbox', false, false, true],
    ['SMTP 550 without enhanced code', permanent('550', 'No such user here'), 'unknown-mailbox', false, false, true],
    ['SMTP 553 5.1.3 bad syntax', permanent('553', '553 5.1.3 bad address syntax'), 'unknown-mailbox', false, false, true],
    // A policy refusal is not an unknown mailbox.
    ['SMTP 550 5.7.1 policy', permanent('550', '550 5.7.1 message refused as spam'), null, false, true, true],
    // Transient classes are retried without --all; a fatal row too.
    ['retryable', { status: 'failed', class: 'retryable', code: '503' }, null, true, true, true],
    ['fatal', { status: 'failed', class: 'fatal', code: '401' }, null, true, true, true],
    // A row left waiting (pending) is retried.
    ['pending', { status: 'pending', class: 'retryable' }, null, true, true, true],
    // Sent and invalid rows are not.
    ['sent', { status: 'sent', class: 'ok', code: '200' }, null, false, false, false],
    ['invalid', { status: 'invalid', class: 'invalid' }, null, false, false, false],
  ])('%s', (_name, state, left, retry, all, allUnknown) => {
    expect(leftOutOfAll(state)).toBe(left);
    expect(isRetryable(state, false)).toBe(retry);
    expect(isRetryable(state, true)).toBe(all);
    expect(isRetryable(state, { all: true, unknownMailboxes: true })).toBe(allUnknown);
  });
});

describe('retryAct: rows in doubt are never resent silently', () => {
  const forever = { dedupeWindowMs: Infinity };
  const never = { dedupeWindowMs: 0 };
  const asks = { dedupeWindowMs: 0, reconcile: async () => ({ state: 'absent' as const }) };
  const inDoubt = { status: 'failed' as const, class: 'in-doubt' as const };
  const inFlight = { status: 'pending' as const, class: null };
  it.each<[string, { status: 'failed' | 'pending'; class: 'in-doubt' | 'retryable' | null }, object, 'auto' | 'resend' | 'fail' | 'check', ReturnType<typeof retryAct>, boolean]>([
    // name, state, channel, --in-doubt, what retry does, in doubt
    // A channel whose provider drops duplicates: resent (same idempotency key).
    ['de-duplicating channel', inDoubt, forever, 'auto', 'send', true],
    // A channel that can ask the provider: asked first.
    ['channel that can ask', inDoubt, asks, 'auto', 'check', true],
    // Neither: left, unless the user asks for a resend.
    ['neither, by default', inDoubt, never, 'auto', 'leave', true],
    ['neither, --in-doubt resend', inDoubt, never, 'resend', 'send', true],
    ['neither, --in-doubt check', inDoubt, never, 'check', 'leave', true],
    // In flight when a run died: in doubt too.
    ['in flight when a run died', inFlight, never, 'auto', 'leave', true],
    // A definite failure is not in doubt.
    ['retryable', { status: 'failed', class: 'retryable' }, never, 'auto', 'send', false],
  ])('%s', (_name, state, channel, policy, act, doubt) => {
    expect(retryAct(state, channel as never, policy)).toBe(act);
    expect(isInDoubt(state)).toBe(doubt);
  });
});
