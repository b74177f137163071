/**
 * Before a batch holding rows in doubt is sent, ask the provider what became of their earlier
 * attempts (Aliyun QuerySendDetails, Twilio's message list): an accepted row is recorded sent
 * without sending it again, an absent one goes out, one the provider cannot account for is
 * recorded failed/in-doubt.
 */
import type { Channel, Reconciliation } from '../channels/channel.js';
import type { RowRecord } from '../results/record.js';
import type { AttemptSignals } from './attempt-signals.js';
import { itemRecord } from './settle.js';
import type { SendItem } from './work-item.js';

/** The batch after reconciling: rows still to send, and records of rows settled by the provider's answer. */
export interface ReconciledBatch<M> {
  readonly toSend: SendItem<M>[];
  readonly settled: { readonly item: SendItem<M>; readonly record: RowRecord }[];
}

/**
 * Ask about the rows of `batch` in doubt, `group` at a time, each group within its own attempt
 * signal: one after another, or all under one limit, a batch of 100 would outlast --timeout and
 * leave accepted rows in doubt.
 */
export async function reconcileBatch<M>(
  channel: Channel<M>,
  batch: readonly SendItem<M>[],
  group: number,
  signals: AttemptSignals,
  now: () => number,
): Promise<ReconciledBatch<M>> {
  const reconcile = channel.reconcile?.bind(channel);
  if (!reconcile) return { toSend: [...batch], settled: [] };
  const answers: (Reconciliation | null)[] = [];
  for (let first = 0; first < batch.length; first += Math.max(1, group)) {
    const lent = signals.acquire();
    try {
      const asked = batch.slice(first, first + Math.max(1, group)).map((item) =>
        item.doubtSince === null
          ? null
          : reconcile(item.message, { key: item.key, idempotencyKey: item.idempotencyKey, attemptedAt: new Date(item.doubtSince), signal: lent.signal }),
      );
      answers.push(...(await Promise.all(asked)));
    } finally {
      signals.release(lent);
    }
  }
  const result: ReconciledBatch<M> = { toSend: [], settled: [] };
  batch.forEach((item, i) => {
    const answer = answers[i] ?? null;
    if (answer === null) {
      result.toSend.push(item);
    } else if (answer.state === 'absent') {
      item.doubtSince = null;
      item.firstAttemptAt = null;
      result.toSend.push(item);
    } else if (answer.state === 'accepted') {
      result.settled.push({ item, record: itemRecord(item, 'sent', 'ok', { code: 'RECONCILED', messageId: answer.messageId ?? null }, now()) });
    } else {
      const error = `outcome unknown and the provider could not confirm it${answer.detail ? `: ${answer.detail}` : ''}`;
      result.settled.push({ item, record: itemRecord(item, 'failed', 'in-doubt', { error }, now()) });
    }
  });
  return result;
}
