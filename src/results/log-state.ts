/**
 * Folds a result log into what resume, retry and report need: the last run record and each
 * key's state (its last row record, not counting skipped/duplicate records: a skipped/suppressed
 * record is a state), for the log's latest campaign (a --force run starts a new one).
 */
import { KeyStates, type KeyStateView } from './key-states.js';
import { scanLog } from './log-reader.js';
import type { LogRecord, RowRecord, RunRecord } from './record.js';
import { ReasonTally, type ReasonCount } from './reason-tally.js';

export type { KeyState, KeyStateView } from './key-states.js';

/** A folded log. */
export interface LogState {
  readonly path: string;
  readonly runs: readonly RunRecord[];
  /** Each run's time span, ms since the epoch: from its run record to its last row record. */
  readonly spans: readonly { readonly start: number; readonly end: number }[];
  /** Each key's state, compact (see key-states.ts). */
  readonly keys: KeyStateView;
  /** Lines recorded without a key of their own (duplicates, key-less invalid rows): done on resume. */
  readonly settledLines: ReadonlySet<number>;
  /** Skipped/duplicate records, counted for reports (skipped/suppressed ones are key states). */
  readonly duplicates: number;
  /** Invalid records without a key, counted for reports. */
  readonly keylessInvalid: number;
  /** Their lines (a row later recorded with a key is no longer one of them). */
  readonly keylessLines: ReadonlySet<number>;
  /** Their reasons, grouped (bounded). */
  readonly keylessReasons: readonly ReasonCount[];
  readonly endsWithNewline: boolean;
  readonly warnings: readonly string[];
}

/** Read and fold the log at `path`. */
export async function foldLog(path: string): Promise<LogState> {
  const runs: RunRecord[] = [];
  const spans: { start: number; end: number }[] = [];
  const keys = new KeyStates();
  const settledLines = new Set<number>();
  // Key-less invalid records by line: a row fixed since (given its key) and recorded with it is counted once, under its key.
  const keylessByLine = new Map<number, string | null>();
  let duplicates = 0;
  let keylessReasons = new ReasonTally();
  const keyed = (record: RowRecord) => {
    if (!keylessByLine.has(record.line)) return;
    keylessReasons.remove('invalid', keylessByLine.get(record.line) ?? null);
    keylessByLine.delete(record.line);
    settledLines.delete(record.line);
  };
  const scan = await scanLog(path, (record: LogRecord, _lineNo, offset, length) => {
    if (record.type === 'run') {
      // A new campaign (--force) starts over: the rows of the earlier one say nothing about it.
      if (runs.length > 0 && runs.at(-1)!.campaign !== record.campaign) {
        keys.clear();
        settledLines.clear();
        keylessByLine.clear();
        duplicates = 0;
        keylessReasons = new ReasonTally();
      }
      runs.push(record);
      const start = Date.parse(record.at);
      spans.push({ start, end: start });
      return;
    }
    const span = spans.at(-1);
    if (span) span.end = Math.max(span.end, Date.parse(record.at));
    if (record.status === 'skipped' && (record.class !== 'suppressed' || record.key === null)) {
      duplicates++;
      settledLines.add(record.line);
      return;
    }
    if (record.key === null) {
      if (keylessByLine.has(record.line)) keylessReasons.remove('invalid', keylessByLine.get(record.line) ?? null);
      keylessReasons.add('invalid', record.error);
      keylessByLine.set(record.line, record.error);
      settledLines.add(record.line);
      return;
    }
    keyed(record);
    keys.set(record, offset, length);
  });
  keys.readFrom({ path, dev: scan.dev, ino: scan.ino });
  return {
    path,
    runs,
    spans,
    keys,
    settledLines,
    duplicates,
    keylessInvalid: keylessByLine.size,
    keylessLines: new Set(keylessByLine.keys()),
    keylessReasons: keylessReasons.entries(),
    endsWithNewline: scan.endsWithNewline,
    warnings: scan.warnings,
  };
}
