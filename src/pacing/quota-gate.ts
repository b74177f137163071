/**
 * The `--quota N/h|N/d` gate: at most N messages per calendar hour or day in --tz, across runs.
 * What was sent comes from a `QuotaStore` (here: the result log plus this run; across workers: a
 * shared counter). A row goes while sent + in flight < N; at that line it is held until a send in
 * flight settles (a failure frees its place); once sent reaches N the run pauses (exit 75) until
 * the next period. A period that rolls over during a run starts from its own count.
 */
import { formatLocalTime, type ZoneClock } from './zone-clock.js';
import { periodAt, type Period, type PeriodUnit } from './calendar.js';
import { GO, type GateVerdict, type PauseReason, type RowGate } from './row-gate.js';

/** Where a quota's counts live: this process (the log and this run), or a store shared by workers. */
export interface QuotaStore {
  /** Messages accepted (recorded `sent`) with a record time in the period. */
  sentIn(period: Period): number;
  /** One message was accepted in the period. */
  addSent(period: Period): void;
  /** Sends let go and not settled yet. */
  readonly inFlight: number;
  /** A send let go (+1) or settled (-1). */
  addInFlight(delta: 1 | -1): void;
}

/** A quota: N messages per calendar hour or day. */
export interface QuotaLimit {
  readonly limit: number;
  readonly unit: PeriodUnit;
}

const HOLD: GateVerdict = { act: 'hold' };

/**
 * Lets rows go while the period has room. It must be the last gate asked: a row it lets go is
 * counted in flight at once (a batch of rows is admitted before any of them is dispatched).
 */
export class QuotaGate implements RowGate {
  private period: Period = { start: 0, end: 0 };

  /**
   * @param quota the limit and its period
   * @param clock the zone the calendar is read in (--tz)
   * @param store the counts
   * @param label how the quota is named to people, e.g. "--quota 500/h"
   */
  constructor(
    private readonly quota: QuotaLimit,
    private readonly clock: ZoneClock,
    private readonly store: QuotaStore,
    private readonly label: string,
  ) {}

  check(_row: unknown, nowMs: number): GateVerdict {
    const period = this.periodAt(nowMs);
    if (this.store.sentIn(period) + this.store.inFlight >= this.quota.limit) return HOLD;
    this.store.addInFlight(1);
    return GO;
  }

  settled(_row: unknown, sent: boolean, nowMs: number): void {
    this.store.addInFlight(-1);
    if (sent) this.store.addSent(this.periodAt(nowMs));
  }

  pauseReason(nowMs: number): PauseReason | null {
    const period = this.periodAt(nowMs);
    const sent = this.store.sentIn(period);
    if (sent < this.quota.limit) return null;
    const unit = this.quota.unit;
    const zone = this.clock.zone;
    const detail =
      `${this.label} reached: ${sent} sent in the ${unit} from ${formatLocalTime(period.start, this.clock)} ${zone}; ` +
      `the next ${unit} starts at ${formatLocalTime(period.end, this.clock)} ${zone} (${new Date(period.end).toISOString()})`;
    return { kind: 'quota', detail, resumeAt: period.end };
  }

  private periodAt(now: number): Period {
    if (now < this.period.start || now >= this.period.end) this.period = periodAt(this.clock, this.quota.unit, now);
    return this.period;
  }
}

/** The counts of one process: what the result log recorded `sent` before this run, and this run's sends. */
export class LocalQuotaStore implements QuotaStore {
  private readonly prior: Float64Array;
  private own: { start: number; count: number } = { start: Number.NaN, count: 0 };
  inFlight = 0;

  /** @param priorSentAt record times of the log's rows whose state is `sent` (any order) */
  constructor(priorSentAt: Iterable<number>) {
    this.prior = Float64Array.from(priorSentAt).sort();
  }

  sentIn(period: Period): number {
    const own = this.own.start === period.start ? this.own.count : 0;
    return lowerBound(this.prior, period.end) - lowerBound(this.prior, period.start) + own;
  }

  addSent(period: Period): void {
    if (this.own.start !== period.start) this.own = { start: period.start, count: 0 };
    this.own.count++;
  }

  addInFlight(delta: 1 | -1): void {
    this.inFlight = Math.max(0, this.inFlight + delta);
  }
}

/** Index of the first value ≥ `value` in a sorted array. */
function lowerBound(sorted: Float64Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
