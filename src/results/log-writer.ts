/**
 * Appends records to the result log with group commit: records appended during one turn of the
 * event loop go out together in one write, and `commit()` resolves once everything appended before
 * the call has been written (the write completed, not merely buffered). The file is opened for
 * appending only: nothing is ever overwritten.
 */
import { closeSync, fdatasync, openSync, writeSync } from 'node:fs';
import { ConfigError, LogWriteError } from '../errors.js';
import { encodeRecord } from './encode-record.js';
import type { LogRecord } from './record.js';

/** Mode a new result log is created with: only its owner may read it. */
export const LOG_MODE = 0o600;

/** Where records go. A distributed run would implement this over a shared store. */
export interface ResultSink {
  /** Queue a record for the next write; `rowJson` is its row already serialised, when known. */
  append(record: LogRecord, rowJson?: string): void;
  /** Resolves when every record appended so far is written. */
  commit(): Promise<void>;
  /** Bytes queued and not yet written (for backpressure). */
  readonly queuedBytes: number;
}

/** The result log file, appended with group commit. */
export class LogWriter implements ResultSink {
  private queue: string[] = [];
  private queued = 0;
  /** Resolves when the records queued so far are written; created by the first commit() of a group. */
  private group: { promise: Promise<void>; resolve(): void; reject(error: Error): void } | null = null;
  private failure: LogWriteError | null = null;

  private constructor(private readonly fd: number, readonly path: string) {}

  /**
   * Open `path` for appending, creating it with mode 0600 (it holds every row's personal data; an
   * existing log keeps its mode). When the file's last line is torn (no final newline), the first
   * write starts on a fresh line.
   */
  static open(path: string, endsWithNewline: boolean): LogWriter {
    let fd: number;
    try {
      fd = openSync(path, 'a', LOG_MODE);
    } catch (error) {
      throw new ConfigError(`--out ${path}: cannot open the result log (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    const writer = new LogWriter(fd, path);
    if (!endsWithNewline) writer.queue.push('\n');
    return writer;
  }

  get queuedBytes(): number {
    return this.queued;
  }

  append(record: LogRecord, rowJson?: string): void {
    const line = encodeRecord(record, rowJson);
    this.queue.push(line);
    this.queued += line.length;
  }

  commit(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.queue.length === 0) return this.group?.promise ?? Promise.resolve();
    if (!this.group) {
      let resolve!: () => void;
      let reject!: (error: Error) => void;
      const promise = new Promise<void>((ok, fail) => {
        resolve = ok;
        reject = fail;
      });
      this.group = { promise, resolve, reject };
      // Written at the end of this turn of the event loop: everything appended meanwhile (a burst
      // of answers read from many sockets) goes out in the same write.
      setImmediate(() => this.flushGroup());
    }
    return this.group.promise;
  }

  private flushGroup(): void {
    const group = this.group;
    this.group = null;
    try {
      this.flushNow();
      group?.resolve();
    } catch (error) {
      this.failure = new LogWriteError(`cannot write the result log ${this.path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      group?.reject(this.failure);
    }
  }

  /**
   * Write whatever is queued, synchronously: a small write to the page cache costs less than a
   * round trip through the thread pool, and it is complete when this returns.
   */
  flushNow(): void {
    if (this.queue.length === 0) return;
    const data = this.queue.length === 1 ? this.queue[0]! : this.queue.join('');
    this.queue = [];
    this.queued = 0;
    // A regular file takes the whole write at once; a short write (a full disk) falls back to bytes.
    const length = Buffer.byteLength(data, 'utf8');
    const written = writeSync(this.fd, data, null, 'utf8');
    if (written < length) {
      const bytes = Buffer.from(data, 'utf8');
      for (let offset = written; offset < bytes.length; ) offset += writeSync(this.fd, bytes, offset, bytes.length - offset);
    }
  }

  /** Write what is queued, sync the file to disk and close it; a write failure was reported already, so it is not thrown again. */
  async close(): Promise<void> {
    try {
      await this.commit();
    } catch {
      // The failure stopped the run (the dispatcher reported it); closing still releases the file.
    }
    await new Promise<void>((resolve) => fdatasync(this.fd, () => resolve()));
    closeSync(this.fd);
  }

  /** The write failure that stopped the run, if any. */
  get failed(): Error | null {
    return this.failure;
  }
}
