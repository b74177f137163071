/**
 * Appends records to the result log with group commit: records appended while a write is in
 * progress go out together in the next write, and `commit()` resolves once everything appended
 * before the call has been written (the write completed, not merely buffered). The file is opened
 * for appending only: nothing is ever overwritten.
 */
import { closeSync, fdatasync, openSync, write, writeSync } from 'node:fs';
import type { LogRecord } from './record.js';

/** Largest single write; bigger groups are split. */
const MAX_WRITE_BYTES = 1 << 20;

/** Where records go. A distributed run would implement this over a shared store. */
export interface ResultSink {
  /** Queue a record for the next write. */
  append(record: LogRecord): void;
  /** Resolves when every record appended so far is written. */
  commit(): Promise<void>;
  /** Bytes queued and not yet written (for backpressure). */
  readonly queuedBytes: number;
}

function writeAsync(fd: number, data: string): Promise<void> {
  return new Promise((resolve, reject) => {
    write(fd, data, null, 'utf8', (error) => (error ? reject(error) : resolve()));
  });
}

interface Waiter {
  readonly seq: number;
  resolve(): void;
  reject(error: Error): void;
}

/** The result log file, appended with group commit. */
export class LogWriter implements ResultSink {
  private queue: string[] = [];
  private queued = 0;
  private appendedSeq = 0;
  private writtenSeq = 0;
  private waiters: Waiter[] = [];
  private draining = false;
  private failure: Error | null = null;

  private constructor(private readonly fd: number, readonly path: string) {}

  /**
   * Open `path` for appending (creating it). When the file's last line is torn (no final newline),
   * the first write starts on a fresh line.
   */
  static open(path: string, endsWithNewline: boolean): LogWriter {
    const writer = new LogWriter(openSync(path, 'a'), path);
    if (!endsWithNewline) writer.push('\n');
    return writer;
  }

  get queuedBytes(): number {
    return this.queued;
  }

  append(record: LogRecord): void {
    this.push(JSON.stringify(record) + '\n');
  }

  private push(line: string): void {
    this.queue.push(line);
    this.queued += line.length;
    this.appendedSeq++;
  }

  commit(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.writtenSeq >= this.appendedSeq) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ seq: this.appendedSeq, resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  // One drain at a time: each loop writes everything queued so far in one write (group commit),
  // then wakes the callers whose records it contained.
  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        let chunk = '';
        let lines = 0;
        while (lines < this.queue.length && chunk.length < MAX_WRITE_BYTES) chunk += this.queue[lines++];
        this.queue.splice(0, lines);
        this.queued -= chunk.length;
        await writeAsync(this.fd, chunk);
        this.writtenSeq += lines;
        this.wake();
      }
    } catch (error) {
      this.failure = new Error(`cannot write the result log ${this.path}: ${(error as Error).message}`);
      for (const waiter of this.waiters) waiter.reject(this.failure);
      this.waiters = [];
    } finally {
      this.draining = false;
    }
  }

  private wake(): void {
    if (this.waiters.length === 0) return;
    const still: Waiter[] = [];
    for (const waiter of this.waiters) {
      if (waiter.seq <= this.writtenSeq) waiter.resolve();
      else still.push(waiter);
    }
    this.waiters = still;
  }

  /** Write whatever is queued synchronously (the second Ctrl-C: exit at once, log consistent). */
  flushNow(): void {
    if (this.queue.length === 0) return;
    const data = this.queue.join('');
    this.writtenSeq += this.queue.length;
    this.queue = [];
    this.queued = 0;
    writeSync(this.fd, data);
  }

  /** Write what is queued, sync the file to disk and close it. */
  async close(): Promise<void> {
    await this.commit();
    await new Promise<void>((resolve) => fdatasync(this.fd, () => resolve()));
    closeSync(this.fd);
  }
}
