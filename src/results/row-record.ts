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

/** A row record stamped with the current time. */
export function rowRecord(fields: RowRecordFields, at: Date = new Date()): RowRecord {
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
    at: at.toISOString(),
    line: fields.line,
    row: fields.row,
  };
}
