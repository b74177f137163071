/**
 * Folds a result log into what resume, retry and report need: the last run record and each
 * key's state (its last row record, not counting skipped/duplicate records: a skipped/suppressed
 * record is a state), for the log's latest campaign (a --force run starts a new one).
 */
import type { LogRecord, RowClass, RowRecord, RowStatus, RunRecord } from './record.js';
import { scanLog } from './log-reader.js';
import { ReasonTally, type ReasonCount } from './reason-tally.js';

/** The state of one key: its last counting row record, trimmed to what callers use. */
export interface KeyState {
  readonly status: RowStatus;
  readonly class: RowClass | null;
  readonly code: string | null;
  readonly error: string | null;
  readonly attempts: number;
  readonly idempotencyKey: string | null;
  readonly messageId: string | null;
  readonly latencyMs: number | null;
  /** Time of the record, ms since the epoch. */
  readonly at: number;
  readonly line: number;
  /** The row's fields: kept only when asked for, and only for rows not yet done. */
  readonly row?: Readonly<Record<string, unknown>>;
}

/** A folded log. */
export interface LogState {
  readonly path: string;
  readonly runs: readonly RunRecord[];
  /** Each run's time span, ms since the epoch: from its run record to its last row record. */
  readonly spans: readonly { readonly start: number; readonly end: number }[];
  readonly keys: ReadonlyMap<string, KeyState>;
  /** Lines recorded without a key of their own (duplicates, key-less invalid rows): done on resume. */
  readonly settledLines: ReadonlySet<number>;
  /** Skipped/duplicate records, counted for reports (skipped/suppressed ones are key states). */
  readonly duplicates: number;
  /** Invalid records without a key, counted for reports. */
  readonly keylessInvalid: number;
  /** Their reasons, grouped (bounded). */
  readonly keylessReasons: readonly ReasonCount[];
  readonly endsWithNewline: boolean;
  readonly warnings: readonly string[];
}

/** What to keep while folding. */
export interface FoldOptions {
  /** Keep `row` for keys whose state is pending or failed (needed by retry). */
  readonly keepRows?: boolean;
}

function toState(record: RowRecord, keepRows: boolean): KeyState {
  const keep = keepRows && (record.status === 'failed' || record.status === 'pending');
  return {
    status: record.status,
    class: record.class,
    code: record.code,
    error: record.error,
    attempts: record.attempts,
    idempotencyKey: record.idempotencyKey,
    messageId: record.messageId,
    latencyMs: record.latencyMs,
    at: Date.parse(record.at),
    line: record.line,
    ...(keep ? { row: record.row } : {}),
  };
}

/** Read and fold the log at `path`. */
export async function foldLog(path: string, options: FoldOptions = {}): Promise<LogState> {
  const runs: RunRecord[] = [];
  const spans: { start: number; end: number }[] = [];
  const keys = new Map<string, KeyState>();
  const settledLines = new Set<number>();
  let duplicates = 0;
  let keylessInvalid = 0;
  let keylessReasons = new ReasonTally();
  const scan = await scanLog(path, (record: LogRecord) => {
    if (record.type === 'run') {
      // A new campaign (--force) starts over: the rows of the earlier one say nothing about it.
      if (runs.length > 0 && runs.at(-1)!.campaign !== record.campaign) {
        keys.clear();
        settledLines.clear();
        duplicates = 0;
        keylessInvalid = 0;
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
      keylessInvalid++;
      keylessReasons.add('invalid', record.error);
      settledLines.add(record.line);
      return;
    }
    keys.set(record.key, toState(record, options.keepRows === true));
  });
  return {
    path,
    runs,
    spans,
    keys,
    settledLines,
    duplicates,
    keylessInvalid,
    keylessReasons: keylessReasons.entries(),
    endsWithNewline: scan.endsWithNewline,
    warnings: scan.warnings,
  };
}
