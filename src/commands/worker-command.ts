/** `herald worker <redis-url>`: serve every campaign queued on a Redis server until stopped. */
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { serveCampaign, type ServedCampaign } from '../campaign/worker-campaign.js';
import { loadEnvFile } from '../config/env-file.js';
import { parseDuration } from '../config/parse-duration.js';
import { parseInteger } from '../config/parse-integer.js';
import { MAX_CONCURRENCY } from '../config/defaults.js';
import { ExitCode } from '../exit-codes.js';
import { readStop } from '../queue/control.js';
import { BULL_PREFIX, CAMPAIGNS_CHANNEL, CAMPAIGNS_KEY, campaignKeys } from '../queue/keys.js';
import { metricsFromFlags } from '../metrics/metrics-flags.js';
import type { RowRecord } from '../results/record.js';
import { lostRedis, until, within } from '../queue/bounded.js';
import { connectRedis, redisOptions, redisWhere } from '../queue/redis-connection.js';
import type { Redis } from 'ioredis';
import type { CommandIO } from './command-io.js';

/** How often a worker looks for campaigns to join (an announced one wakes it at once). */
const DISCOVER_MS = 1000;
/** How long a stopping worker waits for its sends in flight to finish and be recorded. */
const STOP_GRACE_MS = 30_000;

/** Run `herald worker`: exit 130 once stopped by SIGINT/SIGTERM. */
export async function workerCommand(url: string, given: Readonly<Record<string, unknown>>, io: CommandIO): Promise<ExitCode> {
  const connection = redisOptions(url, io.env, 'herald worker');
  const concurrency = given.concurrency === undefined ? null : parseInteger(String(given.concurrency), '--concurrency', 1, MAX_CONCURRENCY);
  const stallMs = parseDuration(String(given.stallTimeout ?? '30s'), '--stall-timeout');
  const env = typeof given.envFile === 'string' ? loadEnvFile(resolve(io.cwd, given.envFile), io.env) : io.env;
  const redis = await connectRedis(connection, 'herald worker');
  const name = `${hostname()}:${process.pid}`;
  const served = new Map<string, ServedCampaign>();
  const metrics = await metricsFromFlags(given);
  if (metrics) {
    metrics.probes.inFlight = () => [...served.values()].reduce((sum, campaign) => sum + (campaign.probes?.inFlight() ?? 0), 0);
    metrics.probes.waiting = () => rowsWaiting(redis, [...served.keys()]);
  }
  const say = (line: string) => io.terminal.err.write(`herald worker: ${line}\n`);
  say(`serving campaigns queued on ${redisWhere(connection)} (Ctrl-C stops)`);
  let stopping = false;
  let wake: (() => void) | null = null;
  const onSignal = () => {
    if (stopping) io.exit(ExitCode.Interrupted);
    stopping = true;
    say(`stopping: finishing the sends in flight of ${served.size} campaign${served.size === 1 ? '' : 's'} (again to stop at once)`);
    for (const campaign of served.values()) campaign.stop();
    wake?.();
  };
  io.signals.on('SIGINT', onSignal);
  io.signals.on('SIGTERM', onSignal);
  // Redis gone: one line, then the clients reconnect on their own; one line again when it is back.
  let down = false;
  const onRedisError = (error: Error) => {
    if (down) return;
    down = true;
    say(`${lostRedis(redisWhere(connection), error)}: waiting for it to come back (Ctrl-C stops)`);
  };
  redis.on('error', onRedisError);
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    say(`Redis at ${redisWhere(connection)} is back`);
  });
  // A campaign announced wakes the worker at once; looking every DISCOVER_MS catches the rest.
  const announcements = redis.duplicate();
  announcements.on('error', () => undefined);
  await announcements.subscribe(CAMPAIGNS_CHANNEL).catch(() => undefined);
  announcements.on('message', () => wake?.());
  try {
    while (!stopping) {
      const onRecord = metrics ? (channel: string, record: RowRecord) => metrics.record(channel, record) : undefined;
      // Discovery waits for Redis while it is away; a signal must not wait with it.
      const discovering = discover(redis, served, { redis, connection, env, terminal: io.terminal, concurrency, stallMs, name, ...(onRecord ? { onRecord } : {}) }, say).catch(() => undefined);
      await Promise.race([discovering, until(() => stopping)]);
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, DISCOVER_MS);
      });
    }
    // The sends in flight finish (their results need Redis: without it, give up after the grace).
    await within(down ? 1000 : STOP_GRACE_MS, Promise.all([...served.values()].map((campaign) => campaign.done.catch(() => undefined))), undefined);
  } finally {
    io.signals.off('SIGINT', onSignal);
    io.signals.off('SIGTERM', onSignal);
    announcements.disconnect();
    redis.disconnect();
  }
  return ExitCode.Interrupted;
}

/** Rows waiting (queued or delayed) in the campaigns' queues. */
async function rowsWaiting(redis: Redis, ids: readonly string[]): Promise<number> {
  let waiting = 0;
  for (const id of ids) {
    const [queued, delayed] = await Promise.all([redis.llen(`${BULL_PREFIX}:${id}:wait`), redis.zcard(`${BULL_PREFIX}:${id}:delayed`)]);
    waiting += queued + delayed;
  }
  return waiting;
}

/** Join the campaigns listed in Redis that this worker does not serve yet and that are not stopped. */
async function discover(
  redis: Redis,
  served: Map<string, ServedCampaign>,
  context: Parameters<typeof serveCampaign>[1],
  say: (line: string) => void,
): Promise<void> {
  for (const id of await redis.smembers(CAMPAIGNS_KEY)) {
    if (served.has(id) || (await readStop(redis, campaignKeys(id)))) continue;
    const campaign = serveCampaign(id, context);
    served.set(id, campaign);
    void campaign.done
      .catch((error: unknown) => `failed: ${(error as Error).message}`)
      .then((how) => {
        served.delete(id);
        say(`left campaign ${id}: ${how}`);
      });
  }
}
