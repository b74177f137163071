/**
 * One run of a campaign through Redis workers (`herald send … --queue URL`): this process reads,
 * validates and de-duplicates the rows as a local run does, queues the sendable ones for the
 * workers (a bounded window at a time), and writes the result log from the workers' results,
 * acknowledging each only once the log has it. It sends nothing itself. It runs the campaign's
 * governor on every worker's answers, and stops the campaign everywhere on a fatal answer, an
 * interrupt or a provider that seems down.
 */
import { Queue } from 'bullmq';
import { Coordinator } from './queue-coordinator.js';
import { describeRemote, finish, watch } from './queue-watch.js';
import type { Redis, RedisOptions } from 'ioredis';
import type { Channel } from '../channels/channel.js';
import { SYSTEM_CLOCK, type Clock } from '../pacing/clock.js';
import { checkGates, gatesPauseReason, type RowGate } from '../pacing/row-gate.js';
import { defaultBurst } from '../pacing/token-bucket.js';
import type { SendOutcome } from '../pipeline/send-loop.js';
import type { PlannedItem, SendItem } from '../pipeline/work-item.js';
import type { LogState } from '../results/log-state.js';
import type { RowRecord } from '../results/record.js';
import { packCampaign } from '../queue/campaign-config.js';
import { clearStop } from '../queue/control.js';
import { Enqueuer } from '../queue/enqueuer.js';
import { BULL_PREFIX, CAMPAIGNS_CHANNEL, CAMPAIGNS_KEY, campaignKeys, type CampaignKeys } from '../queue/keys.js';
import { within, until, lostRedis } from '../queue/bounded.js';
import { bullConnection, connectRedis, redisWhere } from '../queue/redis-connection.js';
import { RemoteGovernor } from '../queue/remote-governor.js';
import { ResultReader } from '../queue/result-reader.js';
import { SharedBucket } from '../queue/shared-bucket.js';
import type { RunMetrics } from '../metrics/run-metrics.js';
import { watchInterrupts } from './interrupts.js';
import type { CampaignResult, RunObserver } from './run-campaign.js';
import { openRunLog, type RunIdentity } from './run-log.js';
import { recordedSettings } from './settings.js';
import { blamedOnSetting, watchSameAnswer } from './same-answer-stop.js';
import { isStaleRecord } from './stale-record.js';

/** How often the send process looks at the campaign's stop and lets the governor recover. */
const WATCH_MS = 250;
/** Results read from the stream at once. */
const READ_COUNT = 500;

/** Everything a run through workers needs. */
export interface QueueCampaignRun extends RunIdentity {
  /** The channel, for rendering and validating only (this process needs no secrets). */
  readonly channel: Channel;
  readonly plan: AsyncIterable<PlannedItem<unknown>[]>;
  /** The log as it was, when resuming: results replayed from Redis that it holds already are not written twice. */
  readonly prior: LogState | null;
  readonly redis: RedisOptions;
  readonly clock?: Clock;
  /** Campaign-wide gates held at enqueue: the deadline and the quota (rows in flight are rows queued). */
  readonly gates?: readonly RowGate[];
  /** The --not-after instant, for the workers (ms), or null. */
  readonly notAfter?: number | null;
  /** Metrics to keep up to date (rows waiting, the paced rate), when served. */
  readonly metrics?: RunMetrics | null;
  /** Stop when the first sends all get the same permanent answer (not with --keep-going). */
  readonly stopOnSameAnswer?: boolean;
}

