/**
 * The engine: takes a plan (rows to send, records to write) and sends it through the channel with
 * bounded concurrency, pacing, retries on a delay queue that holds no send slot, and the result
 * log's guarantees: a row's `pending` record is written before it is dispatched, and its slot is
 * freed only after its next record is written. Input is pulled only when a slot is free, so the
 * file is read as fast as messages go out.
 */
import type { Channel, Reconciliation, SendContext, SendResult } from '../channels/channel.js';
import type { Admission, AnswerKind, Pacer } from '../pacing/pacer.js';
import type { RowClass, RowRecord } from '../results/record.js';
import type { ResultSink } from '../results/log-writer.js';
import { rowRecord } from '../results/row-record.js';
import { rowJson } from '../render/row-json.js';
import { AttemptSignals } from './attempt-signals.js';
import { DelayQueue } from './delay-queue.js';
import { nextStep, type FailedResult, type StepRules } from './next-step.js';
import type { RetryPolicy } from './retry-policy.js';
import { Notifier } from './notifier.js';
import type { PlannedItem, SendItem } from './work-item.js';

/** Queued log bytes above which the planner waits for the log to catch up. */
const LOG_BACKPRESSURE_BYTES = 256 * 1024;
/** How long a batch waits for more rows before it goes out incomplete (input slower than the provider). */
const BATCH_LINGER_MS = 1000;
/** How long the circuit breaker may stay open before the run gives up. */
export const BREAKER_GIVE_UP_MS = 5 * 60_000;

/** Why a run stopped before its plan was done. */
export type StopReason =
  | { readonly kind: 'fatal'; readonly detail: string; readonly code: string | null }
  | { readonly kind: 'interrupt' }
  | { readonly kind: 'breaker'; readonly detail: string }
  | { readonly kind: 'error'; readonly detail: string };

/** Things the user should hear about while the run goes on. */
export interface DispatchEvents<M> {
  /** A final row record (not pending) was queued for the log, with the row's message when it was one to send. */
  record?(record: RowRecord, message: M | undefined): void;
  /** A one-line notice (retries scheduled after a storm, stop requested, …). */
  notice?(message: string): void;
}

/** Settings of a dispatch. */
export interface DispatchOptions<M> {
  readonly channel: Channel<M>;
  /** Rows to send and records to write, in arrays (one per batch of input). */
  readonly plan: AsyncIterable<PlannedItem<M>[]>;
  readonly sink: ResultSink;
  readonly pacer: Pacer;
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
  readonly events?: DispatchEvents<M>;
  readonly now?: () => number;
  readonly random?: () => number;
}

/** How a dispatch ended. */
export interface DispatchOutcome {
  /** Null when the plan was done. */
  readonly stopped: StopReason | null;
  /** Rows left waiting for a retry (their last record is a waiting `pending`). */
  readonly waiting: number;
  /** Sends cut off by an immediate stop (their last record is `pending`: in doubt). */
  readonly cutOff: number;
}

/** Runs one plan to completion or until stopped. */
export class Dispatcher<M> {
  private readonly retries = new DelayQueue<SendItem<M>>();
  private readonly changed = new Notifier();
  private readonly stopController = new AbortController();
  private readonly signals: AttemptSignals;
  private readonly now: () => number;
  private readonly stepRules: StepRules;
  private inFlight = 0;
  private stopReason: StopReason | null = null;
  private aborted = false;
  private cutOff = 0;

