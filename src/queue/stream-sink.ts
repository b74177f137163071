/**
 * A worker's result sink: records go to the campaign's results stream, and each row's state to its
 * rows hash, in one transaction per group of records (appended during one turn of the event loop).
 * A commit resolves once Redis has them: a row's `pending` record is there before its request
 * leaves, so a worker taking the row over after a crash knows its outcome may be unknown.
 */
import type { Redis } from 'ioredis';
import { LogWriteError } from '../errors.js';
import { encodeRecord } from '../results/codec.js';
import type { LogRecord } from '../results/record.js';
import type { ResultSink } from '../results/result-sink.js';
import type { CampaignKeys } from './keys.js';
import { rowStateOf } from './row-job.js';
import { deferred, type Deferred } from '../results/deferred.js';

/** Records queued past which producers wait for a commit. */
const BACKLOG_RECORDS = 2000;

/** The results stream of one campaign, written by one worker. */
export class StreamSink implements ResultSink {
  private queue: LogRecord[] = [];
  private group: Deferred<void> | null = null;
  /** The latest transaction sent: transactions on one connection complete in order. */
  private last: Promise<void> = Promise.resolve();
  private failure: LogWriteError | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly keys: CampaignKeys,
  ) {}

  get backlogged(): boolean {
    return this.queue.length > BACKLOG_RECORDS;
  }

  append(record: LogRecord): void {
    this.queue.push(record);
  }

  commit(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.queue.length === 0) return this.group?.promise ?? this.last.then(() => (this.failure ? Promise.reject(this.failure) : undefined));
    if (!this.group) {
      this.group = deferred();
      setImmediate(() => this.flush());
    }
    return this.group.promise;
  }

  private flush(): void {
    const group = this.group!;
    this.group = null;
    const records = this.queue;
    this.queue = [];
    const transaction = this.redis.multi();
    for (const record of records) {
      transaction.xadd(this.keys.results, '*', 'r', encodeRecord(record).trimEnd());
      if (record.type === 'row' && record.key !== null) transaction.hset(this.keys.rows, record.key, JSON.stringify(rowStateOf(record)));
    }
    const fail = (error: unknown) => {
      this.failure ??= new LogWriteError(`cannot write results to Redis: ${(error as Error).message}`);
      group.reject(this.failure);
    };
    this.last = transaction.exec().then((replies) => {
      const failed = replies === null ? new Error('the transaction was aborted') : replies.find(([error]) => error !== null)?.[0];
      if (failed) fail(failed);
      else group.resolve();
    }, fail);
  }

  async close(): Promise<void> {
    await this.commit().catch(() => undefined);
  }
}
