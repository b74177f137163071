/**
 * Whether a campaign must stop everywhere: a worker that got a fatal answer (or lacks the channel's
 * secrets) sets it, the send process sets it when it is interrupted, and every process watches it.
 * The first stop wins; `--resume` clears it.
 */
import type { Redis } from 'ioredis';
import type { CampaignKeys } from './keys.js';

/** Why a campaign stopped. */
export interface CampaignStop {
  readonly kind: 'fatal' | 'interrupt' | 'breaker';
  /** One line saying what happened and what to fix. */
  readonly detail: string;
  /** Provider code of a fatal answer, when there was one. */
  readonly code: string | null;
}

/** The campaign's stop, or null while it runs. */
export async function readStop(redis: Redis, keys: CampaignKeys): Promise<CampaignStop | null> {
  const value = await redis.get(keys.control);
  if (value === null) return null;
  try {
    const stop = JSON.parse(value) as Partial<CampaignStop>;
    if (stop.kind === 'fatal' || stop.kind === 'interrupt' || stop.kind === 'breaker') return { kind: stop.kind, detail: String(stop.detail ?? ''), code: stop.code ?? null };
  } catch {
    // Not ours: read as a stop all the same, better safe.
  }
  return { kind: 'fatal', detail: `the campaign was stopped (${value.slice(0, 80)})`, code: null };
}

/** Stop the campaign everywhere, unless it was stopped already (the first reason wins). */
export async function writeStop(redis: Redis, keys: CampaignKeys, stop: CampaignStop): Promise<void> {
  await redis.set(keys.control, JSON.stringify(stop), 'NX');
}

/** Let the campaign run again (`--resume`). */
export async function clearStop(redis: Redis, keys: CampaignKeys): Promise<void> {
  await redis.del(keys.control);
}
