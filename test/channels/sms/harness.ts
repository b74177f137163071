// Test harness for the SMS channels: a ChannelSetup like the engine's, and a bounded driver that
// sends prepared rows through a channel with limited concurrency, the way the engine calls it.
import type { Channel, ChannelSetup, SendResult } from '../../../src/channels/channel.js';
import { testSetup } from '../../helpers/channel-setup.js';

/** A setup like the engine builds; warnings are collected. */
export function makeSetup(
  env: Record<string, string | undefined>,
  options: Record<string, unknown>,
  overrides: Partial<ChannelSetup> = {},
): ChannelSetup & { warnings: string[] } {
  return testSetup({ toField: 'phone', concurrency: 8, timeoutMs: 5_000 }, env, options, overrides);
}

/** The idempotency key the driver gives a row (stable per key, like the engine's). */
export function keyOf(key: string): string {
  return `hk-${key}`;
}

/** One row's outcome in the driver. */
export interface DriverResult {
  readonly key: string;
  readonly result: SendResult;
}

/**
 * Prepare and send every row, at most `concurrency` in flight (`batch` rows per call when > 1),
 * with a per-attempt timeout. One attempt per row: classification is what the tests look at.
 */
export async function drive(
  channel: Channel,
  rows: readonly Record<string, unknown>[],
  options: { concurrency: number; timeoutMs: number; batch?: number; keyField?: string },
): Promise<DriverResult[]> {
  const keyField = options.keyField ?? 'phone';
  const prepared = rows.map((fields) => {
    const p = channel.prepare(fields);
    if (!p.ok) throw new Error(`row ${JSON.stringify(fields)} invalid: ${p.reason}`);
    return { key: String(fields[keyField]), message: p.message };
  });
  const size = options.batch ?? 1;
  const groups: (typeof prepared)[] = [];
  for (let i = 0; i < prepared.length; i += size) groups.push(prepared.slice(i, i + size));
  const results: DriverResult[] = [];
  let next = 0;
  async function worker(): Promise<void> {
    while (next < groups.length) {
      const group = groups[next++]!;
      const signal = AbortSignal.timeout(options.timeoutMs);
      const items = group.map((g) => ({
        message: g.message,
        ctx: { attempt: 1, key: g.key, idempotencyKey: keyOf(g.key), signal },
      }));
      const answers =
        size > 1 && channel.sendBatch ? await channel.sendBatch(items, signal) : [await channel.send(items[0]!.message, items[0]!.ctx)];
      answers.forEach((result, i) => results.push({ key: group[i]!.key, result }));
    }
  }
  await Promise.all(Array.from({ length: options.concurrency }, () => worker()));
  return results;
}
