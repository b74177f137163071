/**
 * Appends records to the result log with group commit: records appended during one turn of the
 * event loop go out together in one write, and `commit()` resolves once everything appended before
 * the call has been written (the write completed, not merely buffered). The file is opened for
 * appending only: nothing is ever overwritten. A log herald creates appears with its run record
 * already in it, so an empty log is never one herald wrote; and a log deleted, replaced or
 * truncated under a running herald stops the run instead of going on into a file nobody sees.
 */
import { closeSync, fdatasync, fstatSync, fsyncSync, linkSync, openSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { ConfigError, LogWriteError } from '../errors.js';
import { encodeRecord } from './codec.js';
import type { LogRecord } from './record.js';
import type { ResultSink } from './result-sink.js';
import { deferred, type Deferred } from './deferred.js';

/** Mode a new result log is created with: only its owner may read it. */
export const LOG_MODE = 0o600;

/** Queued bytes past which the writer asks producers to wait for a commit. */
const BACKLOG_BYTES = 256 * 1024;
/** How often, at most, the writer checks that its path still names the file it writes. */
const IDENTITY_CHECK_MS = 250;

/** How a log is opened. */
export interface LogOpening {
  /** Whether the existing log's last line is complete (false: start on a fresh line). */
  readonly endsWithNewline: boolean;
  /** The record that opens this run (the run record): a new log is created holding it. */
  readonly first: LogRecord;
}

function openError(path: string, error: unknown): ConfigError {
  return new ConfigError(`--out ${path}: cannot open the result log (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
}

/**
 * Create the log at `path` holding `first` only, or return false when a file is there already:
 * written to a temporary file beside it, synced, then linked into place in one step.
 */
function createWith(path: string, first: LogRecord): boolean {
  const temp = `${path}.new.${process.pid}`;
  try {
    const fd = openSync(temp, 'wx', LOG_MODE);
    try {
      writeSync(fd, encodeRecord(first), null, 'utf8');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    linkSync(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw openError(path, error);
  } finally {
    try {
      unlinkSync(temp);
    } catch {
      // Never created.
    }
  }
}

/** The result log file, appended with group commit. */
export class LogWriter implements ResultSink {
  private queue: string[] = [];
  private queued = 0;
  /** The records behind `queue`, handed to `onDurable` once written. */
  private records: LogRecord[] = [];
  /** Told about records once they are written (what a summary of the log may count). */
  onDurable: ((records: readonly LogRecord[]) => void) | null = null;
  /** Resolves when the records queued so far are written; created by the first commit() of a group. */
  private group: Deferred<void> | null = null;
  private failure: LogWriteError | null = null;

  /** The file's identity and the size it has at least (what this writer wrote included). */
  private readonly ino: number;
  private readonly dev: number;
  private size: number;
  private checkedAt = 0;

  private constructor(private readonly fd: number, readonly path: string) {
    const stat = fstatSync(fd);
    this.ino = stat.ino;
    this.dev = stat.dev;
    this.size = stat.size;
  }

  /**
   * Open the log at `path` for appending with `first` as its next record: a log that does not
   * exist is created holding it, with mode 0600 (it holds every row's personal data; an existing
   * log keeps its mode). When the file's last line is torn (no final newline), the first
   * write starts on a fresh line.
   */
  static open(path: string, opening: LogOpening): LogWriter {
    const created = createWith(path, opening.first);
    let fd: number;
    try {
      fd = openSync(path, 'a', LOG_MODE);
    } catch (error) {
      throw openError(path, error);
    }
    const writer = new LogWriter(fd, path);
    if (!created) {
      if (!opening.endsWithNewline) writer.queue.push('\n');
      writer.append(opening.first);
    }
    return writer;
  }

  /**
   * Stop when `path` no longer names the file being written, or it got shorter than what was
   * written (deleted, replaced, truncated: logrotate's copytruncate, a cleanup script).
   */
  private checkIdentity(force: boolean): void {
    const now = Date.now();
    if (!force && now - this.checkedAt < IDENTITY_CHECK_MS) return;
    this.checkedAt = now;
    const stat = statSync(this.path, { throwIfNoEntry: false });
    const what = !stat ? 'deleted' : stat.ino !== this.ino || stat.dev !== this.dev ? 'replaced by another file' : stat.size < this.size ? 'truncated' : null;
    if (what) throw new LogWriteError(`the result log ${this.path} was ${what} while herald was writing it; stopping so that no record is lost (move it back, or resume into a new --out)`);
  }

  get backlogged(): boolean {
    return this.queued > BACKLOG_BYTES;
  }

  append(record: LogRecord): void {
    const line = encodeRecord(record);
    this.queue.push(line);
    this.records.push(record);
    this.queued += line.length;
  }

  commit(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.queue.length === 0) return this.group?.promise ?? Promise.resolve();
    if (!this.group) {
      this.group = deferred();
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
      this.failure = error instanceof LogWriteError ? error : new LogWriteError(`cannot write the result log ${this.path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      group?.reject(this.failure);
    }
  }

  /**
   * Write whatever is queued, synchronously: a small write to the page cache costs less than a
   * round trip through the thread pool, and it is complete when this returns.
   */
  flushNow(): void {
    if (this.queue.length === 0) return;
    this.checkIdentity(false);
    const data = this.queue.length === 1 ? this.queue[0]! : this.queue.join('');
    const records = this.records;
    this.queue = [];
    this.records = [];
    this.queued = 0;
    // A regular file takes the whole write at once; a short write (a full disk) falls back to bytes.
    const length = Buffer.byteLength(data, 'utf8');
    const written = writeSync(this.fd, data, null, 'utf8');
    if (written < length) {
      const bytes = Buffer.from(data, 'utf8');
      for (let offset = written; offset < bytes.length; ) offset += writeSync(this.fd, bytes, offset, bytes.length - offset);
    }
    this.size += length;
    this.onDurable?.(records);
  }

  /**
   * Write what is queued, sync the file to disk and close it. A write failure is not thrown (the
   * run reported it, or reads it from `failed`): closing still releases the file.
   */
  async close(): Promise<void> {
    try {
      await this.commit();
      this.checkIdentity(true);
    } catch (error) {
      this.failure ??= error instanceof LogWriteError ? error : new LogWriteError(`cannot write the result log ${this.path}: ${(error as Error).message}`);
    }
    await new Promise<void>((resolve) => fdatasync(this.fd, () => resolve()));
    closeSync(this.fd);
  }

  /** The write failure that stopped the run, if any. */
  get failed(): Error | null {
    return this.failure;
  }
}
