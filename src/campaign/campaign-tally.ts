/**
 * The campaign as a whole while one of its runs goes on: the rows' states the log held before
 * this run (a resume, a retry), updated by the final records this run writes. A summary can then
 * say "1942 rows this run; campaign 3000/3000 sent" without reading the log again.
 */
import type { LogState } from '../results/log-state.js';
import type { RowRecord, RowStatus } from '../results/record.js';

/** Rows of the campaign by status, and how many input rows have a record at all. */
export interface CampaignCounts {
  readonly sent: number;
  readonly failed: number;
  readonly invalid: number;
  readonly skipped: number;
  readonly pending: number;
  /** Input rows with a record in the log (each key once, plus duplicates and rows without a key). */
  readonly recorded: number;
}

/** Folds a prior log state and this run's final records into the campaign's counts. */
export class CampaignTally {
  private readonly byStatus = new Map<RowStatus, number>();
  private recorded = 0;
  /** Lines recorded invalid without a key before, recorded with a key by this run (counted once). */
  private readonly keyedNow = new Set<number>();

  constructor(private readonly prior: LogState | null) {
    if (!prior) return;
    for (const state of prior.keys.values()) this.bump(state.status, 1);
    this.bump('skipped', prior.duplicates);
    this.bump('invalid', prior.keylessInvalid);
    this.recorded = prior.keys.size + prior.settledLines.size;
  }

  /** Whether the log held rows of this campaign before the run. */
  get continued(): boolean {
    return this.prior !== null && this.recorded > 0;
  }

  /**
   * A final record of this run is durable. A key gets one final record per run (a corrective
   * record keeps its status and is not passed here), so its prior state is replaced once.
   */
  add(record: RowRecord): void {
    // A suppressed record is its key's state (it replaces a failed one); a duplicate is a line of its own.
    const keyState = record.key !== null && (record.status !== 'skipped' || record.class === 'suppressed');
    const before = keyState ? this.prior?.keys.get(record.key!) : undefined;
    if (before) this.bump(before.status, -1);
    else if (record.key !== null && this.prior?.keylessLines.has(record.line) && !this.keyedNow.has(record.line)) {
      // A row fixed since (it has its key now) replaces its key-less invalid record.
      this.keyedNow.add(record.line);
      this.bump('invalid', -1);
    } else this.recorded++;
    this.bump(record.status, 1);
  }

  /** Rows this run left waiting (their last record is pending). */
  counts(leftPending = 0): CampaignCounts {
    const get = (status: RowStatus) => this.byStatus.get(status) ?? 0;
    return { sent: get('sent'), failed: get('failed'), invalid: get('invalid'), skipped: get('skipped'), pending: get('pending') + leftPending, recorded: this.recorded + leftPending };
  }

  private bump(status: RowStatus, by: number): void {
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + by);
  }
}
