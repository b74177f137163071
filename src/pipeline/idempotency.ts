/** Idempotency keys: derived from the campaign and the row's key, so they are stable across resume and retry. */
import { hash as oneShotHash, randomBytes } from 'node:crypto';

/** A new campaign id (a first run, or --force). */
export function newCampaignId(): string {
  return randomBytes(8).toString('hex');
}

/** The digest idempotency keys and duplicate detection are made from. */
export function keyDigest(campaign: string, key: string): Buffer {
  return oneShotHash('sha256', `${campaign}\0${key}`, 'buffer');
}

/** A digest as an idempotency key: a UUID (version 8, name-based). Modifies the digest's bytes 6 and 8. */
export function idempotencyKeyOf(digest: Buffer): string {
  digest[6] = (digest[6]! & 0x0f) | 0x80;
  digest[8] = (digest[8]! & 0x3f) | 0x80;
  const hex = digest.toString('hex', 0, 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The row's idempotency key: a UUID (version 8, name-based) of the campaign and the key. */
export function idempotencyKeyFor(campaign: string, key: string): string {
  return idempotencyKeyOf(keyDigest(campaign, key));
}
