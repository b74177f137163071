/**
 * Rules about single rows, asked before a row is sent: a sending window in the recipient's zone,
 * a quota across runs, a deadline. A gate may let a row go, defer it to a later time (it waits on
 * the delay queue, holding no send slot and holding up no other row) or hold it until something
 * changes (a send in flight settles); and it may pause the whole run (a deadline passed, a quota
 * reached). Gates compute; they never sleep.
 */
import type { RowFields } from '../input/row.js';

/** The parts of a row a gate may look at. */
export interface GatedRow {
  readonly key: string;
  readonly row: RowFields;
}

/** Why a run pauses (it exits 75: nothing is wrong, rows are left for a later --resume). */
export interface PauseReason {
  readonly kind: 'not-after' | 'quota';
  /** One line for people: what was reached, and when sending may go on. */
  readonly detail: string;
  /** When the run could go on, ms since the epoch, or null when not known. */
  readonly resumeAt: number | null;
}

/** A gate's answer about one row. */
export type GateVerdict =
  | { readonly act: 'go' }
  | { readonly act: 'defer'; readonly until: number }
  | { readonly act: 'hold' };

/** Let the row go now. */
export const GO: GateVerdict = { act: 'go' };

/** A rule about single rows. */
export interface RowGate {
  /** May this row start now? */
  check(row: GatedRow, nowMs: number): GateVerdict;
  /** Must the whole run pause now (no send may start)? Asked before every dispatch and every second. */
  pauseReason?(nowMs: number): PauseReason | null;
  /** The row passed every gate and is being sent (a quota counts it as in flight). */
  dispatched?(row: GatedRow, nowMs: number): void;
  /** The row's attempt is over: `sent` when the provider accepted it. */
  settled?(row: GatedRow, sent: boolean, nowMs: number): void;
}

/** Ask every gate in order; the first that does not say go decides. */
export function checkGates(gates: readonly RowGate[], row: GatedRow, nowMs: number): GateVerdict {
  for (const gate of gates) {
    const verdict = gate.check(row, nowMs);
    if (verdict.act !== 'go') return verdict;
  }
  return GO;
}

/** The first gate's reason to pause the run now, or null. */
export function gatesPauseReason(gates: readonly RowGate[], nowMs: number): PauseReason | null {
  for (const gate of gates) {
    const reason = gate.pauseReason?.(nowMs) ?? null;
    if (reason) return reason;
  }
  return null;
}
