/**
 * Assembles what the send loop sends next: due retries first, then rows whose wait for a gate is
 * over, then rows from the source (records the source hands over on the way — invalid rows,
 * duplicates — are written as they come). Every row passes the pacer's gates here: a row deferred
 * (outside its sending window) waits on a delay queue, holding no slot and holding up no other row.
 * A batch for a batching channel waits a moment for more rows before it goes out incomplete.
 */
import type { Clock } from '../pacing/clock.js';
import type { Pacer } from '../pacing/pacer.js';
import type { RowRecord } from '../results/record.js';
import type { ResultSink } from '../results/result-sink.js';
import { DelayQueue } from './delay-queue.js';
import type { Notifier } from './notifier.js';
import type { RowSource } from './row-source.js';
import type { PlannedItem, SendItem } from './work-item.js';

/** How long a batch waits for more rows before it goes out incomplete (input slower than the provider). */
export const BATCH_LINGER_MS = 1000;
/** Rows that may wait for a gate at once; past it the source is not read until one falls due. */
export const MAX_DEFERRED_ROWS = 100_000;
/** How soon a row held by a gate (a quota waiting for sends in flight) is asked about again. */
export const HOLD_RECHECK_MS = 200;

/** What the batch source needs from the run. */
export interface BatchSourceOptions<M> {
  readonly source: RowSource<M>;
  readonly sink: ResultSink;
  readonly pacer: Pacer;
  /** Rows per provider call (1 unless the channel batches). */
  readonly size: number;
  readonly clock: Clock;
  /** Woken when a send finishes, a retry is queued or the run stops. */
  readonly changed: Notifier;
  /** True once the run is stopping: nothing more is taken. */
  isStopping(): boolean;
  /** True while sends are in flight (one may queue a retry). */
  isBusy(): boolean;
  /** A record handed over by the source was queued for the sink. */
  onRecord(record: RowRecord): void;
}

/** Why `fill` stopped. */
type Fill = 'full' | 'idle' | 'backlog';

/** Due retries, waiting rows and the source's rows, drawn into batches. */
export class BatchSource<M> {
  /** Rows waiting for their next attempt, by due time. */
  readonly retries = new DelayQueue<SendItem<M>>();
  /** Rows waiting for a gate (a sending window to open), by when to ask again. */
  private readonly deferred = new DelayQueue<SendItem<M>>();
  private buffer: readonly PlannedItem<M>[] = [];
  private index = 0;
  private next: Promise<readonly PlannedItem<M>[] | null> | null = null;
  private done = false;
  private carry: SendItem<M>[] = [];
  /** Records the source handed over, appended but not yet committed, for `source.settled`. */
  private handedOver: PlannedItem<M>[] = [];
  /** Until when no new row is taken from the source: a gate held one (a hold concerns the run, not the row). */
  private holdUntil = 0;
  /** Rows taken for a batch and dropped unsent when the run stopped. */
  private dropped = 0;

  constructor(private readonly options: BatchSourceOptions<M>) {}

  /** Rows waiting for a gate now, and the earliest time one may go. */
  get waitingForGate(): { readonly rows: number; readonly until: number | null } {
    return { rows: this.deferred.size, until: this.deferred.nextDueAt ?? null };
  }

  /** True when the source is exhausted. */
  get exhausted(): boolean {
    return this.done && this.index >= this.buffer.length;
  }

  /** A full batch ready now, without waiting, or null (then call `collect`). */
  takeReady(): SendItem<M>[] | null {
    const batch = this.carry;
    this.fill(batch);
    if (batch.length >= this.options.size) {
      this.carry = [];
      return batch;
    }
    return null;
  }

  /** The next batch, waiting for rows as needed; empty when nothing is left or the run is stopping. */
  async collect(): Promise<SendItem<M>[]> {
    const { options } = this;
    const batch = this.carry;
    this.carry = [];
    // When a started batch goes out incomplete if no more rows come (set when it first waits).
    let lingerUntil: number | null = null;
    while (!options.isStopping()) {
      const state = this.fill(batch);
      if (state === 'full') break;
      if (state === 'backlog') {
        await options.sink.commit();
        const handedOver = this.handedOver;
        this.handedOver = [];
        for (const planned of handedOver) options.source.settled?.(planned);
        continue;
      }
      if (!this.done && this.index >= this.buffer.length && this.deferred.size < MAX_DEFERRED_ROWS) {
        this.next ??= options.source.next();
        if (batch.length > 0) lingerUntil ??= options.clock.now() + BATCH_LINGER_MS;
        const waitMs = lingerUntil !== null ? Math.max(0, lingerUntil - options.clock.now()) : this.untilNextDue();
        const result = await options.changed.race(this.next, waitMs === undefined ? undefined : options.clock.realMs(waitMs));
        if (result === undefined) {
          // Woken by a send finishing, or the linger is over: only the latter sends a started
          // batch incomplete; rows that fell due meanwhile join it first.
          if (lingerUntil !== null && options.clock.now() >= lingerUntil) {
            this.fill(batch);
            break;
          }
          continue;
        }
        this.next = null;
        if (result === null) this.done = true;
        else {
          this.buffer = result;
          this.index = 0;
        }
        continue;
      }
      if (batch.length > 0) break;
      if (this.retries.size + this.deferred.size > 0) await options.changed.race(null, options.clock.realMs(this.untilNextDue() ?? 0));
      else if (options.isBusy()) await options.changed.wait();
      else break;
    }
    if (!options.isStopping()) return batch;
    this.putBack(batch);
    return [];
  }

