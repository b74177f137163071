/**
 * Reads a result log line by line without loading it whole. A torn last line (the writer died
 * mid-write) and lines that are not records are skipped with a warning.
 */
import { createReadStream, openSync, readSync, closeSync, fstatSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { ConfigError } from '../errors.js';
import { RecordShapeError, decodeRecord } from './codec.js';
import type { LogRecord } from './record.js';

/** What a scan learned about the file besides its records. */
export interface LogScan {
  /** False when the last line has no newline (torn): the next append must start a fresh line. */
  readonly endsWithNewline: boolean;
  /** One line each, naming the log and line. */
  readonly warnings: readonly string[];
  /** Records read. */
  readonly records: number;
}

function lastByteIsNewline(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return true;
    const byte = Buffer.alloc(1);
    readSync(fd, byte, 0, 1, size - 1);
    return byte[0] === 0x0a;
  } finally {
    closeSync(fd);
  }
}

/** Warnings listed one by one before the rest are counted. */
const MAX_WARNINGS = 5;

/** Call `visit` for every record of the log at `path`, in order. */
export async function scanLog(path: string, visit: (record: LogRecord, lineNo: number) => void): Promise<LogScan> {
  const endsWithNewline = lastByteIsNewline(path);
  const warnings: string[] = [];
  let unshown = 0;
  const warn = (message: string) => {
    if (warnings.length < MAX_WARNINGS) warnings.push(message);
    else unshown++;
  };
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let lineNo = 0;
  let records = 0;
  let pendingBad: number | null = null;
  for await (const line of lines) {
    lineNo++;
    if (pendingBad !== null) {
      warn(`${path} line ${pendingBad}: not a herald record; ignored`);
      pendingBad = null;
    }
    if (line.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      pendingBad = lineNo;
      continue;
    }
    const record = decodeRecord(parsed);
    if (record === null) {
      warn(`${path} line ${lineNo}: not a herald record; ignored`);
      continue;
    }
    if (record instanceof RecordShapeError) {
      // A damaged run record would hand its settings to resume and retry: refuse; a damaged row
      // record is one row's story lost, like a torn line.
      if ((parsed as { type?: unknown }).type === 'run') throw new ConfigError(`${path} line ${lineNo}: a damaged run record: ${record.message}; fix or remove that line`);
      warn(`${path} line ${lineNo}: a damaged row record (${record.message}); ignored`);
      continue;
    }
    records++;
    visit(record, lineNo);
  }
  if (pendingBad !== null) {
    warn(
      pendingBad === lineNo && !endsWithNewline
        ? `${path} line ${pendingBad}: torn last line (a run died while writing it); ignored`
        : `${path} line ${pendingBad}: not a herald record; ignored`,
    );
  }
  if (unshown > 0) warnings.push(`${path}: ${unshown} more lines are not herald records either; ignored`);
  return { endsWithNewline, warnings, records };
}
