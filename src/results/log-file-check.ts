/**
 * Checks of a result log path before herald holds it: a folder is one line, not a stack trace; and
 * `--force` appends only to a file that is a herald log (its first line a herald record), never to
 * the CSV someone passed as --out by mistake.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, LogRefusedError } from '../errors.js';
import { RecordShapeError, decodeRecord } from './codec.js';

/** Bytes read to find a log's first line. */
const FIRST_LINE_BYTES = 64 * 1024;

/** Throws ConfigError when `path` names something other than a file (a folder, a device); `flag` says where it was named ("--out"). */
export function checkLogPath(path: string, flag: string): void {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat || stat.isFile()) return;
  if (stat.isDirectory()) throw new ConfigError(`${flag} ${path} is a folder: name a file for the result log, e.g. ${join(path, 'results.jsonl')}`);
  throw new ConfigError(`${flag} ${path} is not a regular file: name a file for the result log`);
}

/** The first line of the file, up to FIRST_LINE_BYTES; '' for an empty file. */
export function firstLine(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(FIRST_LINE_BYTES);
    const length = readSync(fd, buffer, 0, FIRST_LINE_BYTES, 0);
    const text = buffer.subarray(0, length).toString('utf8');
    const end = text.indexOf('\n');
    return (end < 0 ? text : text.slice(0, end)).trim();
  } finally {
    closeSync(fd);
  }
}

/** Whether a line is a herald record (a run or row record). */
function isHeraldRecord(line: string): boolean {
  try {
    const record = decodeRecord(JSON.parse(line));
    return record !== null && !(record instanceof RecordShapeError);
  } catch {
    return false;
  }
}

/** Throws LogRefusedError unless the existing file at `path` is empty or starts with a herald record. */
export function refuseForeignLog(path: string): void {
  if (!statSync(path, { throwIfNoEntry: false })?.isFile()) return;
  const line = firstLine(path);
  if (line === '' || isHeraldRecord(line)) return;
  throw new LogRefusedError(`${path} is not a herald result log (its first line is not a herald record): --force appends only to a herald log; name another --out`);
}
