/**
 * The engine: draws batches from the batch source and sends them through the channel with
 * bounded concurrency and the pacer's permission, keeping the result log's guarantees: a row's
 * `pending` record is durable before it is dispatched, and its slot is freed only once its next
 * record is durable. It knows nothing of files, terminals or where rows come from.
 */
import type { Channel, SendContext, SendResult } from '../channels/channel.js';
import { callFeedback } from '../pacing/answer-feedback.js';
import { SYSTEM_CLOCK, type Clock } from '../pacing/clock.js';
import type { Pacer, Permit } from '../pacing/pacer.js';
import type { RowRecord } from '../results/record.js';
import type { ResultSink } from '../results/result-sink.js';
import { AttemptSignals } from './attempt-signals.js';
import { BatchSource } from './batch-source.js';
import type { StepRules } from './next-step.js';
import { Notifier } from './notifier.js';
import { reconcileBatch } from './reconcile-batch.js';
import type { RetryPolicy } from './retry-policy.js';
import type { RowSource } from './row-source.js';
import { itemRecord, missingResult, settle } from './settle.js';
import type { StopReason } from './stop-reason.js';
import type { SendItem } from './work-item.js';

/** How long the circuit breaker may stay open before the run gives up. */
export const BREAKER_GIVE_UP_MS = 5 * 60_000;
/** How often the loop looks at the clock while it waits (breaker give-up, deadlines, quotas). */
const WATCH_EVERY_MS = 1000;

/** Things the user should hear about while the run goes on. */
export interface SendLoopEvents<M> {
  /** A final row record (not pending) was queued for the sink, with the row's message when it was one to send. */
  record?(record: RowRecord, message: M | undefined): void;
  /** A one-line notice (a channel's internal error, …). */
  notice?(message: string): void;
}

/** The stages and rules of one run. */
export interface SendLoopOptions<M> {
  readonly source: RowSource<M>;
  readonly channel: Channel<M>;
  readonly pacer: Pacer;
  readonly sink: ResultSink;
  readonly concurrency: number;
  /** Rows per provider call (1 unless the channel batches). */
  readonly batchSize: number;
  readonly policy: RetryPolicy;
  /**
   * How long after its first attempt a row whose outcome was unknown may be sent again (0: never;
   * Infinity: the provider de-duplicates for good). See `unknownResendWindowMs` in in-doubt.ts.
   */
  readonly resendWindowMs: number;
  readonly timeoutMs: number;
  readonly events?: SendLoopEvents<M>;
  /** The time the run goes by (windows, retries, records); attempt timeouts are always real time. */
  readonly clock?: Clock;
  readonly random?: () => number;
}

/** How a run ended. */
export interface SendOutcome {
  /** Null when every row was done. */
  readonly stopped: StopReason | null;
  /** Rows left waiting for a retry (their last record is a waiting `pending`). */
  readonly waiting: number;
  /** Rows left waiting for a gate (a sending window), never attempted: they have no record. */
  readonly deferred: number;
  /** Sends cut off by an immediate stop (their last record is `pending`: in doubt). */
  readonly cutOff: number;
}

/** Runs one source to completion or until stopped. */
export class SendLoop<M> {
  private readonly changed = new Notifier();
  private readonly stopController = new AbortController();
  private readonly signals: AttemptSignals;
  private readonly now: () => number;
  private readonly stepRules: StepRules;
  private readonly batches: BatchSource<M>;
  private inFlight = 0;
  private stopReason: StopReason | null = null;
  private aborted = false;
  private cutOff = 0;

  constructor(private readonly options: SendLoopOptions<M>) {
    const clock = options.clock ?? SYSTEM_CLOCK;
    this.now = clock.now;
    this.stepRules = {
      policy: options.policy,
      resendWindowMs: options.resendWindowMs,
      canReconcile: options.channel.reconcile !== undefined,
      reconcileSettleMs: options.channel.reconcileSettleMs ?? 0,
      random: options.random ?? Math.random,
    };
    this.signals = new AttemptSignals(options.timeoutMs);
    this.batches = new BatchSource<M>({
      source: options.source,
      sink: options.sink,
      pacer: options.pacer,
      size: Math.max(1, options.batchSize),
      clock,
      changed: this.changed,
      isStopping: () => this.stopReason !== null,
      isBusy: () => this.inFlight > 0,
      onRecord: (record) => options.events?.record?.(record, undefined),
    });
  }

