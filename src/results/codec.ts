/**
 * The result log's line format, both ways: `encodeRecord` writes a record as one JSON line (row
 * records field by field in the contract's order, the row's fields serialised once per row however
 * many records it gets: this is the hot path of every send), and `decodeRecord` checks a parsed
 * line and returns the record or what is wrong with it, so no reader trusts a damaged line.
 */
import { rowJson } from '../render/row-json.js';
import { RECORD_VERSION, ROW_CLASSES, ROW_STATUSES, type LogRecord, type RowRecord, type RunRecord } from './record.js';

function text(value: string | null): string {
  return value === null ? 'null' : JSON.stringify(value);
}

/** One row record as a log line, with its newline. */
export function encodeRowRecord(record: RowRecord): string {
  return (
    `{"type":"row","key":${text(record.key)},"status":"${record.status}","class":${record.class === null ? 'null' : `"${record.class}"`}` +
    `,"code":${text(record.code)},"error":${text(record.error)},"attempts":${record.attempts},"messageId":${text(record.messageId)}` +
    `,"idempotencyKey":${text(record.idempotencyKey)},"latencyMs":${record.latencyMs === null ? 'null' : record.latencyMs}` +
    `,"at":"${record.at}","line":${record.line},"row":${rowJson(record.row)}}\n`
  );
}

/** Any record as a log line, with its newline. */
export function encodeRecord(record: LogRecord): string {
  return record.type === 'row' ? encodeRowRecord(record) : JSON.stringify(record) + '\n';
}

const STATUSES: ReadonlySet<string> = new Set(ROW_STATUSES);
const CLASSES: ReadonlySet<string> = new Set(ROW_CLASSES);

/** A parsed line that is not a valid record: the field at fault and what it should be. */
export class RecordShapeError {
  constructor(
    readonly field: string,
    readonly expected: string,
    readonly found: unknown,
  ) {}

  /** "settings.header must be a list of strings (found null)". */
  get message(): string {
    const shown = this.found === undefined ? 'missing' : `found ${JSON.stringify(this.found)?.slice(0, 40) ?? typeof this.found}`;
    return `${this.field} must be ${this.expected} (${shown})`;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isString = (v: unknown) => typeof v === 'string';
const isStringOrNull = (v: unknown) => v === null || typeof v === 'string';
const isCount = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isNumberOrNull = (v: unknown) => v === null || (typeof v === 'number' && Number.isFinite(v));
const isTime = (v: unknown) => typeof v === 'string' && !Number.isNaN(Date.parse(v));

type Check = readonly [field: string, test: (value: unknown) => boolean, expected: string];

// Records written by older versions may lack a field that later ones write; only fields every
// version has written are required (key, status, line, at); the rest default when missing.
const ROW_CHECKS: readonly Check[] = [
  ['key', isStringOrNull, 'a string or null'],
  ['status', (v) => typeof v === 'string' && STATUSES.has(v), `one of ${ROW_STATUSES.join(', ')}`],
  ['at', isTime, 'an ISO 8601 time'],
  ['line', isCount, 'a record number'],
];
const ROW_OPTIONAL: readonly Check[] = [
  ['class', (v) => v === null || (typeof v === 'string' && CLASSES.has(v)), `null or one of ${ROW_CLASSES.join(', ')}`],
  ['code', isStringOrNull, 'a string or null'],
  ['error', isStringOrNull, 'a string or null'],
  ['attempts', isCount, 'a count'],
  ['messageId', isStringOrNull, 'a string or null'],
  ['idempotencyKey', isStringOrNull, 'a string or null'],
  ['latencyMs', isNumberOrNull, 'a number or null'],
  ['row', isObject, 'an object'],
];
const RUN_CHECKS: readonly Check[] = [
  ['at', isTime, 'an ISO 8601 time'],
  ['campaign', isString, 'a string'],
  ['channel', isString, 'a string'],
  ['command', (v) => v === 'send' || v === 'retry', 'send or retry'],
  ['input', isStringOrNull, 'a string or null'],
  ['settings', isObject, 'an object'],
];

/** A setting's stored value: a string, number, boolean, null, or a list of strings. */
function isSettingValue(value: unknown): boolean {
  if (value === null) return true;
  const type = typeof value;
  if (type === 'string' || type === 'boolean' || (type === 'number' && Number.isFinite(value))) return true;
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function firstFailure(value: Record<string, unknown>, checks: readonly Check[], optional: boolean, prefix = ''): RecordShapeError | null {
  for (const [field, test, expected] of checks) {
    const found = value[field];
    if (optional && found === undefined) continue;
    if (!test(found)) return new RecordShapeError(prefix + field, expected, found);
  }
  return null;
}

function decodeRun(value: Record<string, unknown>): RunRecord | RecordShapeError {
  const failure = firstFailure(value, RUN_CHECKS, false);
  if (failure) return failure;
  for (const [name, setting] of Object.entries(value.settings as Record<string, unknown>)) {
    if (!isSettingValue(setting)) return new RecordShapeError(`settings.${name}`, 'a string, number, boolean, null or list of strings', setting);
  }
  return {
    type: 'run',
    v: typeof value.v === 'number' ? value.v : RECORD_VERSION,
    at: value.at as string,
    herald: typeof value.herald === 'string' ? value.herald : 'unknown',
    runId: typeof value.runId === 'string' ? value.runId : '',
    campaign: value.campaign as string,
    command: value.command as RunRecord['command'],
    channel: value.channel as string,
    input: value.input as string | null,
    settings: value.settings as Record<string, unknown>,
  };
}

/** Defaults for the fields older versions did not always write. */
const ROW_DEFAULTS: Readonly<Record<string, unknown>> = { class: null, code: null, error: null, attempts: 0, messageId: null, idempotencyKey: null, latencyMs: null };

function decodeRow(value: Record<string, unknown>): RowRecord | RecordShapeError {
  const failure = firstFailure(value, ROW_CHECKS, false) ?? firstFailure(value, ROW_OPTIONAL, true);
  if (failure) return failure;
  // The parsed object is the record (no copy: a big log is decoded a million times over).
  for (const field in ROW_DEFAULTS) if (value[field] === undefined) value[field] = ROW_DEFAULTS[field];
  value.row ??= {};
  return value as unknown as RowRecord;
}

/**
 * Check a parsed log line: the record, a RecordShapeError naming the field at fault, or null when
 * the value is no herald record at all (another tool's line).
 */
export function decodeRecord(value: unknown): LogRecord | RecordShapeError | null {
  if (!isObject(value)) return null;
  if (value.type === 'run') return decodeRun(value);
  // Row records written by any version carry key and status.
  if (!('status' in value) || !('key' in value)) return null;
  return decodeRow(value);
}
