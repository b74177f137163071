/**
 * A result sink that keeps nothing: for a test send (`--test-to`), whose records must not enter the
 * campaign's log. Records count as durable at once, so the run's summary still sees them.
 */
import type { LogRecord } from './record.js';
import type { ResultSink } from './result-sink.js';

/** Drops every record, telling `onDurable` about them as a log file would. */
export class DiscardSink implements ResultSink {
  /** Told about records once they are "written". */
  onDurable: ((records: readonly LogRecord[]) => void) | null = null;
  readonly backlogged = false;
  readonly failed: Error | null = null;
  private queue: LogRecord[] = [];

  append(record: LogRecord): void {
    this.queue.push(record);
  }

  commit(): Promise<void> {
    this.flushNow();
    return Promise.resolve();
  }

  /** Hand what is queued to `onDurable`. */
  flushNow(): void {
    const records = this.queue;
    this.queue = [];
    if (records.length > 0) this.onDurable?.(records);
  }

  close(): Promise<void> {
    return this.commit();
  }
}
