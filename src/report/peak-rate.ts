/**
 * The busiest single second of a run, counted exactly while records stream past in nearly
 * increasing time order: only the last few seconds are held open.
 */

/** Seconds held open for records that arrive a little out of order. */
const OPEN_SECONDS = 16;

/** Counts events per wall-clock second and keeps the largest count. */
export class PeakRate {
  private readonly open = new Map<number, number>();
  private closedPeak = 0;

  /** Count one event at `ms` since the epoch. */
  add(ms: number): void {
    const second = Math.floor(ms / 1000);
    this.open.set(second, (this.open.get(second) ?? 0) + 1);
    if (this.open.size > OPEN_SECONDS) {
      const oldest = Math.min(...this.open.keys());
      this.closedPeak = Math.max(this.closedPeak, this.open.get(oldest)!);
      this.open.delete(oldest);
    }
  }

  /** The largest number of events seen in one second. */
  get peak(): number {
    return Math.max(this.closedPeak, ...this.open.values());
  }
}
