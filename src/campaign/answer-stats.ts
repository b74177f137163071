/**
 * What a run's answers say beyond the rows' final records, read from every record the run appends
 * to its log: how many answers asked herald to slow down, which rows wait for a retry (and why),
 * and what the recent failures have in common (the circuit breaker's warning names it).
 */
import { BREAKER_WINDOW } from '../pacing/circuit-breaker.js';
import { normalizeReason } from '../results/reason-tally.js';
import type { LogRecord, RowClass } from '../results/record.js';

/** The most common recent failure: its code, one of its reasons, and how many of the recent failures share the code. */
export interface DominantFailure {
  readonly code: string | null;
  readonly reason: string;
  readonly count: number;
  readonly of: number;
}

interface Failure {
  readonly group: string;
  readonly code: string | null;
  readonly reason: string;
}

/** Folds a run's records into pacing and waiting facts; memory bounded by the rows waiting. */
export class AnswerStats {
  /** Answers that asked herald to slow down (throttled, run-wide or for one recipient). */
  throttledAnswers = 0;
  /** The lowest rate limit the run slowed to, in sends per second (null: it never slowed). */
  lowestRate: number | null = null;
  private readonly waiting = new Map<string, RowClass>();
  private readonly recent: Failure[] = [];

  /** Read one record the run appended. */
  observe(record: LogRecord): void {
    if (record.type !== 'row' || record.key === null) return;
    const answered = record.status === 'failed' || (record.status === 'pending' && record.class !== null);
    if (answered && record.class === 'throttled') this.throttledAnswers++;
    if (answered && (record.class === 'retryable' || record.class === 'in-doubt')) this.remember(record.code, record.error);
    if (record.status === 'pending' && record.class !== null) this.waiting.set(record.key, record.class);
    else this.waiting.delete(record.key);
  }

  /** The run's limit changed (a slow-down). */
  noteLimit(limit: number | null): void {
    if (limit !== null) this.lowestRate = this.lowestRate === null ? limit : Math.min(this.lowestRate, limit);
  }

  /** Rows whose last record is a `pending` waiting for a retry, by class. */
  waitingByClass(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const rowClass of this.waiting.values()) counts[rowClass] = (counts[rowClass] ?? 0) + 1;
    return counts;
  }

  /** The code most of the last failures share, with a reason it came with; null when none failed. */
  dominantFailure(): DominantFailure | null {
    const byGroup = new Map<string, { count: number; last: Failure }>();
    for (const failure of this.recent) {
      const entry = byGroup.get(failure.group);
      byGroup.set(failure.group, { count: (entry?.count ?? 0) + 1, last: failure });
    }
    let best: { count: number; last: Failure } | null = null;
    for (const entry of byGroup.values()) if (best === null || entry.count > best.count) best = entry;
    if (best === null) return null;
    return { code: best.last.code, reason: best.last.reason, count: best.count, of: this.recent.length };
  }

  private remember(code: string | null, error: string | null): void {
    const reason = normalizeReason(error, null);
    this.recent.push({ group: code ?? reason, code, reason });
    if (this.recent.length > BREAKER_WINDOW) this.recent.shift();
  }
}

/** "503 (upstream unavailable)": the code first, then the reason; the reason alone when there is no code. */
export function describeFailure(failure: Pick<DominantFailure, 'code' | 'reason'>): string {
  return failure.code === null ? failure.reason : `${failure.code} (${failure.reason})`;
}
