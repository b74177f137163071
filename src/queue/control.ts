/**
 * Whether a campaign must stop everywhere: a worker that got a fatal answer (or lacks the channel's
 * secrets) sets it, the send process sets it when it is interrupted or paused (a deadline, a quota),
 * and every process watches it. The first stop wins; `--resume` clears it.
 */
import type { Redis } from 'ioredis';
import type { StopReason } from '../pipeline/stop-reason.js';
import type { CampaignKeys } from './keys.js';

/** Why a campaign stopped. */
export interface CampaignStop {
  readonly kind: 'fatal' | 'interrupt' | 'breaker' | 'paused';
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
    if (stop.kind === 'fatal' || stop.kind === 'interrupt' || stop.kind === 'breaker' || stop.kind === 'paused') return { kind: stop.kind, detail: String(stop.detail ?? ''), code: stop.code ?? null };
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

/** The engine's stop reason for a campaign's stop, as a worker or the send process meets it. */
export function stopReasonOf(stop: CampaignStop): StopReason {
  switch (stop.kind) {
    case 'interrupt':
      return { kind: 'interrupt' };
    case 'breaker':
      return { kind: 'breaker', detail: stop.detail };
    case 'paused':
      return { kind: 'paused', pause: { kind: 'not-after', detail: stop.detail, resumeAt: null } };
    case 'fatal':
      return { kind: 'fatal', detail: stop.detail, code: stop.code };
  }
}

/** A campaign's stop for an engine stop reason (an error stops it as a fatal answer does). */
export function campaignStopOf(reason: StopReason): CampaignStop {
  switch (reason.kind) {
    case 'interrupt':
      return { kind: 'interrupt', detail: 'the send process was interrupted', code: null };
    case 'breaker':
      return { kind: 'breaker', detail: reason.detail, code: null };
    case 'paused':
      return { kind: 'paused', detail: reason.pause.detail, code: null };
    case 'fatal':
      return { kind: 'fatal', detail: reason.detail, code: reason.code };
    case 'error':
      return { kind: 'fatal', detail: reason.detail, code: null };
  }
}
