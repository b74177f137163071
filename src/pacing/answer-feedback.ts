/**
 * What a provider's answers mean for the run's pace: the translation from classified answers to
 * the pacer's feedback. A throttle that concerns one recipient (Aliyun's per-number flow control)
 * says nothing about the provider's capacity, so it neither slows the run nor trips the breaker.
 */
import type { SendResult } from '../channels/channel.js';

/** What kind of answer a send got, as far as pacing is concerned. */
export type AnswerKind = 'ok' | 'failed' | 'throttled' | 'neutral';

/** The pacing feedback of one provider call (one row, or a batch of rows). */
export interface AnswerFeedback {
  readonly kind: AnswerKind;
  /** The provider's Retry-After on a run-wide throttle, when it gave one. */
  readonly retryAfterMs?: number;
}

/** The pacing meaning of one answer. */
export function answerKind(result: Pick<SendResult, 'outcome' | 'scope'>): AnswerKind {
  switch (result.outcome) {
    case 'ok':
      return 'ok';
    case 'throttled':
      return result.scope === 'recipient' ? 'neutral' : 'throttled';
    case 'retryable':
      return 'failed';
    case 'permanent':
    case 'fatal':
      return 'neutral';
  }
}

const SEVERITY: Readonly<Record<AnswerKind, number>> = { neutral: 0, ok: 1, failed: 2, throttled: 3 };

/** The feedback of a provider call: its worst answer (a throttle anywhere in a batch throttles the call). */
export function callFeedback(results: readonly Pick<SendResult, 'outcome' | 'scope' | 'retryAfterMs'>[]): AnswerFeedback {
  let kind: AnswerKind = 'neutral';
  let retryAfterMs: number | undefined;
  for (const result of results) {
    const itemKind = answerKind(result);
    if (SEVERITY[itemKind] > SEVERITY[kind]) kind = itemKind;
    if (itemKind === 'throttled' && result.retryAfterMs !== undefined) retryAfterMs = Math.max(retryAfterMs ?? 0, result.retryAfterMs);
  }
  return retryAfterMs === undefined ? { kind } : { kind, retryAfterMs };
}
