/**
 * Reads a result log line by line without loading it whole. A torn last line (the writer died
 * mid-write) and lines that are not records are skipped with a warning.
 */
import { ConfigError } from '../errors.js';
import { RecordShapeError, decodeRecord } from './codec.js';
import { readLogLines } from './log-lines.js';
import type { LogRecord } from './record.js';

/** What a scan learned about the file besides its records. */
export interface LogScan {
  /** False when the last line has no newline (torn): the next append must start a fresh line. */
  readonly endsWithNewline: boolean;
  /** One line each, naming the log and line. */
  readonly warnings: readonly string[];
  /** Records read. */
  readonly records: number;
  /** The file read (device and inode), so that a later read can check it is the same file. */
  readonly dev: number;
  readonly ino: number;
}

/** Warnings listed one by one before the rest are counted. */
const MAX_WARNINGS = 5;

/** Call `visit` for every record of the log at `path`, in order. */
export async function scanLog(path: string, visit: (record: LogRecord, lineNo: number, offset: number, length: number) => void): Promise<LogScan> {
  const warnings: string[] = [];
  let unshown = 0;
  const warn = (message: string) => {
    if (warnings.length < MAX_WARNINGS) warnings.push(message);
    else unshown++;
  };
  let records = 0;
  let pendingBad = null as number | null;
  const read = await readLogLines(path, (line, lineNo, offset, length) => {
    if (pendingBad !== null) {
      warn(`${path} line ${pendingBad}: not a herald record; ignored`);
      pendingBad = null;
    }
    if (line.trim() === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      pendingBad = lineNo;
      return;
    }
    const record = decodeRecord(parsed);
    if (record === null) {
      warn(`${path} line ${lineNo}: not a herald record; ignored`);
      return;
    }
    if (record instanceof RecordShapeError) {
      // A damaged run record would hand its settings to resume and retry: refuse; a damaged row
      // record is one row's story lost, like a torn line.
      if ((parsed as { type?: unknown }).type === 'run') throw new ConfigError(`${path} line ${lineNo}: a damaged run record: ${record.message}; fix or remove that line`);
      warn(`${path} line ${lineNo}: a damaged row record (${record.message}); ignored`);
      return;
    }
    records++;
    visit(record, lineNo, offset, length);
  });
  const { endsWithNewline, lines: lineNo, dev, ino } = read;
  if (pendingBad !== null) {
    warn(
      pendingBad === lineNo && !endsWithNewline
        ? `${path} line ${pendingBad}: torn last line (a run died while writing it); ignored`
        : `${path} line ${pendingBad}: not a herald record; ignored`,
    );
  }
  if (unshown > 0) warnings.push(`${path}: ${unshown} more lines are not herald records either; ignored`);
  return { endsWithNewline, warnings, records, dev, ino };
}
