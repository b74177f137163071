/**
 * What one answer makes of a row: its record, and whether it waits for another attempt or the
 * run must stop. Pure: the clock and randomness come in with the rules; it updates the row's
 * attempt bookkeeping (as `next-step` does), nothing else.
 */
import type { SendResult } from '../channels/channel.js';
import type { RowClass, RowRecord } from '../results/record.js';
import { rowRecord } from '../results/row-record.js';
import { nextStep, type FailedResult, type StepRules } from './next-step.js';
import type { StopReason } from './stop-reason.js';
import type { SendItem } from './work-item.js';

/** What became of a row after an answer. */
export interface Settlement {
  /** The record to write: final, or `pending` with the class it waits under. */
  readonly record: RowRecord;
  /** When the next attempt is due, or null when the record is final. */
  readonly retryAt: number | null;
  /** Set when the answer stops the run (a fatal answer). */
  readonly stop: StopReason | null;
}

/** The facts of one attempt. */
export interface AttemptFacts {
  /** When the attempt started (ms). */
  readonly startedAt: number;
  readonly latencyMs: number;
  /** Now (ms): the record's time. */
  readonly nowMs: number;
}

/** The variable parts of a row record. */
export interface RecordDetail {
  readonly code?: string | null;
  readonly error?: string | null;
  readonly latencyMs?: number | null;
  readonly messageId?: string | null;
}

/** A record of the row's state now, with its attempt count and identity. */
export function itemRecord(item: SendItem<unknown>, status: RowRecord['status'], rowClass: RowClass | null, detail: RecordDetail, atMs: number): RowRecord {
  return rowRecord(
    {
      key: item.key,
      status,
      class: rowClass,
      code: detail.code ?? null,
      error: detail.error ?? null,
      attempts: item.attempts,
      messageId: detail.messageId ?? null,
      idempotencyKey: item.idempotencyKey,
      latencyMs: detail.latencyMs ?? null,
      line: item.line,
      row: item.row,
    },
    atMs,
  );
}

/** Settle a row's answer: final, or waiting for a retry. */
export function settle(item: SendItem<unknown>, result: SendResult, attempt: AttemptFacts, rules: StepRules): Settlement {
  const { nowMs } = attempt;
  // A sent row's record has no error (built so, not spread into a copy: one object per answer).
  const detail: RecordDetail = { code: result.code, error: result.outcome === 'ok' ? null : (result.detail ?? null), latencyMs: attempt.latencyMs, messageId: result.messageId ?? null };
  switch (result.outcome) {
    case 'ok':
      return final(itemRecord(item, 'sent', 'ok', detail, nowMs));
    case 'permanent':
      return final(itemRecord(item, 'failed', 'permanent', detail, nowMs));
    case 'fatal':
      return {
        record: itemRecord(item, 'failed', 'fatal', detail, nowMs),
        retryAt: null,
        stop: { kind: 'fatal', detail: result.detail ?? `the provider refused the run (${result.code ?? 'no code'})`, code: result.code },
      };
    case 'retryable':
    case 'throttled': {
      const step = nextStep(item, result as FailedResult, attempt.startedAt, nowMs, rules);
      if (step.act === 'fail') return final(itemRecord(item, 'failed', step.class, detail, nowMs));
      return { record: itemRecord(item, 'pending', step.class, detail, nowMs), retryAt: step.dueAt, stop: null };
    }
  }
}

function final(record: RowRecord): Settlement {
  return { record, retryAt: null, stop: null };
}

/** The result of a row the channel gave no result for (a bug in a channel): its outcome is unknown. */
export function missingResult(): SendResult {
  return { outcome: 'retryable', code: 'NO_RESULT', detail: 'the channel returned no result for this row', unknown: true };
}