  /** Stop dispatching; sends in flight finish and are recorded. The first reason wins. */
  stop(reason: StopReason): void {
    if (this.stopReason) return;
    this.stopReason = reason;
    this.stopController.abort(new Error('run stopping'));
    this.changed.notify();
  }

  /** Stop at once: abort the sends in flight; their rows stay `pending` (in doubt) in the log. */
  abort(): void {
    this.stop({ kind: 'interrupt' });
    this.aborted = true;
    this.signals.abortAll(new Error('stopped at once'));
  }

  /** Provider calls in flight now. */
  get callsInFlight(): number {
    return this.inFlight;
  }

  /** Whether the run was told to stop (and why). */
  get stopped(): StopReason | null {
    return this.stopReason;
  }

  /** Rows waiting for their retry now (an answer asked to try again later). */
  get waitingToRetry(): number {
    return this.batches.retries.size;
  }

  /** Rows waiting for a gate now (a sending window), and the earliest time one may go. */
  get waitingForGate(): { readonly rows: number; readonly until: number | null } {
    return this.batches.waitingForGate;
  }

  /** Run the source. Resolves when every row is done, or the run stopped and its sends in flight settled. */
  async run(): Promise<SendOutcome> {
    const { concurrency, pacer } = this.options;
    const watchdog = setInterval(() => this.watch(), WATCH_EVERY_MS);
    try {
      while (!this.stopReason) {
        while (this.inFlight >= concurrency && !this.stopReason) await this.changed.wait();
        if (this.stopReason || this.pauseIfDue()) break;
        // Fast path: a batch ready now and a token free now, without awaiting anything.
        const batch = this.batches.takeReady() ?? (await this.batches.collect());
        if (batch.length === 0) break;
        let permit = pacer.tryAcquire(batch.length);
        if (!permit) {
          try {
            permit = await pacer.acquire(batch.length, this.stopController.signal);
          } catch {
            permit = null;
          }
        }
        if (!permit || this.stopReason || this.pauseIfDue()) {
          this.batches.putBack(batch);
          break;
        }
        this.launch(batch, permit);
      }
      while (this.inFlight > 0) await this.changed.wait();
    } catch (error) {
      this.stop({ kind: 'error', detail: (error as Error).message });
      while (this.inFlight > 0) await this.changed.wait();
    } finally {
      clearInterval(watchdog);
      this.signals.close();
    }
    // A deadline or quota reached just as the last rows went: nothing was left for a --resume.
    if (this.stopReason?.kind === 'paused' && (await this.batches.drained().catch(() => false))) this.stopReason = null;
    const deferred = this.batches.waitingForGate.rows;
    this.batches.releaseUnsent();
    if (this.stopReason) void this.options.source.close?.();
    return { stopped: this.stopReason, waiting: this.batches.retries.size, deferred, cutOff: this.cutOff };
  }

  /** Stop the run when the pacer says it must pause now (a deadline passed, a quota reached). */
  private pauseIfDue(): boolean {
    const pause = this.options.pacer.pauseReason();
    if (pause) this.stop({ kind: 'paused', pause });
    return pause !== null;
  }

  private watch(): void {
    const since = this.options.pacer.breakerOpenSince;
    if (since > 0 && this.now() - since > BREAKER_GIVE_UP_MS) {
      this.stop({ kind: 'breaker', detail: `most sends kept failing for ${Math.round(BREAKER_GIVE_UP_MS / 60_000)} minutes; the provider seems down` });
    }
    if (!this.stopReason) this.pauseIfDue();
    this.changed.notify();
  }

