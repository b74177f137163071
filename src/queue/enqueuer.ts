/**
 * The send process's side of the queue: rows go to the campaign's queue as jobs named by their
 * idempotency keys (adding a row twice adds one job), and only a bounded window of the campaign is
 * in Redis at a time: the input is read as fast as workers finish rows. It also keeps the set of
 * rows whose final record the log is still waiting for.
 */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { KeySet } from '../pipeline/key-set.js';
import { hash64 } from '../pipeline/string-hash.js';
import type { SendItem } from '../pipeline/work-item.js';
import type { CampaignKeys } from './keys.js';
import { rowJobData } from './row-job.js';

/** Rows of a campaign in Redis at most (queued, held by workers, or with results not yet logged). */
export const QUEUE_WINDOW = 2000;

/** Rows on their way through the workers. */
export class Enqueuer {
  /** Keys of rows queued or in flight whose final record the log does not hold yet. */
  private readonly outstanding = new Set<string>();
  /** Keys whose final record reached the log during this run (hashed: a resumed campaign may be large). */
  private readonly finished = new KeySet();
  private waiters: (() => void)[] = [];

  constructor(
    private readonly queue: Queue,
    private readonly redis: Redis,
    private readonly keys: CampaignKeys,
    /** Whether rows may be in flight from an earlier run (resume): their state in Redis is checked first. */
    private readonly resuming: boolean,
    private readonly window: number = QUEUE_WINDOW,
  ) {}

  /** Rows whose final record has not reached the log. */
  get pending(): number {
    return this.outstanding.size;
  }

  /**
   * Queue rows, waiting first for room in the window. On resume, a row a worker holds (its state is
   * in Redis) is not queued again but awaited; a row whose result already reached the log is skipped.
   * Checking Redis before the log's own record closes the race with a result arriving meanwhile:
   * a row's state is forgotten in Redis only after its final record is in the log.
   */
  async add(items: readonly SendItem<unknown>[], stopped: () => boolean): Promise<void> {
    let rows = items;
    if (this.resuming && rows.length > 0) {
      const states = await this.redis.hmget(this.keys.rows, ...rows.map((item) => item.key));
      rows = rows.filter((item, i) => {
        if (states[i] !== null) {
          this.outstanding.add(item.key);
          return false;
        }
        const { hi, lo } = hash64(item.key);
        return !this.finished.has(hi, lo);
      });
    }
    while (this.outstanding.size + rows.length > this.window && this.outstanding.size > 0 && !stopped()) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    if (rows.length === 0 || stopped()) return;
    for (const item of rows) this.outstanding.add(item.key);
    await this.queue.addBulk(rows.map((item) => ({ name: 'row', data: rowJobData(item), opts: { jobId: item.idempotencyKey, removeOnComplete: true } })));
  }

  /** A row's final record reached the log. */
  finish(key: string): void {
    this.outstanding.delete(key);
    if (this.resuming) {
      const { hi, lo } = hash64(key);
      this.finished.add(hi, lo);
    }
    this.wake();
  }

  /** Resolves once a row finishes (or the run stops), or after `ms` at most. */
  settledOrAfter(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Wake whoever waits for room (a stop, or rows finished). */
  wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}
