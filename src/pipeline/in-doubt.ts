/**
 * What to do with a row whose last attempt's outcome is unknown (in flight when a run died, or
 * recorded in-doubt): resend it with the same idempotency key, ask the provider first, or record it failed.
 */
import type { Channel } from '../channels/channel.js';

/** --in-doubt values; `auto` follows the channel. */
export type InDoubtPolicy = 'auto' | 'resend' | 'check' | 'fail';

/** The decision for one in-doubt row. */
export type InDoubtAction = 'resend' | 'check' | 'fail';

/** Margin kept before a provider's de-duplication window closes. */
const WINDOW_MARGIN_MS = 30_000;

/**
 * Decide for a row attempted at `attemptedAt`: `auto` resends where the provider de-duplicates
 * (for good, or still within its window), checks where the channel can reconcile, else fails.
 */
export function inDoubtAction(
  policy: InDoubtPolicy,
  channel: Pick<Channel, 'dedupeWindowMs' | 'reconcile'>,
  attemptedAt: number,
  nowMs: number,
): InDoubtAction {
  if (policy === 'resend' || policy === 'fail') return policy;
  if (policy === 'check') return channel.reconcile ? 'check' : 'fail';
  if (channel.dedupeWindowMs === Number.POSITIVE_INFINITY) return 'resend';
  if (channel.dedupeWindowMs > 0 && nowMs - attemptedAt < channel.dedupeWindowMs - WINDOW_MARGIN_MS) return 'resend';
  return channel.reconcile ? 'check' : 'fail';
}
