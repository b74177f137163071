/**
 * Encodes records as log lines. Row records are written field by field in the contract's order,
 * with the row's fields serialised once per row (a row is written at least twice: pending, then
 * final); this is the hot path of every send.
 */
import type { LogRecord, RowRecord } from './record.js';

function text(value: string | null): string {
  return value === null ? 'null' : JSON.stringify(value);
}

/** One row record as a log line (with its newline); `rowJson` is JSON.stringify(record.row) when known. */
export function encodeRowRecord(record: RowRecord, rowJson: string = JSON.stringify(record.row)): string {
  return (
    `{"type":"row","key":${text(record.key)},"status":"${record.status}","class":${record.class === null ? 'null' : `"${record.class}"`}` +
    `,"code":${text(record.code)},"error":${text(record.error)},"attempts":${record.attempts},"messageId":${text(record.messageId)}` +
    `,"idempotencyKey":${text(record.idempotencyKey)},"latencyMs":${record.latencyMs === null ? 'null' : record.latencyMs}` +
    `,"at":"${record.at}","line":${record.line},"row":${rowJson}}\n`
  );
}

/** Any record as a log line (with its newline). */
export function encodeRecord(record: LogRecord, rowJson?: string): string {
  return record.type === 'row' ? encodeRowRecord(record, rowJson) : JSON.stringify(record) + '\n';
}
