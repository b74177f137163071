/**
 * K rows spread through a file (`--sample K`): the file's records are cut into K equal stretches
 * and the first sendable row of each stretch is taken, so a test shows the start, the middle and
 * the end of the list, not its first rows only. Pure: it is told the record count.
 */
import type { PlannedItem } from '../pipeline/work-item.js';

/** Picks the first row offered in each of K stretches of `total` records. */
export class SpreadSample {
  private readonly starts: number[];
  private readonly taken: boolean[];

  /** @param total records in the input (an estimate is fine); @param k rows wanted */
  constructor(total: number, k: number) {
    const stretches = Math.max(1, Math.min(k, Math.max(total, 1)));
    this.starts = Array.from({ length: stretches }, (_, j) => Math.floor((j * Math.max(total, 1)) / stretches) + 1);
    this.taken = this.starts.map(() => false);
  }

  /** The first record number of each stretch (1-based). */
  get points(): readonly number[] {
    return this.starts;
  }

  /** Whether the row at record `line` is taken: the first offered in its stretch. */
  take(line: number): boolean {
    let stretch = this.starts.length - 1;
    while (stretch > 0 && this.starts[stretch]! > line) stretch--;
    if (this.taken[stretch]) return false;
    this.taken[stretch] = true;
    return true;
  }
}

/** A plan with only the sampled rows to send; records of rows not sent (invalid, duplicate) pass through. */
export async function* sampledPlan<M>(plan: AsyncIterable<PlannedItem<M>[]>, sample: SpreadSample): AsyncGenerator<PlannedItem<M>[]> {
  for await (const batch of plan) {
    const kept = batch.filter((item) => item.kind === 'record' || sample.take(item.line));
    if (kept.length > 0) yield kept;
  }
}
