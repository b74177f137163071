/**
 * Turns input rows into a plan for `herald send`: rows to send, and records for rows settled
 * without sending (malformed, invalid, duplicate key, in doubt on resume). With a prior log
 * (--resume) it skips what is done and picks up what is not, as the contract's resume rules say.
 */
import type { Channel } from '../channels/channel.js';
import type { InputItem, RowFields } from '../input/row.js';
import type { LogState } from '../results/log-state.js';
import { rowRecord, type RowRecordFields } from '../results/row-record.js';
import { resumeStep } from '../results/row-state.js';
import { idempotencyKeyOf, keyDigest } from './idempotency.js';
import { inDoubtAction, type InDoubtPolicy } from './in-doubt.js';
import { KeySet } from './key-set.js';
import type { RowRules } from './row-rules.js';
import type { PlannedItem, SendItem } from './work-item.js';

/** Settings of a send plan. */
export interface RowPlanOptions<M> {
  /** The field holding each row's key. */
  readonly keyField: string;
  readonly channel: Pick<Channel<M>, 'prepare' | 'dedupeWindowMs' | 'reconcile'>;
  readonly campaign: string;
  /** The log being resumed, or null for a fresh run. */
  readonly prior: LogState | null;
  readonly inDoubt: InDoubtPolicy;
  /** --limit: stop after this many rows to send. */
  readonly limit: number | null;
  /** Suppression lists and per-row checks of the run's settings. */
  readonly rules?: RowRules;
  /** The run's clock, for the time of the records the plan writes. @default Date.now */
  readonly now?: () => number;
  /** Rows in doubt on resume are sent with `inDoubtSince`, for the sender to decide (queue mode). */
  readonly inDoubtDecidedBySender?: boolean;
}

/** The key of a row, or null when the key field is absent or empty. */
function keyOf(fields: RowFields, keyField: string): string | null {
  const value = fields[keyField];
  if (value === undefined || value === null) return null;
  const text = typeof value === 'string' ? value.trim() : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return text === '' ? null : text;
}

/** The plan for `herald send`, in input order, one array per batch of input. */
export async function* planRows<M>(
  input: AsyncIterable<readonly InputItem[]>,
  options: RowPlanOptions<M>,
): AsyncGenerator<PlannedItem<M>[]> {
  const planner = new RowPlanner(options);
  for await (const batch of input) {
    const planned: PlannedItem<M>[] = [];
    for (const item of batch) {
      if (planner.full) break;
      const step = planner.plan(item);
      if (step) planned.push(step);
    }
    if (planned.length > 0) yield planned;
    if (planner.full) return;
  }
}

/** Plans one input item at a time (synchronous: the per-row work of the plan). */
class RowPlanner<M> {
  private readonly seen = new KeySet();
  private toSend = 0;

  constructor(private readonly options: RowPlanOptions<M>) {}

  private stamp(fields: RowRecordFields) {
    return rowRecord(fields, this.options.now?.() ?? Date.now());
  }

  /** True once --limit rows to send have been planned. */
  get full(): boolean {
    return this.options.limit !== null && this.toSend >= this.options.limit;
  }

  plan(item: InputItem): PlannedItem<M> | null {
    const { options } = this;
    const prior = options.prior;
    const key = item.kind === 'row' ? keyOf(item.fields, options.keyField) : null;
    if (item.kind === 'malformed' || key === null) {
      if (prior?.settledLines.has(item.line)) return null;
      const reason = item.kind === 'malformed' ? item.reason : `no value in the key field '${options.keyField}'`;
      const where = `record ${item.line} (line ${item.sourceLine})`;
      return { kind: 'record', record: this.stamp({ key, status: 'invalid', class: 'invalid', error: `${where}: ${reason}`, line: item.line, row: item.fields }) };
    }
    const digest = keyDigest(options.campaign, key);
    if (!this.seen.add(digest.readUInt32LE(16), digest.readUInt32LE(20))) {
      if (prior?.settledLines.has(item.line)) return null;
      return {
        kind: 'record',
        record: this.stamp({ key, status: 'skipped', class: 'duplicate', error: `key '${key}' already appeared in an earlier row`, line: item.line, row: item.fields }),
      };
    }
    const state = prior?.keys.get(key);
    const step = state ? resumeStep(state) : null;
    if (step?.act === 'skip') return null;
    const idempotencyKey = state?.idempotencyKey ?? idempotencyKeyOf(digest);
    const where = `record ${item.line} (line ${item.sourceLine})`;
    const suppressed = options.rules?.suppressed?.(key, item.fields) ?? null;
    if (suppressed !== null) {
      return { kind: 'record', record: this.stamp({ key, status: 'skipped', class: 'suppressed', error: suppressed, attempts: state?.attempts ?? 0, idempotencyKey, line: item.line, row: item.fields }) };
    }
    // Across machines the worker that takes the row decides (it knows whether one is sending it now).
    const inDoubt = step?.act === 'in-doubt' && !options.inDoubtDecidedBySender ? inDoubtAction(options.inDoubt, options.channel) : null;
    if (inDoubt === 'fail') {
      return {
        kind: 'record',
        record: this.stamp({
          key, status: 'failed', class: 'in-doubt', attempts: state?.attempts ?? 0, idempotencyKey, line: item.line, row: item.fields,
          error: 'in flight when an earlier run stopped: it may already be delivered (herald retry asks the provider where it can, and resends it only with --in-doubt resend)',
        }),
      };
    }
    const rejected = options.rules?.checkRow?.(item.fields) ?? null;
    const prepared = rejected === null ? options.channel.prepare(item.fields) : ({ ok: false, reason: rejected } as const);
    if (!prepared.ok) {
      return {
        kind: 'record',
        record: this.stamp({ key, status: 'invalid', class: 'invalid', error: `${where}: ${prepared.reason}`, idempotencyKey, line: item.line, row: item.fields }),
      };
    }
    this.toSend++;
    const send: SendItem<M> = {
      kind: 'send',
      key,
      line: item.line,
      row: item.fields,
      idempotencyKey,
      message: prepared.message,
      attempts: state?.attempts ?? 0,
      priorAttempts: state?.attempts ?? 0,
      throttledAttempts: 0,
      firstAttemptAt: inDoubt !== null && state ? state.at : null,
      doubtSince: inDoubt === 'check' && state ? state.at : null,
      ...(step?.act === 'in-doubt' && options.inDoubtDecidedBySender && state ? { inDoubtSince: state.at } : {}),
    };
    return send;
  }
}
