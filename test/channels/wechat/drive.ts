/**
 * Drives a channel the way the engine's contract says (CONTRACT.md, BRIEF "How the engine uses a
 * channel"): N sends in flight, retries of retryable/throttled answers, a stop on fatal, unknown
 * outcomes resent only within the channel's dedupe window. Used until CLI tests can run the real
 * engine; waits are capped so no test sleeps for a provider's minute.
 */
import type { Channel, ChannelSetup, SendResult } from '../../../src/channels/channel.js';
import type { RowFields } from '../../../src/input/row.js';
import { testSetup } from '../../helpers/channel-setup.js';

/** What became of one row. */
export interface RowOutcome {
  readonly status: 'sent' | 'failed' | 'invalid';
  readonly class: string;
  readonly code: string | null;
  readonly attempts: number;
  readonly messageId?: string;
  readonly detail?: string;
}

/** How to drive. */
export interface DriveOptions {
  readonly concurrency: number;
  readonly retries?: number;
  /** Per-attempt limit (ms). */
  readonly timeoutMs?: number;
  /** The row's key field. */
  readonly key?: string;
  /** Longest wait honoured between attempts (ms). */
  readonly maxWaitMs?: number;
}

/** Every row's outcome by key (rows never dispatched are absent), and the fatal result that stopped the run. */
export interface DriveResult {
  readonly outcomes: Map<string, RowOutcome>;
  readonly fatal: SendResult | null;
  /** Every detail string the channel produced, for secret checks. */
  readonly details: string[];
}

/** Send every row through the channel. */
export async function drive(channel: Channel, rows: readonly RowFields[], options: DriveOptions): Promise<DriveResult> {
  const keyField = options.key ?? 'openid';
  const retries = options.retries ?? 3;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxWaitMs = options.maxWaitMs ?? 50;
  const outcomes = new Map<string, RowOutcome>();
  const details: string[] = [];
  let fatal: SendResult | null = null;
  let next = 0;

  const one = async (fields: RowFields) => {
    const key = String(fields[keyField]);
    const prepared = channel.prepare(fields);
    if (!prepared.ok) {
      outcomes.set(key, { status: 'invalid', class: 'invalid', code: null, attempts: 0, detail: prepared.reason });
      return;
    }
    const firstAttempt = Date.now();
    for (let attempt = 1; ; attempt++) {
      const result = await channel.send(prepared.message, {
        attempt,
        key,
        idempotencyKey: `idem-${key}`,
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (result.detail !== undefined) details.push(result.detail);
      const base = { code: result.code, attempts: attempt, detail: result.detail };
      if (result.outcome === 'ok') {
        outcomes.set(key, { ...base, status: 'sent', class: 'ok', messageId: result.messageId });
        return;
      }
      if (result.outcome === 'permanent' || result.outcome === 'fatal') {
        outcomes.set(key, { ...base, status: 'failed', class: result.outcome });
        if (result.outcome === 'fatal') fatal ??= result;
        return;
      }
      if (result.unknown === true && Date.now() - firstAttempt >= channel.dedupeWindowMs) {
        outcomes.set(key, { ...base, status: 'failed', class: 'in-doubt' });
        return;
      }
      if (attempt > retries || fatal !== null) {
        outcomes.set(key, { ...base, status: 'failed', class: result.outcome });
        return;
      }
      await new Promise((done) => setTimeout(done, Math.min(result.retryAfterMs ?? 5, maxWaitMs)));
    }
  };

  const worker = async () => {
    while (fatal === null && next < rows.length) await one(rows[next++]!);
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return { outcomes, fatal, details };
}

/** Count outcomes by `status/class`. */
export function tally(outcomes: Map<string, RowOutcome>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes.values()) counts[`${o.status}/${o.class}`] = (counts[`${o.status}/${o.class}`] ?? 0) + 1;
  return counts;
}

/** `n` distinct openids shaped like WeChat's (28 characters). */
export function openids(n: number, prefix = 'oFan'): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(28 - prefix.length, '0')}`);
}

/** A ChannelSetup as the engine builds it; `warnings` collects what the channel warned. */
export function channelSetup(
  env: Readonly<Record<string, string | undefined>>,
  options: Readonly<Record<string, unknown>>,
  overrides: Partial<ChannelSetup> = {},
): ReturnType<typeof testSetup> {
  return testSetup({ toField: 'openid', concurrency: 16, timeoutMs: 10_000 }, env, options, overrides);
}
