/**
 * The send process's end of the results stream: it reads what workers recorded (first whatever it
 * read before and did not acknowledge — it died before the log had it — then new entries), and
 * acknowledges entries only once the log holds them: a result is never lost between Redis and the
 * log. Acknowledging a row's final record also forgets the row's state in Redis.
 */
import type { Redis } from 'ioredis';
import { RecordShapeError, decodeRecord } from '../results/codec.js';
import type { LogRecord } from '../results/record.js';
import { BULL_PREFIX, RESULTS_GROUP, type CampaignKeys } from './keys.js';

/** The one consumer name: a campaign has one send process (its log's lock says so). */
const CONSUMER = 'send';

/** A row whose final record reached the log: its key, and its job's id. */
export interface FinishedRow {
  readonly key: string;
  readonly jobId: string;
}

/** Forget rows (ARGV: key, job key, …) whose job no longer exists; 1 for each row kept. */
const FORGET = `
local kept = {}
for i = 1, #ARGV, 2 do
  if redis.call('EXISTS', ARGV[i + 1]) == 1 then
    kept[#kept + 1] = 1
  else
    redis.call('HDEL', KEYS[1], ARGV[i])
    kept[#kept + 1] = 0
  end
end
return kept
`;

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

  /**
   * The log holds these entries now: acknowledge them, and forget the state of the rows they
   * finished. A row's state is kept while its job still exists (a worker died between the row's
   * final record and completing its job): the worker that takes the job over must see the row is
   * done. Returns the rows whose state was kept, to forget later.
   */
  async acknowledge(ids: readonly string[], finished: readonly FinishedRow[]): Promise<FinishedRow[]> {
    if (ids.length > 0) await this.redis.multi().xack(this.keys.results, RESULTS_GROUP, ...ids).xdel(this.keys.results, ...ids).exec();
    return this.forget(finished);
  }

  /** Forget the state of finished rows whose jobs are gone; returns those kept (their job still exists). */
  async forget(finished: readonly FinishedRow[]): Promise<FinishedRow[]> {
    if (finished.length === 0) return [];
    const args = finished.flatMap((row) => [row.key, `${BULL_PREFIX}:${this.keys.queue}:${row.jobId}`]);
    const kept = (await this.redis.eval(FORGET, 1, this.keys.rows, ...args)) as number[];
    return finished.filter((_, i) => kept[i] === 1);
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
