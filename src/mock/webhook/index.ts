/** `herald mock webhook`: starts the local receiver and describes it. */
import type { MockModule, MockServer } from '../spec.js';
import { UsageError } from '../../errors.js';
import { parseLatency, parsePort, parseShare } from '../options.js';
import { WebhookReceiver } from './receiver.js';

function parseRetryAfterSeconds(value: unknown): number {
  const seconds = Number(value ?? 1);
  if (!Number.isInteger(seconds) || seconds < 0) throw new UsageError(`--retry-after '${String(value)}': expected whole seconds, like 1 or 30`);
  return seconds;
}

/** Start the receiver from `herald mock webhook` options. */
export async function startReceiver(options: Readonly<Record<string, unknown>>, log: (line: string) => void): Promise<{ receiver: WebhookReceiver; server: MockServer }> {
  const receiver = new WebhookReceiver({
    port: parsePort(options.port),
    latencyMs: parseLatency(options.latency, '--latency'),
    failRate: parseShare(options.failRate, '--fail-rate'),
    throttleRate: parseShare(options.throttleRate, '--throttle-rate'),
    resetRate: parseShare(options.resetRate, '--reset-rate'),
    retryAfterSeconds: parseRetryAfterSeconds(options.retryAfter),
    ...(options.verbose === true ? { log } : {}),
  });
  const base = await receiver.listen();
  const url = `${base}/hook`;
  const server: MockServer = {
    url,
    env: { HERALD_WEBHOOK_URL: url },
    stats: () => {
      const c = receiver.counters;
      return `${c.requests} requests: ${c.delivered} delivered, ${c.replays} replayed by Idempotency-Key, ${c.failed} answered 500, ${c.throttled} answered 429, ${c.resets} reset; ${c.connections} connections`;
    },
    close: () => receiver.close(),
  };
  return { receiver, server };
}

export const start: MockModule['start'] = async (options, log) => (await startReceiver(options, log)).server;
