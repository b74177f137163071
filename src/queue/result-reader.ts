/**
 * The send process's end of the results stream: it reads what workers recorded (first whatever it
 * read before and did not acknowledge — it died before the log had it — then new entries), and
 * acknowledges entries only once the log holds them: a result is never lost between Redis and the
 * log. Acknowledging a row's final record also forgets the row's state in Redis.
 */
import type { Redis } from 'ioredis';
import { RecordShapeError, decodeRecord } from '../results/codec.js';
import type { LogRecord } from '../results/record.js';
import { RESULTS_GROUP, type CampaignKeys } from './keys.js';

/** The one consumer name: a campaign has one send process (its log's lock says so). */
const CONSUMER = 'send';

/** One entry of the stream. */
export interface ResultEntry {
  readonly id: string;
  /** Null when the entry is not a valid record (acknowledged and dropped). */
  readonly record: LogRecord | null;
}

type StreamReply = [stream: string, entries: [id: string, fields: string[]][]][] | null;

/** Reads a campaign's results stream. */
export class ResultReader {
  /** Reading entries read before and never acknowledged, until there are none left. */
  private backlog = true;

  constructor(
    private readonly redis: Redis,
    private readonly keys: CampaignKeys,
  ) {}

  /** Create the stream and its consumer group if they are not there. */
  async open(): Promise<void> {
    try {
      await this.redis.xgroup('CREATE', this.keys.results, RESULTS_GROUP, '0', 'MKSTREAM');
    } catch (error) {
      if (!String((error as Error).message).includes('BUSYGROUP')) throw error;
    }
  }

  /** Up to `count` entries, waiting up to `blockMs` for new ones. */
  async read(count: number, blockMs: number): Promise<ResultEntry[]> {
    const from = this.backlog ? '0' : '>';
    const reply = (this.backlog
      ? await this.redis.xreadgroup('GROUP', RESULTS_GROUP, CONSUMER, 'COUNT', count, 'STREAMS', this.keys.results, from)
      : await this.redis.xreadgroup('GROUP', RESULTS_GROUP, CONSUMER, 'COUNT', count, 'BLOCK', blockMs, 'STREAMS', this.keys.results, from)) as StreamReply;
    const entries = reply?.[0]?.[1] ?? [];
    if (this.backlog && entries.length === 0) {
      this.backlog = false;
      return this.read(count, blockMs);
    }
    return entries.map(([id, fields]) => ({ id, record: parse(fields) }));
  }

  /** The log holds these entries now: acknowledge them, and forget the state of rows that are final. */
  async acknowledge(ids: readonly string[], finalKeys: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const transaction = this.redis.multi().xack(this.keys.results, RESULTS_GROUP, ...ids).xdel(this.keys.results, ...ids);
    if (finalKeys.length > 0) transaction.hdel(this.keys.rows, ...finalKeys);
    await transaction.exec();
  }
}

function parse(fields: string[]): LogRecord | null {
  const json = fields[fields.indexOf('r') + 1];
  if (json === undefined) return null;
  try {
    const record = decodeRecord(JSON.parse(json));
    return record === null || record instanceof RecordShapeError ? null : record;
  } catch {
    return null;
  }
}