  /**
   * A batch the run stopped before sending: a source that can take rows back gets them; otherwise
   * retries go back to their queue (they count as waiting) and rows never attempted are simply not
   * sent (they get no record).
   */
  putBack(batch: readonly SendItem<M>[]): void {
    const now = this.options.clock.now();
    for (const item of batch) {
      if (this.options.source.requeue?.(item, now)) continue;
      if (item.attempts > item.priorAttempts) this.retries.push(item, now);
      else this.dropped++;
    }
  }

  /** A row waits until `dueAt`: in the source when it can keep it, else in the run's own queue. */
  wait(item: SendItem<M>, dueAt: number, retry = false): void {
    if (this.options.source.requeue?.(item, dueAt)) return;
    (retry ? this.retries : this.deferred).push(item, dueAt);
  }

  /** The run is over: rows read from the source but not sent go back to it, if it takes them. */
  releaseUnsent(): void {
    const { source } = this.options;
    if (!source.requeue) return;
    const now = this.options.clock.now();
    const unsent = [...this.carry, ...this.buffer.slice(this.index).filter((p): p is SendItem<M> => p.kind === 'send'), ...this.deferred.drain(), ...this.retries.drain()];
    this.carry = [];
    this.index = this.buffer.length;
    for (const item of unsent) source.requeue(item, now);
  }

  /**
   * True when nothing was left to send or record: no row waits, none was dropped, and the source
   * is exhausted (read once more to know). A run paused by a gate with nothing left was not paused.
   */
  async drained(): Promise<boolean> {
    if (this.carry.length > 0 || this.retries.size > 0 || this.deferred.size > 0 || this.dropped > 0) return false;
    if (this.index < this.buffer.length) return false;
    if (this.done) return true;
    this.next ??= this.options.source.next();
    const result = await this.next;
    this.next = null;
    if (result === null) {
      this.done = true;
      return true;
    }
    this.buffer = result;
    this.index = 0;
    return false;
  }

  /** Take rows that may go now into `batch`, up to the batch size, without waiting. */
  private fill(batch: SendItem<M>[]): Fill {
    const { size, pacer, sink } = this.options;
    const now = this.options.clock.now();
    while (batch.length < size) {
      let item = this.retries.popDue(now) ?? this.deferred.popDue(now);
      if (item === undefined) {
        if (this.index >= this.buffer.length || this.deferred.size >= MAX_DEFERRED_ROWS || now < this.holdUntil) return 'idle';
        const planned = this.buffer[this.index]!;
        if (planned.kind === 'record') {
          if (sink.backlogged) return 'backlog';
          this.index++;
          sink.append(planned.record);
          this.options.onRecord(planned.record);
          // A source that acknowledges what it handed over hears once the record is durable.
          if (this.options.source.settled) {
            this.handedOver.push(planned);
            return 'backlog';
          }
          continue;
        }
        this.index++;
        item = planned;
      }
      const verdict = pacer.admitRow(item);
      if (verdict.act === 'go') {
        batch.push(item);
        continue;
      }
      // A row asked about again no sooner than the next millisecond: a gate cannot spin the loop.
      const again = Math.max(now + 1, verdict.act === 'defer' ? verdict.until : now + HOLD_RECHECK_MS);
      if (verdict.act === 'defer') {
        this.wait(item, again);
        continue;
      }
      // A hold concerns the run (a quota waiting for sends in flight): the rows behind it would be
      // held too, so they stay in the source until the held row is asked about again.
      this.deferred.push(item, again);
      this.holdUntil = again;
      return 'idle';
    }
    return 'full';
  }

  private untilNextDue(): number | undefined {
    const due = Math.min(this.retries.nextDueAt ?? Infinity, this.deferred.nextDueAt ?? Infinity);
    return due === Infinity ? undefined : Math.max(0, due - this.options.clock.now());
  }
}
