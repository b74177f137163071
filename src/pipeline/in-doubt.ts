/**
 * What to do with a row whose last attempt's outcome is unknown (in flight when a run died, or
 * recorded in-doubt): resend it with the same idempotency key, ask the provider first, or record it failed.
 */
import type { Channel } from '../channels/channel.js';
import type { IN_DOUBT_POLICIES } from '../config/defaults.js';

/** --in-doubt values; `auto` follows the channel. */
export type InDoubtPolicy = (typeof IN_DOUBT_POLICIES)[number];

/** The decision for one in-doubt row. */
export type InDoubtAction = 'resend' | 'check' | 'fail';

/**
 * Decide for a row attempted at `attemptedAt` (on --resume, or a retry of an in-doubt row):
 * `auto` resends only where the provider de-duplicates for good (webhook Idempotency-Key, email
 * Message-ID), checks where the channel can ask the provider (Aliyun), else fails: a provider
 * whose de-duplication has a time limit (WeChat's client_msg_id, 10 minutes) counts as one that
 * does not, as the contract says. `resend` is the user's explicit choice.
 */
export function inDoubtAction(
  policy: InDoubtPolicy,
  channel: Pick<Channel, 'dedupeWindowMs' | 'reconcile'>,
): InDoubtAction {
  if (policy === 'resend' || policy === 'fail') return policy;
  if (policy === 'check') return channel.reconcile ? 'check' : 'fail';
  if (channel.dedupeWindowMs === Number.POSITIVE_INFINITY) return 'resend';
  return channel.reconcile ? 'check' : 'fail';
}

/**
 * During a run, how long after a row's first attempt an unknown outcome (a timeout, a connection
 * lost after the request went out) may still be resent with the same idempotency key: for good
 * where the provider de-duplicates for good; within the provider's window (the channel keeps a margin) only when
 * the user chose `--in-doubt resend`; otherwise never (the row is checked with the provider where
 * the channel can, else recorded failed/in-doubt).
 */
export function unknownResendWindowMs(policy: InDoubtPolicy, channel: Pick<Channel, 'dedupeWindowMs'>): number {
  if (channel.dedupeWindowMs === Number.POSITIVE_INFINITY) return policy === 'fail' ? 0 : Number.POSITIVE_INFINITY;
  if (policy === 'resend') return channel.dedupeWindowMs;
  return 0;
}
