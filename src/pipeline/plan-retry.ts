/**
 * The plan for `herald retry`: the rows of a log whose last record is `failed` with class
 * retryable, throttled, in-doubt or fatal (every failed row with --all, but never recipients who
 * opted out), plus rows left waiting for a retry when a run stopped, in input order. Rows in doubt
 * (they may already be delivered) are checked with the provider first where the channel can,
 * resent where the provider de-duplicates, and otherwise left as they are unless the user asked
 * for `--in-doubt resend`: no silent duplicate.
 */
import type { Channel } from '../channels/channel.js';
import type { KeyState, LogState } from '../results/log-state.js';
import { rowRecord, type RowRecordFields } from '../results/row-record.js';
import { isRetryable, type RetryScope } from '../results/row-state.js';
import { idempotencyKeyFor } from './idempotency.js';
import { inDoubtAction, type InDoubtPolicy } from './in-doubt.js';
import type { RowRules } from './row-rules.js';
import type { PlannedItem } from './work-item.js';

/** Settings of a retry plan. */
export interface RetryPlanOptions<M> {
  readonly channel: Pick<Channel<M>, 'prepare' | 'reconcile' | 'dedupeWindowMs'>;
  readonly campaign: string;
  /** --all (and --include-unknown-mailboxes): which failed rows. */
  readonly all: boolean | RetryScope;
  readonly limit: number | null;
  /** Suppression lists and per-row checks of the run's settings. */
  readonly rules?: RowRules;
  /** The run's clock, for the time of the records the plan writes. @default Date.now */
  readonly now?: () => number;
  /** --in-doubt as typed on the retry command line (`auto` when not): rows in doubt are resent blind only with `resend`. */
  readonly inDoubt?: InDoubtPolicy;
}

/** What retry does with a row: send it, ask the provider first, or leave it (in doubt, and nothing can tell). */
export type RetryAct = 'send' | 'check' | 'leave';

/** Whether a row's last attempt has an unknown outcome (recorded in-doubt, or in flight when a run died). */
export function isInDoubt(state: Pick<KeyState, 'status' | 'class'>): boolean {
  return state.class === 'in-doubt' || (state.status === 'pending' && state.class === null);
}

/** What retry does with a row it takes (see isRetryable): rows in doubt follow the --in-doubt policy and the channel. */
export function retryAct(state: Pick<KeyState, 'status' | 'class'>, channel: Pick<Channel, 'reconcile' | 'dedupeWindowMs'>, policy: InDoubtPolicy = 'auto'): RetryAct {
  if (!isInDoubt(state)) return 'send';
  const action = inDoubtAction(policy, channel);
  return action === 'resend' ? 'send' : action === 'check' ? 'check' : 'leave';
}

/** Rows a retry takes, and how many of them it leaves in doubt. */
export function retryCounts(log: LogState, options: Pick<RetryPlanOptions<unknown>, 'channel' | 'all' | 'inDoubt'>): { readonly toSend: number; readonly leftInDoubt: number } {
  let toSend = 0;
  let leftInDoubt = 0;
  for (const state of log.keys.values()) {
    if (!isRetryable(state, options.all)) continue;
    if (retryAct(state, options.channel, options.inDoubt) === 'leave') leftInDoubt++;
    else toSend++;
  }
  return { toSend, leftInDoubt };
}

/** Rows per array of the retry plan. */
const PLAN_BATCH = 128;

/** The plan for `herald retry`, from a log folded with its rows kept, in arrays of up to 128. */
export async function* planRetry<M>(log: LogState, options: RetryPlanOptions<M>): AsyncGenerator<PlannedItem<M>[]> {
  let batch: PlannedItem<M>[] = [];
  for (const item of retryItems(log, options)) {
    batch.push(item);
    if (batch.length >= PLAN_BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

function* retryItems<M>(log: LogState, options: RetryPlanOptions<M>): Generator<PlannedItem<M>> {
  const stamp = (fields: RowRecordFields) => rowRecord(fields, options.now?.() ?? Date.now());
  // Views of the compact states, in input order; each row is read from the log only when its turn comes.
  const picked: KeyState[] = [];
  for (const state of log.keys.values()) {
    if (isRetryable(state, options.all) && retryAct(state, options.channel, options.inDoubt) !== 'leave') picked.push(state);
  }
  picked.sort((a, b) => a.line - b.line);
  let toSend = 0;
  for (const state of picked) {
    if (options.limit !== null && toSend >= options.limit) return;
    const row = state.row;
    if (row === undefined) continue;
    const key = state.key;
    const idempotencyKey = state.idempotencyKey ?? idempotencyKeyFor(options.campaign, key);
    const suppressed = options.rules?.suppressed?.(key, row) ?? null;
    if (suppressed !== null) {
      // A recipient suppressed since the row failed is never sent again, not even with --all.
      yield { kind: 'record', record: stamp({ key, status: 'skipped', class: 'suppressed', error: suppressed, attempts: state.attempts, idempotencyKey, line: state.line, row }) };
      continue;
    }
    const rejected = options.rules?.checkRow?.(row) ?? null;
    const prepared = rejected === null ? options.channel.prepare(row) : ({ ok: false, reason: rejected } as const);
    if (!prepared.ok) {
      yield {
        kind: 'record',
        record: stamp({ key, status: 'invalid', class: 'invalid', error: `record ${state.line}: ${prepared.reason}`, attempts: state.attempts, idempotencyKey, line: state.line, row }),
      };
      continue;
    }
    const inDoubt = isInDoubt(state);
    const check = inDoubt && retryAct(state, options.channel, options.inDoubt) === 'check';
    toSend++;
    yield {
      kind: 'send',
      key,
      line: state.line,
      row,
      idempotencyKey,
      message: prepared.message,
      attempts: state.attempts,
      priorAttempts: state.attempts,
      throttledAttempts: 0,
      firstAttemptAt: inDoubt ? state.at : null,
      doubtSince: check ? state.at : null,
    };
  }
}