  constructor(private readonly options: DispatchOptions<M>) {
    this.now = options.now ?? Date.now;
    this.stepRules = {
      policy: options.policy,
      resendWindowMs: options.resendWindowMs,
      canReconcile: options.channel.reconcile !== undefined,
      reconcileSettleMs: options.channel.reconcileSettleMs ?? 0,
      random: options.random ?? Math.random,
    };
    this.signals = new AttemptSignals(options.timeoutMs, this.now);
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

  /** Whether the run was told to stop (and why). */
  get stopped(): StopReason | null {
    return this.stopReason;
  }

  /** Run the plan. Resolves when everything is sent or the run stopped and its sends in flight settled. */
  async run(): Promise<DispatchOutcome> {
    const plan = this.options.plan[Symbol.asyncIterator]();
    const input: InputCursor<M> = { plan, next: null, done: false, buffer: [], index: 0 };
    const { concurrency, pacer } = this.options;
    const watchdog = setInterval(() => this.watch(), 1000);
    try {
      while (!this.stopReason) {
        while (this.inFlight >= concurrency && !this.stopReason) await this.changed.wait();
        if (this.stopReason) break;
        // Fast path: a row ready now and a token free now, without awaiting anything.
        const batch = this.takeReady(input) ?? (await this.collect(input));
        if (batch.length === 0) break;
        let admission = pacer.tryAcquire(batch.length);
        if (!admission) {
          try {
            admission = await pacer.acquire(batch.length, this.stopController.signal);
          } catch {
            admission = null;
          }
        }
        if (!admission || this.stopReason) {
          this.putBack(batch);
          break;
        }
        this.launch(batch, admission);
      }
      while (this.inFlight > 0) await this.changed.wait();
    } catch (error) {
      this.stop({ kind: 'error', detail: (error as Error).message });
      while (this.inFlight > 0) await this.changed.wait();
    } finally {
      clearInterval(watchdog);
      this.signals.close();
    }
    if (!input.done && this.stopReason) void plan.return?.(undefined);
    return { stopped: this.stopReason, waiting: this.retries.size, cutOff: this.cutOff };
  }

  private watch(): void {
    const since = this.options.pacer.breakerOpenSince;
    if (since > 0 && this.now() - since > BREAKER_GIVE_UP_MS) {
      this.stop({ kind: 'breaker', detail: `most sends kept failing for ${Math.round(BREAKER_GIVE_UP_MS / 60_000)} minutes; the provider seems down` });
    }
    this.changed.notify();
  }

  /**
   * One row to send that is ready now (a due retry, or the next row already read), or null when
   * the caller must wait: only for unbatched channels, and only while the log needs no catching up.
   */
  private takeReady(input: InputCursor<M>): SendItem<M>[] | null {
    if (this.options.batchSize !== 1) return null;
    const due = this.retries.popDue(this.now());
    if (due) return [due];
    while (input.index < input.buffer.length) {
      if (this.options.sink.queuedBytes > LOG_BACKPRESSURE_BYTES) return null;
      const item = input.buffer[input.index++]!;
      if (item.kind === 'send') return [item];
      this.append(item.record);
    }
    return null;
  }

  /**
   * The next batch: due retries first, then rows from the plan (records in it are written on the
   * way). Returns an empty batch when nothing is left, or the run is stopping.
   */
  private async collect(input: InputCursor<M>): Promise<SendItem<M>[]> {
    const batch: SendItem<M>[] = [];
    const size = this.options.batchSize;
    // When a started batch goes out incomplete if no more rows come (set when it first waits).
    let lingerUntil: number | null = null;
    while (batch.length < size && !this.stopReason) {
      const due = this.retries.popDue(this.now());
      if (due) {
        batch.push(due);
        continue;
      }
      if (input.index < input.buffer.length) {
        const item = input.buffer[input.index++]!;
        if (item.kind === 'send') batch.push(item);
        else await this.writeSettled(item.record);
        continue;
      }
      if (!input.done) {
        input.next ??= input.plan.next();
        if (batch.length > 0) lingerUntil ??= this.now() + BATCH_LINGER_MS;
        const lingerMs = lingerUntil !== null ? Math.max(0, lingerUntil - this.now()) : this.untilNextRetry();
        const result = await this.changed.race(input.next, lingerMs);
        if (result === undefined) {
          // Woken by another send finishing, or the linger is over: only the latter (or a stop)
          // sends a started batch incomplete; a retry that fell due joins it first.
          if (lingerUntil !== null && this.now() >= lingerUntil) {
            this.takeDue(batch, size);
            break;
          }
          continue;
        }
        input.next = null;
        if (result.done) input.done = true;
        else {
          input.buffer = result.value;
          input.index = 0;
        }
        continue;
      }
      if (batch.length > 0) break;
      if (this.retries.size > 0) {
        await this.changed.race(null, this.untilNextRetry());
      } else if (this.inFlight > 0) {
        await this.changed.wait();
      } else {
        break;
      }
    }
    if (!this.stopReason) return batch;
    this.putBack(batch);
    return [];
  }

  /** Add retries that are due to a batch, up to its size. */
  private takeDue(batch: SendItem<M>[], size: number): void {
    while (batch.length < size) {
      const due = this.retries.popDue(this.now());
      if (due === undefined) return;
      batch.push(due);
    }
  }

  /** A batch the run stopped before sending: its retries go back to the queue, so they count as waiting. */
  private putBack(batch: readonly SendItem<M>[]): void {
    for (const item of batch) if (item.attempts > item.priorAttempts) this.retries.push(item, this.now());
  }

  private untilNextRetry(): number | undefined {
    const due = this.retries.nextDueAt;
    return due === undefined ? undefined : Math.max(0, due - this.now());
  }

  private async writeSettled(record: RowRecord): Promise<void> {
    this.append(record);
    if (this.options.sink.queuedBytes > LOG_BACKPRESSURE_BYTES) await this.options.sink.commit();
  }

  private append(record: RowRecord, item?: SendItem<M>): void {
    this.options.sink.append(record, item ? rowJson(item.row) : undefined);
    if (record.status !== 'pending') this.options.events?.record?.(record, item?.message);
  }

  private launch(batch: SendItem<M>[], admission: Admission): void {
    this.inFlight++;
    void this.execute(batch, admission);
  }

  // The slot is freed only after every record of the batch is written: a kill leaves at most
  // `concurrency` batches in doubt.
  private async execute(batch: SendItem<M>[], admission: Admission): Promise<void> {
    try {
      const toSend = this.options.channel.reconcile && batch.some((item) => item.doubtSince !== null) ? await this.reconcile(batch) : batch;
      if (toSend.length === 0) {
        this.options.pacer.record('neutral', admission);
      } else {
        // The attempt's --timeout starts now, after any reconciling.
        const lent = this.signals.acquire();
        try {
          await this.attempt(toSend, admission, lent.signal);
        } finally {
          this.signals.release(lent);
        }
      }
      await this.options.sink.commit();
    } catch (error) {
      this.stop({ kind: 'error', detail: (error as Error).message });
    } finally {
      this.inFlight--;
      this.changed.notify();
    }
  }

  private async attempt(toSend: SendItem<M>[], admission: Admission, signal: AbortSignal): Promise<void> {
    for (const item of toSend) {
      item.attempts++;
      this.append(this.record(item, 'pending', null), item);
    }
    // Group commit: the pending records are on disk (written, not buffered) before dispatch.
    await this.options.sink.commit();
    if (this.aborted) {
      this.cutOff += toSend.length;
      return;
    }
    const started = this.now();
    const results = await this.send(toSend, signal);
    const latencyMs = Math.max(0, Math.round(this.now() - started));
    if (this.aborted) {
      this.cutOff += toSend.length;
      return;
    }
    let kind: AnswerKind = 'neutral';
    let retryAfterMs: number | undefined;
    toSend.forEach((item, i) => {
      const result = results[i] ?? missingResult();
      const itemKind = answerKind(result);
      kind = worse(kind, itemKind);
      if (itemKind === 'throttled' && result.retryAfterMs !== undefined) retryAfterMs = result.retryAfterMs;
      this.settle(item, result, latencyMs, started);
    });
    this.options.pacer.record(kind, admission, retryAfterMs);
  }

  /** Ask the provider about rows in doubt; returns the rows still to send. */
  private async reconcile(batch: SendItem<M>[]): Promise<SendItem<M>[]> {
    const channel = this.options.channel;
    const reconcile = channel.reconcile?.bind(channel);
    if (!reconcile) return batch;
    // The rows of a batch are asked about together, as many at once as there are connections,
    // each group within its own --timeout: one after another, or all under one limit, a batch of
    // 100 would outlast it and leave accepted rows in doubt.
    const answers: (Reconciliation | null)[] = [];
    const group = Math.max(1, this.options.concurrency);
    for (let first = 0; first < batch.length; first += group) {
      const lent = this.signals.acquire();
      try {
        const asked = batch.slice(first, first + group).map((item) =>
          item.doubtSince === null
            ? null
            : reconcile(item.message, { key: item.key, idempotencyKey: item.idempotencyKey, attemptedAt: new Date(item.doubtSince), signal: lent.signal }),
        );
        answers.push(...(await Promise.all(asked)));
      } finally {
        this.signals.release(lent);
      }
    }
    const toSend: SendItem<M>[] = [];
    batch.forEach((item, i) => {
      const answer = answers[i];
      if (answer === null || answer === undefined) {
        toSend.push(item);
      } else if (answer.state === 'absent') {
        item.doubtSince = null;
        item.firstAttemptAt = null;
        toSend.push(item);
      } else if (answer.state === 'accepted') {
        this.append(this.record(item, 'sent', 'ok', { code: 'RECONCILED', messageId: answer.messageId ?? null, error: null }), item);
      } else {
        const error = `outcome unknown and the provider could not confirm it${answer.detail ? `: ${answer.detail}` : ''}`;
        this.append(this.record(item, 'failed', 'in-doubt', { code: null, error }), item);
      }
    });
    return toSend;
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

  /** Record a row's answer: final, or waiting for a retry on the delay queue. */
  private settle(item: SendItem<M>, result: SendResult, latencyMs: number, started: number): void {
    const detail = { code: result.code, error: result.detail ?? null, latencyMs, messageId: result.messageId ?? null };
    switch (result.outcome) {
      case 'ok':
        this.append(this.record(item, 'sent', 'ok', { ...detail, error: null }), item);
        return;
      case 'permanent':
        this.append(this.record(item, 'failed', 'permanent', detail), item);
        return;
      case 'fatal':
        this.append(this.record(item, 'failed', 'fatal', detail), item);
        this.stop({ kind: 'fatal', detail: result.detail ?? `the provider refused the run (${result.code ?? 'no code'})`, code: result.code });
        return;
    }
    // Not final: the switch above returned for every other outcome.
    const step = nextStep(item, result as FailedResult, started, this.now(), this.stepRules);
    if (step.act === 'fail') {
      this.append(this.record(item, 'failed', step.class, detail), item);
      return;
    }
    this.append(this.record(item, 'pending', step.class, detail), item);
    this.retries.push(item, step.dueAt);
    this.changed.notify();
  }

  private record(
    item: SendItem<M>,
    status: RowRecord['status'],
    rowClass: RowClass | null,
    detail: { code?: string | null; error?: string | null; latencyMs?: number | null; messageId?: string | null } = {},
  ): RowRecord {
    return rowRecord({
      key: item.key,
      status,
      class: rowClass,
      code: detail.code ?? null,
      error: detail.error ?? null,
      attempts: item.attempts,
      messageId: detail.messageId ?? null,
      idempotencyKey: item.idempotencyKey,
      latencyMs: detail.latencyMs ?? null,
      line: item.line,
      row: item.row,
    });
  }
}

interface InputCursor<M> {
  readonly plan: AsyncIterator<PlannedItem<M>[]>;
  next: Promise<IteratorResult<PlannedItem<M>[]>> | null;
  done: boolean;
  /** The plan's latest array and how far into it the dispatcher has come. */
  buffer: PlannedItem<M>[];
  index: number;
}

function answerKind(result: SendResult): AnswerKind {
  if (result.outcome === 'ok') return 'ok';
  if (result.outcome === 'throttled') return result.scope === 'recipient' ? 'neutral' : 'throttled';
  if (result.outcome === 'retryable') return 'failed';
  return 'neutral';
}

const SEVERITY: Readonly<Record<AnswerKind, number>> = { neutral: 0, ok: 1, failed: 2, throttled: 3 };

function worse(a: AnswerKind, b: AnswerKind): AnswerKind {
  return SEVERITY[b] > SEVERITY[a] ? b : a;
}

function missingResult(): SendResult {
  return { outcome: 'retryable', code: 'NO_RESULT', detail: 'the channel returned no result for this row', unknown: true };
}