  private launch(batch: SendItem<M>[], permit: Permit): void {
    this.inFlight++;
    for (const item of batch) this.options.pacer.dispatched(item);
    void this.execute(batch, permit);
  }

  /** Queue a row's record; final records go to the events (summary, progress) too. */
  private append(record: RowRecord, item: SendItem<M>): void {
    this.options.sink.append(record);
    if (record.status !== 'pending') this.options.events?.record?.(record, item.message);
  }

  // The slot is freed only after every record of the batch is durable: a kill leaves at most
  // `concurrency` batches in doubt.
  private async execute(batch: SendItem<M>[], permit: Permit): Promise<void> {
    const { channel, pacer, sink, source } = this.options;
    const finished: SendItem<M>[] = [];
    try {
      let toSend = batch;
      if (channel.reconcile && batch.some((item) => item.doubtSince !== null)) {
        const reconciled = await reconcileBatch(channel, batch, this.options.concurrency, this.signals, this.now);
        for (const { item, record } of reconciled.settled) {
          this.append(record, item);
          pacer.settled(item, record.status === 'sent');
          finished.push(item);
        }
        toSend = reconciled.toSend;
      }
      if (toSend.length === 0) {
        pacer.record({ kind: 'neutral' }, permit);
      } else {
        // The attempt's --timeout starts now, after any reconciling.
        const lent = this.signals.acquire();
        try {
          await this.attempt(toSend, permit, lent.signal, finished);
        } finally {
          this.signals.release(lent);
        }
      }
      await sink.commit();
      if (source.settled) for (const item of finished) source.settled(item);
    } catch (error) {
      this.stop({ kind: 'error', detail: (error as Error).message });
    } finally {
      this.inFlight--;
      this.changed.notify();
    }
  }

  private async attempt(toSend: SendItem<M>[], permit: Permit, signal: AbortSignal, finished: SendItem<M>[]): Promise<void> {
    const { pacer, sink } = this.options;
    for (const item of toSend) {
      item.attempts++;
      this.append(itemRecord(item, 'pending', null, {}, this.now()), item);
    }
    // Group commit: the pending records are durable (written, not buffered) before dispatch.
    await sink.commit();
    if (this.aborted) {
      this.cutOff += toSend.length;
      return;
    }
    const startedAt = this.now();
    const realStart = Date.now();
    const results = await this.send(toSend, signal);
    if (this.aborted) {
      this.cutOff += toSend.length;
      return;
    }
    const nowMs = this.now();
    const facts = { startedAt, latencyMs: Math.max(0, Date.now() - realStart), nowMs };
    const answers = toSend.map((_, i) => results[i] ?? missingResult());
    toSend.forEach((item, i) => {
      const settlement = settle(item, answers[i]!, facts, this.stepRules);
      this.append(settlement.record, item);
      pacer.settled(item, settlement.record.status === 'sent');
      if (settlement.stop) this.stop(settlement.stop);
      if (settlement.retryAt === null) {
        finished.push(item);
      } else {
        this.batches.wait(item, settlement.retryAt, true);
        this.changed.notify();
      }
    });
    pacer.record(callFeedback(answers), permit);
  }

  private async send(items: SendItem<M>[], signal: AbortSignal): Promise<SendResult[]> {
    const channel = this.options.channel;
    const context = (item: SendItem<M>): SendContext => ({ attempt: item.attempts, key: item.key, idempotencyKey: item.idempotencyKey, signal });
    try {
      if (items.length === 1) return [await channel.send(items[0]!.message, context(items[0]!))];
      if (channel.sendBatch) {
        return await channel.sendBatch(items.map((item) => ({ message: item.message, ctx: context(item) })), signal);
      }
      return await Promise.all(items.map((item) => channel.send(item.message, context(item))));
    } catch (error) {
      // A throw from a channel is a bug; the rows are not lost: their outcome is unknown.
      const detail = `internal error in the ${channel.name} channel: ${(error as Error).message}`;
      this.options.events?.notice?.(detail);
      return items.map(() => ({ outcome: 'retryable', code: 'EXCEPTION', detail, unknown: true }) as const);
    }
  }
}