/** Run the campaign through workers; the caller holds the log's lock and closes the channel. */
export async function runQueueCampaign(run: QueueCampaignRun, observer: RunObserver, signals: NodeJS.EventEmitter): Promise<CampaignResult> {
  const clock = run.clock ?? SYSTEM_CLOCK;
  const { settings } = run;
  const redis = await connectRedis(run.redis, '--queue');
  const keys = campaignKeys(run.campaign);
  const queue = new Queue(keys.queue, { connection: bullConnection(run.redis), prefix: BULL_PREFIX });
  // Redis gone mid-campaign: one line and a stop (exit 1, --resume once it is back), not BullMQ's stack traces.
  let lost: Error | null = null;
  const onRedisError = (error: Error) => {
    if (lost) return;
    lost = error;
    state.stop({ kind: 'error', detail: `${lostRedis(redisWhere(run.redis), error)}: the campaign stops; run the same command with --resume once Redis is back` });
  };
  queue.on('error', onRedisError);
  redis.on('error', onRedisError);
  const bucket = new SharedBucket(redis, keys.bucket);
  const reader = new ResultReader(redis, keys);
  const log = openRunLog(run, clock.now());
  const state = new Coordinator(redis, keys, log, new Enqueuer(queue, redis, keys, run.prior !== null));
  const governor = new RemoteGovernor(settings.rate, bucket, clock.now, (change) => observer.notice(...describeRemote(change)));
  if (run.metrics) {
    run.metrics.probes.waiting = async () => (await queue.getWaitingCount()) + (await queue.getDelayedCount());
    run.metrics.probes.pacedRate = async () => (await bucket.state()).rate;
    run.metrics.probes.throttled = async () => ((await bucket.state()).paused ? 1 : 0);
  }
  const started = Date.now();
  let watcher: NodeJS.Timeout | undefined;
  const interrupts = watchInterrupts(signals, { stop: () => state.stop({ kind: 'interrupt' }), abort: () => undefined }, settings.graceMs, {
    first: (signal) => observer.notice(`${signal}: stopping the campaign; the workers finish their sends in flight (Ctrl-C again to leave at once)`, 'always'),
    second: () => {
      observer.stopped();
      log.writer.flushNow();
      observer.leaveNow();
    },
  });
  try {
    await reader.open();
    await publish(run, redis, keys, bucket);
    await log.writer.commit();
    observer.started(() => ({ waitingForGate: { rows: 0, until: null } }));
    watcher = setInterval(() => void watch(run, state, governor, reader, observer), WATCH_MS);
    // A Redis failure on either side stops the campaign (exit 1); the other side winds down.
    const failed = (what: string) => (error: unknown) => state.stop({ kind: 'error', detail: `${what} Redis failed: ${(error as Error).message}` });
    const reading = readResults(run, state, reader, governor, observer).catch(failed('reading results from'));
    // Queueing waits for Redis; a stop (Redis lost, an interrupt) must not wait with it.
    await Promise.race([enqueueRows(run, state, observer).catch(failed('queueing rows in')), until(() => state.stopped !== null)]);
    await finish(state, queue, settings.graceMs, () => lost !== null);
    await within(lost ? 1000 : settings.graceMs, reading, undefined);
    if (!state.stopped) await cleanUp(redis, keys, queue);
  } finally {
    clearInterval(watcher);
    interrupts.dispose();
    observer.stopped();
    await log.writer.close();
    if (lost) await queue.disconnect().catch(() => undefined);
    else await within(5000, queue.close(), undefined);
    redis.disconnect();
  }
  let stopped = state.stopped;
  if (log.writer.failed && !stopped) stopped = { kind: 'error', detail: log.writer.failed.message };
  const outcome: SendOutcome = { stopped, waiting: 0, deferred: 0, cutOff: 0 };
  return { outcome, summary: log.summary, durationMs: Date.now() - started, campaign: log.campaign };
}

/** Make the campaign known to workers: what travels with it, its bucket, and a clear way to go. */
async function publish(run: QueueCampaignRun, redis: Redis, keys: CampaignKeys, bucket: SharedBucket): Promise<void> {
  const { settings } = run;
  const config = packCampaign(run.campaign, settings.spec.name, recordedSettings(settings), run.notAfter ?? null);
  await clearStop(redis, keys);
  await redis.hset(keys.config, 'json', JSON.stringify(config));
  const burst = settings.burst ?? (settings.rate === null ? 1 : defaultBurst(settings.rate));
  await bucket.reset(settings.rate, burst, settings.burst !== undefined);
  await redis.sadd(CAMPAIGNS_KEY, run.campaign);
  await redis.publish(CAMPAIGNS_CHANNEL, run.campaign);
}

/** Queue the plan's rows (writing the records it settles on the way), a window at a time. */
async function enqueueRows(run: QueueCampaignRun, state: Coordinator, observer: RunObserver): Promise<void> {
  for await (const batch of run.plan) {
    if (state.stopped) break;
    const sends: SendItem<unknown>[] = [];
    for (const item of batch) {
      if (item.kind === 'send') sends.push(item);
      else {
        state.log.writer.append(item.record);
        observer.record(item.record);
      }
    }
    if (state.log.writer.backlogged) await state.log.writer.commit();
    if (sends.length > 0) state.firstQueuedAt ||= Date.now();
    await enqueueAdmitted(run, state, sends);
  }
  await state.log.writer.commit();
  state.planDone = true;
  state.enqueuer.wake();
}

