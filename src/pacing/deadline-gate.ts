/**
 * The `--not-after` gate: once the deadline passes, the run pauses (no send starts; sends in flight
 * finish; rows not sent get no record; exit 75). It never holds a single row.
 */
import type { PauseReason, RowGate } from './row-gate.js';
import { GO } from './row-gate.js';

/** Pauses the run once the clock reaches `deadline`. */
export class DeadlineGate implements RowGate {
  /**
   * @param deadline ms since the epoch
   * @param label how the deadline is named to people, e.g. "--not-after 20:00 (2026-06-01 20:00 Asia/Shanghai)"
   */
  constructor(
    readonly deadline: number,
    private readonly label: string,
  ) {}

  check(): typeof GO {
    return GO;
  }

  pauseReason(nowMs: number): PauseReason | null {
    if (nowMs < this.deadline) return null;
    return { kind: 'not-after', detail: `${this.label} reached: no send starts after it; the rows not sent yet are left for --resume`, resumeAt: null };
  }
}
