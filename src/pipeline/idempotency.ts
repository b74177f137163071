/** Idempotency keys: derived from the campaign and the row's key, so they are stable across resume and retry. */
import { hash as oneShotHash, randomBytes } from 'node:crypto';

/** A new campaign id (a first run, or --force). */
export function newCampaignId(): string {
  return randomBytes(8).toString('hex');
}

/** The row's idempotency key: a UUID (version 8, name-based) of the campaign and the key. */
export function idempotencyKeyFor(campaign: string, key: string): string {
  const hash = oneShotHash('sha256', `${campaign}\0${key}`, 'buffer');
  hash[6] = (hash[6]! & 0x0f) | 0x80;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.toString('hex', 0, 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