/**
 * Queue the rows the campaign-wide gates let go. A row a gate holds (a quota waiting for rows in
 * flight to settle) waits, once the rows let go before it are queued; a gate that says the campaign
 * must pause stops it.
 */
async function enqueueAdmitted(run: QueueCampaignRun, state: Coordinator, rows: SendItem<unknown>[]): Promise<void> {
  const stopped = () => state.stopped !== null;
  const gates = run.gates ?? [];
  if (gates.length === 0) return state.enqueuer.add(rows, stopped);
  const now = run.clock?.now ?? Date.now;
  let going: SendItem<unknown>[] = [];
  for (const row of rows) {
    for (;;) {
      if (state.stopped) return;
      const pause = gatesPauseReason(gates, now());
      if (pause) {
        state.stop({ kind: 'paused', pause });
        return;
      }
      if (checkGates(gates, row, now()).act === 'go') break;
      await state.enqueuer.add(going, stopped);
      going = [];
      await state.enqueuer.settledOrAfter(100);
    }
    for (const gate of gates) gate.dispatched?.(row, now());
    state.admittedKeys.add(row.key);
    going.push(row);
  }
  await state.enqueuer.add(going, stopped);
}

/** Read the workers' results into the log until the campaign is done (or stopped and quiet). */
async function readResults(run: QueueCampaignRun, state: Coordinator, reader: ResultReader, governor: RemoteGovernor, observer: RunObserver): Promise<void> {
  const { writer } = state.log;
  const now = run.clock?.now ?? Date.now;
  const correct = (record: RowRecord) => {
    const fixed = blamedOnSetting(record, now());
    state.log.corrects(fixed, record);
    writer.append(fixed);
  };
  const sameAnswer = run.stopOnSameAnswer === false ? null : watchSameAnswer(run.settings.spec.name, correct, (reason) => state.stop(reason));
  // Billed segments of what went out (SMS): the workers' messages are rendered here again from the row.
  const tally = run.channel.tally?.bind(run.channel);
  const counted = (record: RowRecord) => {
    if (!tally || record.status !== 'sent') return;
    const prepared = run.channel.prepare(record.row);
    if (prepared.ok) state.log.tally(record, tally(prepared.message));
  };
  while (!state.done && !(state.stopped && Date.now() - state.lastResultAt > 1000)) {
    const entries = await reader.read(READ_COUNT, 200);
    if (entries.length === 0) continue;
    state.lastResultAt = Date.now();
    state.heardFromWorkers = true;
    const finals: RowRecord[] = [];
    for (const { record } of entries) {
      if (record === null || record.type !== 'row' || record.key === null) continue;
      if (isStaleRecord(record, run.prior?.keys.get(record.key))) continue;
      writer.append(record);
      await governor.record(record);
      if (record.status === 'pending') continue;
      finals.push(record);
      counted(record);
      observer.record(record);
      sameAnswer?.(record);
      if (state.admittedKeys.delete(record.key)) {
        for (const gate of run.gates ?? []) gate.settled?.({ key: record.key, row: record.row }, record.status === 'sent', (run.clock?.now ?? Date.now)());
      }
      if (record.class === 'fatal') state.stop({ kind: 'fatal', detail: record.error ?? `the provider refused the run (${record.code ?? 'no code'})`, code: record.code });
    }
    await writer.commit();
    const finished = finals.map((record) => ({ key: record.key!, jobId: record.idempotencyKey ?? '' }));
    state.unforgotten.push(...(await reader.acknowledge(entries.map((entry) => entry.id), finished)));
    for (const record of finals) state.enqueuer.finish(record.key!);
  }
}

/** A finished campaign leaves nothing behind in Redis. */
async function cleanUp(redis: Redis, keys: CampaignKeys, queue: Queue): Promise<void> {
  await redis.srem(CAMPAIGNS_KEY, keys.queue);
  await redis.del(keys.config, keys.bucket, keys.control, keys.rows, keys.results);
  await queue.obliterate({ force: true }).catch(() => undefined);
}
