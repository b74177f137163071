/**
 * Where a run's rows come from: the planned input of `herald send`, the failed rows of a log for
 * `herald retry`, or (across machines) a shared queue. The send loop pulls from it only when a slot
 * is free, so the source is read as fast as messages go out.
 */
import type { PlannedItem, SendItem } from './work-item.js';

/** A source of rows to send and records to write as they are. */
export interface RowSource<M> {
  /** The next items, in order; null once the source is exhausted. */
  next(): Promise<readonly PlannedItem<M>[] | null>;
  /**
   * A row's final record is durable (a queue acknowledges the row then): a row sent, or a record
   * the source handed over. Rows the run stopped before finishing are never settled.
   */
  settled?(item: PlannedItem<M>): void;
  /**
   * Take back a row that is to wait (for its retry, or for a gate) until `dueAt`, or that the run
   * stopped before sending (`dueAt` now). A shared queue keeps it durably, holding no worker's
   * slot; returns false when the source cannot, and the run keeps the row in its own delay queue.
   */
  requeue?(item: SendItem<M>, dueAt: number): boolean;
  /** Stop reading; the source releases what it holds. */
  close?(): Promise<void>;
}

/** A source over a plan produced as an async iterable of arrays (the local planners). */
export function planSource<M>(plan: AsyncIterable<PlannedItem<M>[]>): RowSource<M> {
  const iterator = plan[Symbol.asyncIterator]();
  let done = false;
  return {
    async next() {
      if (done) return null;
      const step = await iterator.next();
      if (step.done === true) {
        done = true;
        return null;
      }
      return step.value;
    },
    async close() {
      if (done) return;
      done = true;
      await iterator.return?.(undefined);
    },
  };
}
