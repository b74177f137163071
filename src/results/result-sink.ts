/**
 * Where a run's records go: the result log file on one machine, a shared stream across machines.
 * The engine appends records and waits for them to be durable; it knows nothing of files.
 */
import type { LogRecord } from './record.js';

/** A durable, append-only destination for records. */
export interface ResultSink {
  /** Queue a record; it is durable once a `commit()` called after this resolves. */
  append(record: LogRecord): void;
  /** Resolves when every record appended so far is durable; rejects when they cannot be made so. */
  commit(): Promise<void>;
  /** True when enough is queued that the producer should wait for a commit before appending more. */
  readonly backlogged: boolean;
  /** Commit what is queued and release the destination; a failure reported by `commit` is not thrown again. */
  close(): Promise<void>;
}
