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
import { campaignStopOf, readStop, stopReasonOf, writeStop } from '../queue/control.js';
import { CAMPAIGNS_KEY, campaignKeys } from '../queue/keys.js';
import { QueueSource } from '../queue/queue-source.js';
import { SharedBucket } from '../queue/shared-bucket.js';
import { SharedPacer } from '../queue/shared-pacer.js';
import { StreamSink } from '../queue/stream-sink.js';
import type { Terminal } from '../ui/terminal.js';
import { clockFromEnv } from '../pacing/clock.js';
import { refusingChannel } from './refusing-channel.js';
import { createChannel } from './channel-factory.js';
import { politeRun } from './polite-run.js';
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

/** What a served campaign shows the worker's metrics. */
export interface CampaignProbes {
  /** Provider calls in flight now. */
  inFlight(): number;
}

/** A campaign being served, as the worker's main loop holds it. */
export interface ServedCampaign {
  readonly id: string;
  /** Its probes, once it sends (null before). */
  readonly probes: CampaignProbes | null;
  /** Finish the sends in flight and leave (the worker is stopping). */
  stop(): void;
  /** Resolves once the worker has left the campaign, with a line saying how it went. */
  readonly done: Promise<string>;
}

/** Start serving campaign `id`. */
export function serveCampaign(id: string, context: WorkerContext): ServedCampaign {
  let stopLoop: (() => void) | null = null;
  let stopRequested = false;
  let probes: CampaignProbes | null = null;
  const done = run(id, context, (stop, loopProbes) => {
    stopLoop = stop;
    probes = loopProbes;
    if (stopRequested) stop();
  });
  return {
    id,
    get probes() {
      return probes;
    },
    stop: () => {
      stopRequested = true;
      stopLoop?.();
    },
    done,
  };
}

async function run(id: string, context: WorkerContext, onStart: (stop: () => void, probes: CampaignProbes) => void): Promise<string> {
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
      // Without the channel's secrets (or settings it can use) this worker cannot send: the row
      // it takes is recorded failed/fatal naming what to fix, and the campaign stops as on any
      // fatal answer (one row at a time, so it takes no more than that one).
      const detail = `worker ${context.name} cannot send campaign ${id}: ${error.message}`;
      context.terminal.err.write(`herald worker: ${detail}\n`);
      const outcome = await sendCampaign(id, { ...settings, concurrency: 1 }, refusingChannel(settings.spec.name, detail), context, onStart, config.notAfter);
      return outcome.stopped ? `stopped it: ${error.message}` : describe(outcome);
    }
    // The channel's preflight (credentials, an endpoint nobody listens on) from this worker's side.
    const verdict = await channel.verify?.(AbortSignal.timeout(Math.max(settings.timeoutMs, 5000))).catch(() => null);
    if (verdict?.outcome === 'fatal') {
      const detail = `worker ${context.name} cannot send campaign ${id}: ${verdict.detail ?? verdict.code ?? 'the provider refused it'}`;
      await writeStop(context.redis, keys, { kind: 'fatal', detail, code: verdict.code });
      return `stopped it: ${verdict.detail ?? verdict.code}`;
    }
    context.terminal.err.write(`herald worker: joined campaign ${id} (${settings.spec.name}, up to ${settings.concurrency} at a time)\n`);
    const outcome = await sendCampaign(id, settings, channel, context, onStart, config.notAfter);
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

async function sendCampaign(
  id: string,
  settings: RunSettings,
  channel: Channel,
  context: WorkerContext,
  onStart: (stop: () => void, probes: CampaignProbes) => void,
  notAfter: number | null,
): Promise<SendOutcome> {
  const keys = campaignKeys(id);
  const clock = clockFromEnv(context.env);
  const { gates } = await politeRun(settings, clock, null, { deadline: true, window: true, quota: false }, notAfter ?? undefined);
  const batchSize = Math.max(1, channel.maxBatch ?? 1);
  const source = new QueueSource<unknown>({
    redis: context.redis,
    connection: context.connection,
    keys,
    channel,
    inDoubt: settings.inDoubt,
    // Rows ready beyond those in flight: the send loop never waits for BullMQ to fetch the next.
    window: 2 * settings.concurrency * batchSize + 8,
    stallMs: context.stallMs,
    clock,
  });
  const sink = new StreamSink(context.redis, keys);
  const loop = new SendLoop<unknown>({
    source,
    channel,
    pacer: new SharedPacer(new SharedBucket(context.redis, keys.bucket), gates, clock),
    sink,
    concurrency: settings.concurrency,
    batchSize,
    policy: retryPolicy(settings.retries),
    resendWindowMs: unknownResendWindowMs(settings.inDoubt, channel),
    timeoutMs: settings.timeoutMs,
    clock,
    events: { record: (record) => context.onRecord?.(settings.spec.name, record) },
  });
  onStart(
    () => {
      loop.stop({ kind: 'interrupt' });
      source.end();
    },
    { inFlight: () => loop.callsInFlight },
  );
  const watcher = setInterval(() => void watch(id, context, loop, source), WATCH_MS);
  try {
    const outcome = await loop.run();
    // A fatal answer, or the deadline, holds for the whole campaign.
    if (outcome.stopped?.kind === 'fatal' || outcome.stopped?.kind === 'paused') await writeStop(context.redis, keys, campaignStopOf(outcome.stopped));
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
      loop.stop(stopReasonOf(stop));
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
