/**
 * A worker's row source: the campaign's BullMQ queue. BullMQ hands this worker jobs (each holding
 * its lock, renewed while held); each becomes a row for the send loop, and the job stays held until
 * the row's final record is durable (then it completes) or the row is to wait (then it goes back
 * to the queue as a delayed job, durable, holding no one's slot). A worker that dies leaves its
 * jobs locked until the lock expires; another worker then takes them over under the --resume rules.
 */
import { DelayedError, Worker, type Job } from 'bullmq';
import type { Redis, RedisOptions } from 'ioredis';
import type { Channel } from '../channels/channel.js';
import { inDoubtAction, type InDoubtPolicy } from '../pipeline/in-doubt.js';
import type { RowSource } from '../pipeline/row-source.js';
import type { PlannedItem, SendItem } from '../pipeline/work-item.js';
import { rowRecord } from '../results/row-record.js';
import { BULL_PREFIX, type CampaignKeys } from './keys.js';
import { bullConnection } from './redis-connection.js';
import { rowJobData, takeOver, type RowJobData, type RowState } from './row-job.js';

/** What becomes of a job once its row is handed to the send loop. */
type Fate = { readonly kind: 'done' } | { readonly kind: 'wait'; readonly until: number };

/** Settings of a queue source. */
export interface QueueSourceOptions<M> {
  readonly redis: Redis;
  /** Connection options for BullMQ's own connections. */
  readonly connection: RedisOptions;
  readonly keys: CampaignKeys;
  readonly channel: Channel<M>;
  readonly inDoubt: InDoubtPolicy;
  /** Jobs this worker holds at once (sends in flight, a batch being filled, a few ready). */
  readonly window: number;
  /** How long a dead worker's jobs stay locked before another takes them over (BullMQ lockDuration and stalledInterval). */
  readonly stallMs: number;
}

/** The rows of a campaign, as a worker takes them from the queue. */
export class QueueSource<M> implements RowSource<M> {
  private readonly worker: Worker;
  private ready: PlannedItem<M>[] = [];
  private wake: (() => void) | null = null;
  private readonly fates = new Map<PlannedItem<M>, (fate: Fate) => void>();
  private ended = false;

  constructor(private readonly options: QueueSourceOptions<M>) {
    this.worker = new Worker(options.keys.queue, (job, token) => this.process(job as Job<RowJobData>, token ?? ''), {
      connection: bullConnection(options.connection),
      prefix: BULL_PREFIX,
      concurrency: Math.max(1, options.window),
      lockDuration: options.stallMs,
      stalledInterval: options.stallMs,
      // A job is never failed for stalling: its row's state in Redis tells the next worker what to do.
      maxStalledCount: Number.MAX_SAFE_INTEGER,
      removeOnComplete: { count: 0 },
      autorun: true,
    });
    // Connection trouble is retried by BullMQ; a worker keeps going.
    this.worker.on('error', () => undefined);
  }

  /** Jobs this source holds now (handed out or ready). */
  get held(): number {
    return this.fates.size;
  }

  async next(): Promise<readonly PlannedItem<M>[] | null> {
    while (this.ready.length === 0) {
      if (this.ended) return null;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
    const items = this.ready;
    this.ready = [];
    return items;
  }

  settled(item: PlannedItem<M>): void {
    this.decide(item, { kind: 'done' });
  }

  requeue(item: SendItem<M>, dueAt: number): boolean {
    return this.decide(item, { kind: 'wait', until: dueAt });
  }

  /** Take no more jobs; what was taken and not handed out goes back to the queue. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    void this.worker.pause(true).catch(() => undefined);
    const unsent = this.ready;
    this.ready = [];
    for (const item of unsent) this.decide(item, { kind: 'wait', until: Date.now() });
    this.wake?.();
  }

  async close(): Promise<void> {
    this.end();
    // Rows still held were stopped short by the run: back to the queue for another worker.
    for (const item of [...this.fates.keys()]) this.decide(item, { kind: 'wait', until: Date.now() });
    await this.worker.close();
  }

  private decide(item: PlannedItem<M>, fate: Fate): boolean {
    const resolve = this.fates.get(item);
    if (!resolve) return false;
    this.fates.delete(item);
    resolve(fate);
    return true;
  }

  /** BullMQ's processor: one job, held until its row's fate is decided. */
  private async process(job: Job<RowJobData>, token: string): Promise<void> {
    if (this.ended) {
      await job.moveToDelayed(Date.now(), token);
      throw new DelayedError();
    }
    const planned = await this.plan(job.data);
    if (planned === null) return;
    const fate = await new Promise<Fate>((resolve) => {
      this.fates.set(planned, resolve);
      this.ready.push(planned);
      this.wake?.();
    });
    if (fate.kind === 'done') return;
    if (planned.kind === 'send') await job.updateData(rowJobData(planned));
    await job.moveToDelayed(Math.max(fate.until, Date.now()), token);
    throw new DelayedError();
  }

  /** The row a job stands for, as the takeover rules make it (null: done already). */
  private async plan(data: RowJobData): Promise<PlannedItem<M> | null> {
    const { channel, keys, redis } = this.options;
    const stored = await redis.hget(keys.rows, data.key);
    const state = stored === null ? null : (JSON.parse(stored) as RowState);
    const takeover = takeOver(data, state, inDoubtAction(this.options.inDoubt, channel));
    if (takeover.act === 'done') return null;
    const { book } = takeover;
    const base = { key: book.key, attempts: book.attempts, idempotencyKey: book.idempotencyKey, line: book.line, row: book.row };
    if (takeover.act === 'in-doubt') {
      return { kind: 'record', record: rowRecord({ ...base, status: 'failed', class: 'in-doubt', error: 'in flight when a worker stopped; the provider may already have it (herald retry sends it again)' }) };
    }
    const prepared = channel.prepare(book.row);
    if (!prepared.ok) return { kind: 'record', record: rowRecord({ ...base, status: 'invalid', class: 'invalid', error: `record ${book.line}: ${prepared.reason}` }) };
    return {
      kind: 'send',
      key: book.key,
      line: book.line,
      row: book.row,
      idempotencyKey: book.idempotencyKey,
      message: prepared.message,
      attempts: book.attempts,
      priorAttempts: book.priorAttempts,
      throttledAttempts: book.throttledAttempts,
      firstAttemptAt: book.firstAttemptAt,
      doubtSince: book.doubtSince,
    };
  }
}
