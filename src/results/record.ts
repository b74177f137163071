/**
 * The result log's records: the product's API. One JSON object per line, only appended.
 * A run record opens every run; every other line is a row record. A row's state is the last
 * row record for its key, not counting skipped/duplicate records.
 */
/** Version of the record format written by this herald. */
export const RECORD_VERSION = 1;

/** How a provider's answer is classified (a channel classifies; the pipeline decides). */
export type Outcome = 'ok' | 'retryable' | 'throttled' | 'permanent' | 'fatal';

/** Every status a row record may have. */
export const ROW_STATUSES = ['pending', 'sent', 'failed', 'invalid', 'skipped'] as const;
export type RowStatus = (typeof ROW_STATUSES)[number];

/** Every class a row record may have. */
export const ROW_CLASSES = ['ok', 'retryable', 'throttled', 'permanent', 'fatal', 'invalid', 'duplicate', 'in-doubt', 'suppressed'] as const;
export type RowClass = (typeof ROW_CLASSES)[number];

/** One run of `herald send` or `herald retry` against this log. */
export interface RunRecord {
  readonly type: 'run';
  readonly v: number;
  readonly at: string;
  readonly herald: string;
  /** Random id of this run. */
  readonly runId: string;
  /** Id shared by a first run and every resume/retry of it; idempotency keys derive from it. */
  readonly campaign: string;
  readonly command: 'send' | 'retry';
  readonly channel: string;
  /** Absolute path of the input, or "-" for stdin, or null for retry. */
  readonly input: string | null;
  /** Every setting of the run (flags and defaults), never a secret. */
  readonly settings: Readonly<Record<string, unknown>>;
}

/** What happened to one row, as of `at`. */
export interface RowRecord {
  readonly type: 'row';
  readonly key: string | null;
  readonly status: RowStatus;
  readonly class: RowClass | null;
  readonly code: string | null;
  readonly error: string | null;
  readonly attempts: number;
  readonly messageId: string | null;
  readonly idempotencyKey: string | null;
  readonly latencyMs: number | null;
  readonly at: string;
  readonly line: number;
  readonly row: Readonly<Record<string, unknown>>;
}

export type LogRecord = RunRecord | RowRecord;
