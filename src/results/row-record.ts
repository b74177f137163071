/** Builds row records with every field in the contract's order. */
import type { RowClass, RowRecord, RowStatus } from './record.js';

/** The parts of a row record that vary; the rest default to null. */
export interface RowRecordFields {
  readonly key: string | null;
  readonly status: RowStatus;
  readonly class?: RowClass | null;
  readonly code?: string | null;
  readonly error?: string | null;
  readonly attempts?: number;
  readonly messageId?: string | null;
  readonly idempotencyKey?: string | null;
  readonly latencyMs?: number | null;
  readonly line: number;
  readonly row: Readonly<Record<string, unknown>>;
}

let lastMs = -1;
let lastIso = '';

/** A time as ISO 8601, formatted once per millisecond however many records share it. */
function isoAt(ms: number): string {
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}

/** A row record stamped with `at` (ms since the epoch or a Date; default: now). */
export function rowRecord(fields: RowRecordFields, at: number | Date = Date.now()): RowRecord {
  return {
    type: 'row',
    key: fields.key,
    status: fields.status,
    class: fields.class ?? null,
    code: fields.code ?? null,
    error: fields.error ?? null,
    attempts: fields.attempts ?? 0,
    messageId: fields.messageId ?? null,
    idempotencyKey: fields.idempotencyKey ?? null,
    latencyMs: fields.latencyMs ?? null,
    at: isoAt(typeof at === 'number' ? Math.floor(at) : at.getTime()),
    line: fields.line,
    row: fields.row,
  };
}
