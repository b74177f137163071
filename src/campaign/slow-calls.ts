/**
 * Says so above the progress bar when a provider call has waited more than a few seconds for its
 * answer (a batch of rows, a send, a reconciliation asking about rows in doubt), so a quiet bar is
 * never a mystery. The channel is wrapped: its calls are timed, nothing else changes.
 */
import { formatDuration } from '../config/parse-duration.js';
import type { Channel } from '../channels/channel.js';
import { overriding } from './wrap-channel.js';

/** How long a call may wait for its answer before people hear about it. */
export const SLOW_CALL_MS = 5_000;
/** How often the calls in flight are looked at. */
const WATCH_EVERY_MS = 1_000;

type CallKind = 'send' | 'batch' | 'reconcile';

interface Call {
  readonly kind: CallKind;
  readonly rows: number;
  readonly startedAt: number;
  told: boolean;
  /** Neighbours in the list of calls in flight. */
  prev: Call | null;
  next: Call | null;
}

/** A channel whose slow calls are announced, and how to stop watching. */
export interface WatchedChannel<M> {
  readonly channel: Channel<M>;
  dispose(): void;
}

/** The line for the calls that just crossed the threshold, or null. */
export function slowCallLine(channel: string, calls: readonly Pick<Call, 'kind' | 'rows'>[], waitedMs: number): string | null {
  if (calls.length === 0) return null;
  const waited = formatDuration(waitedMs);
  const parts: string[] = [];
  const batches = calls.filter((call) => call.kind === 'batch');
  const sends = calls.filter((call) => call.kind === 'send').length;
  const asked = calls.filter((call) => call.kind === 'reconcile').length;
  if (batches.length > 0) {
    const rows = batches.reduce((sum, call) => sum + call.rows, 0);
    parts.push(batches.length === 1 ? `a batch of ${rows} rows` : `${batches.length} batches (${rows} rows)`);
  }
  if (sends > 0) parts.push(sends === 1 ? 'a send' : `${sends} sends`);
  const waiting = parts.length > 0 ? `${parts.join(' and ')} waited over ${waited} for ${channel}'s answer` : '';
  const checking = asked > 0 ? `asking ${channel} about ${asked} row${asked === 1 ? '' : 's'} in doubt took over ${waited}` : '';
  return `${[waiting, checking].filter(Boolean).join('; ')} (still waiting)`;
}

/**
 * Calls in flight and when each started; which ones just crossed the threshold. Pure: the time
 * comes in. The calls are a linked list: adding and removing one per send costs a few pointer
 * writes, where a Set of objects cost half a microsecond a send.
 */
export class SlowCalls {
  private head: Call | null = null;

  constructor(
    private readonly channel: string,
    private readonly thresholdMs = SLOW_CALL_MS,
  ) {}

  /** Run `work` as one call of `kind` carrying `rows`, started at `startedAt` (one promise a call: this wraps every send). */
  timed<T>(kind: CallKind, rows: number, startedAt: number, work: () => Promise<T>): Promise<T> {
    const call: Call = { kind, rows, startedAt, told: false, prev: null, next: this.head };
    if (this.head) this.head.prev = call;
    this.head = call;
    let pending: Promise<T>;
    try {
      pending = work();
    } catch (error) {
      this.remove(call);
      return Promise.reject(error as Error);
    }
    return pending.then(
      (value) => {
        this.remove(call);
        return value;
      },
      (error: unknown) => {
        this.remove(call);
        throw error;
      },
    );
  }

  private remove(call: Call): void {
    if (call.prev) call.prev.next = call.next;
    else this.head = call.next;
    if (call.next) call.next.prev = call.prev;
  }

  /** The line for the calls that have waited `thresholdMs` by `now` and were not told yet, or null. */
  check(now: number): string | null {
    const slow: Call[] = [];
    for (let call = this.head; call !== null; call = call.next) {
      if (!call.told && now - call.startedAt >= this.thresholdMs) slow.push(call);
    }
    slow.reverse();
    for (const call of slow) call.told = true;
    return slowCallLine(this.channel, slow, this.thresholdMs);
  }
}

/** Wrap `inner` so that calls waiting over SLOW_CALL_MS are told to `notice` (checked each second, real time). */
export function watchSlowCalls<M>(inner: Channel<M>, notice: (line: string) => void): WatchedChannel<M> {
  const calls = new SlowCalls(inner.name);
  const timer = setInterval(() => {
    const line = calls.check(Date.now());
    if (line !== null) notice(line);
  }, WATCH_EVERY_MS);
  timer.unref();
  const own: Partial<Record<keyof Channel<M>, unknown>> = {
    send: (message: M, ctx: Parameters<Channel<M>['send']>[1]) => calls.timed('send', 1, Date.now(), () => inner.send(message, ctx)),
    ...(inner.sendBatch
      ? { sendBatch: (batch: Parameters<NonNullable<Channel<M>['sendBatch']>>[0], signal: AbortSignal) => calls.timed('batch', batch.length, Date.now(), () => inner.sendBatch!(batch, signal)) }
      : {}),
    ...(inner.reconcile
      ? { reconcile: (message: M, ctx: Parameters<NonNullable<Channel<M>['reconcile']>>[1]) => calls.timed('reconcile', 1, Date.now(), () => inner.reconcile!(message, ctx)) }
      : {}),
  };
  return { channel: overriding(inner, own), dispose: () => clearInterval(timer) };
}
