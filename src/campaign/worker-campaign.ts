/**
 * One campaign served by one worker: its settings and templates unpacked from Redis, the channel
 * created with this worker's own secrets, and the same send loop as a local run, with the queue as
 * its row source, the shared bucket as its pacer and the results stream as its sink. It ends when
 * the campaign is done (the send process removed it), stops everywhere, or the worker is told to stop.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis, RedisOptions } from 'ioredis';
import type { Channel } from '../channels/channel.js';
import { ConfigError, HeraldError } from '../errors.js';
import { unknownResendWindowMs } from '../pipeline/in-doubt.js';
import { retryPolicy } from '../pipeline/retry-policy.js';
import { SendLoop, type SendOutcome } from '../pipeline/send-loop.js';
import type { RowRecord } from '../results/record.js';
import { decodeCampaignConfig, unpackCampaign } from '../queue/campaign-config.js';
import { readStop, writeStop } from '../queue/control.js';
import { CAMPAIGNS_KEY, campaignKeys } from '../queue/keys.js';
import { QueueSource } from '../queue/queue-source.js';
import { SharedBucket } from '../queue/shared-bucket.js';
import { SharedPacer } from '../queue/shared-pacer.js';
import { StreamSink } from '../queue/stream-sink.js';
import type { Terminal } from '../ui/terminal.js';
import { createChannel } from './channel-factory.js';
import type { Environment } from './prelude.js';
import { resolveSettings, type RunSettings } from './settings.js';

/** How often a worker looks whether its campaign stopped or finished. */
const WATCH_MS = 250;

/** What a worker brings to every campaign it serves. */
export interface WorkerContext {
  readonly redis: Redis;
  readonly connection: RedisOptions;
  readonly env: Environment;
  readonly terminal: Terminal;
  /** --concurrency of `herald worker`: lowers the campaign's own, never raises it. */
  readonly concurrency: number | null;
  /** How long a dead worker's rows stay locked before another takes them over. */
  readonly stallMs: number;
  /** This worker's name in messages (host and pid). */
  readonly name: string;
  /** Told about every record this worker writes (metrics). */
  readonly onRecord?: (channel: string, record: RowRecord) => void;
}

/** A campaign being served, as the worker's main loop holds it. */
export interface ServedCampaign {
  readonly id: string;
  /** Finish the sends in flight and leave (the worker is stopping). */
  stop(): void;
  /** Resolves once the worker has left the campaign, with a line saying how it went. */
  readonly done: Promise<string>;
}

/** Start serving campaign `id`. */
export function serveCampaign(id: string, context: WorkerContext): ServedCampaign {
  let stopLoop: (() => void) | null = null;
  let stopRequested = false;
  const done = run(id, context, (stop) => {
    stopLoop = stop;
    if (stopRequested) stop();
  });
  return {
    id,
    stop: () => {
      stopRequested = true;
      stopLoop?.();
    },
    done,
  };
}

async function run(id: string, context: WorkerContext, onStart: (stop: () => void) => void): Promise<string> {
  const keys = campaignKeys(id);
  const stored = await context.redis.hget(keys.config, 'json');
  if (stored === null) return 'gone before it could start';
  const folder = mkdtempSync(join(tmpdir(), `herald-worker-${id}-`));
  let channel: Channel | null = null;
  try {
    const config = decodeCampaignConfig(stored, id);
    const settings = workerSettings(resolveSettings(unpackCampaign(config, folder), folder), context.concurrency);
    try {
      channel = await createChannel(settings, context.env, context.terminal);
    } catch (error) {
      if (!(error instanceof HeraldError)) throw error;
      // Without the channel's secrets (or settings it can use) this worker cannot send: the
      // campaign stops as on any fatal answer, with the line that says what to fix.
      const detail = `worker ${context.name} cannot send campaign ${id}: ${error.message}`;
      await writeStop(context.redis, keys, { kind: 'fatal', detail, code: null });
      return `stopped it: ${error.message}`;
    }
    context.terminal.err.write(`herald worker: joined campaign ${id} (${settings.spec.name}, up to ${settings.concurrency} at a time)\n`);
    const outcome = await sendCampaign(id, settings, channel, context, onStart);
    return describe(outcome);
  } catch (error) {
    if (error instanceof ConfigError) return `could not serve it: ${error.message}`;
    throw error;
  } finally {
    await channel?.close().catch(() => undefined);
    rmSync(folder, { recursive: true, force: true });
  }
}

/** The campaign's settings as this worker runs them: its concurrency at most the worker's. */
function workerSettings(settings: RunSettings, concurrency: number | null): RunSettings {
  return concurrency === null || concurrency >= settings.concurrency ? settings : { ...settings, concurrency };
}

async function sendCampaign(id: string, settings: RunSettings, channel: Channel, context: WorkerContext, onStart: (stop: () => void) => void): Promise<SendOutcome> {
  const keys = campaignKeys(id);
  const batchSize = Math.max(1, channel.maxBatch ?? 1);
  const source = new QueueSource<unknown>({
    redis: context.redis,
    connection: context.connection,
    keys,
    channel,
    inDoubt: settings.inDoubt,
    window: settings.concurrency * batchSize + batchSize,
    stallMs: context.stallMs,
  });
  const sink = new StreamSink(context.redis, keys);
  const loop = new SendLoop<unknown>({
    source,
    channel,
    pacer: new SharedPacer(new SharedBucket(context.redis, keys.bucket)),
    sink,
    concurrency: settings.concurrency,
    batchSize,
    policy: retryPolicy(settings.retries),
    resendWindowMs: unknownResendWindowMs(settings.inDoubt, channel),
    timeoutMs: settings.timeoutMs,
    events: { record: (record) => context.onRecord?.(settings.spec.name, record) },
  });
  onStart(() => {
    loop.stop({ kind: 'interrupt' });
    source.end();
  });
  const watcher = setInterval(() => void watch(id, context, loop, source), WATCH_MS);
  try {
    const outcome = await loop.run();
    if (outcome.stopped?.kind === 'fatal') await writeStop(context.redis, keys, { kind: 'fatal', detail: outcome.stopped.detail, code: outcome.stopped.code });
    return outcome;
  } finally {
    clearInterval(watcher);
    await source.close();
    await sink.close();
  }
}

/** Leave when the campaign is done (no longer listed) or stopped everywhere. */
async function watch(id: string, context: WorkerContext, loop: SendLoop<unknown>, source: QueueSource<unknown>): Promise<void> {
  try {
    const keys = campaignKeys(id);
    const [listed, stop] = await Promise.all([context.redis.sismember(CAMPAIGNS_KEY, id), readStop(context.redis, keys)]);
    if (stop) {
      loop.stop(stop.kind === 'fatal' ? { kind: 'fatal', detail: stop.detail, code: stop.code } : stop.kind === 'breaker' ? { kind: 'breaker', detail: stop.detail } : { kind: 'interrupt' });
      source.end();
    } else if (listed === 0) {
      source.end();
    }
  } catch {
    // Redis unreachable for a moment: the next look tries again.
  }
}

function describe(outcome: SendOutcome): string {
  if (!outcome.stopped) return 'done';
  switch (outcome.stopped.kind) {
    case 'interrupt':
      return 'left (stopped)';
    case 'paused':
      return `paused: ${outcome.stopped.pause.detail}`;
    default:
      return `stopped: ${outcome.stopped.detail}`;
  }
}
