/**
 * The channel interface: a channel renders and validates a row (pure), sends one message, and
 * classifies the provider's answer. The pipeline decides what to do with the classification
 * (retry, slow down, stop); a channel never sleeps, retries or records.
 */
import type { RowFields } from '../input/row.js';
import type { Outcome } from '../results/record.js';
import type { Secrets } from './secrets.js';

export type { Outcome };

/** A classified provider answer. Per-recipient failures are data; a throw from `send()` is a bug. */
export interface SendResult {
  readonly outcome: Outcome;
  /** The provider's own code as a string ("250", "isv.MOBILE_NUMBER_ILLEGAL", "503", "ECONNRESET"), or null. */
  readonly code: string | null;
  /** One line for humans; never a secret. For `fatal`, says what to fix. */
  readonly detail?: string;
  /** The provider's id for the accepted message. */
  readonly messageId?: string;
  /** Provider guidance for when to try again; wins over the backoff schedule. */
  readonly retryAfterMs?: number;
  /** For `throttled`: the whole run slows down (`channel`, the default) or only this recipient waits. */
  readonly scope?: 'recipient' | 'channel';
  /**
   * The request may have reached the provider but no answer came back (timeout, connection lost
   * after the request was written). The pipeline resends it only where the provider de-duplicates
   * (see `unknownResendWindowMs`), otherwise reconciles (if it can) or records it `failed`/`in-doubt`.
   */
  readonly unknown?: boolean;
}

/** Result of `prepare()`: a message ready to send, or the reason the row cannot be sent. */
export type Prepared<M> =
  | { readonly ok: true; readonly message: M }
  | { readonly ok: false; readonly reason: string };

/** Per-attempt context given to `send()`. */
export interface SendContext {
  /** 1-based attempt number for this row (continues across resume and retry). */
  readonly attempt: number;
  /** The row's key. */
  readonly key: string;
  /** Stable for the row across resume and retry; send it where the provider takes one. */
  readonly idempotencyKey: string;
  /** Aborted on --timeout or when the run stops at once; the send must then resolve promptly. */
  readonly signal: AbortSignal;
}

/** What a provider says about a message whose outcome was unknown. */
export interface Reconciliation {
  /** accepted: the provider has it (record sent); absent: safe to send; unknown: cannot tell. */
  readonly state: 'accepted' | 'absent' | 'unknown';
  readonly messageId?: string;
  readonly detail?: string;
}

/** Context for `reconcile()`. */
export interface ReconcileContext {
  readonly key: string;
  readonly idempotencyKey: string;
  /** When the unknown attempt was made (from this run or from the log). */
  readonly attemptedAt: Date;
  readonly signal: AbortSignal;
}

/** A `{{field}}` a channel's templates or templated flags use, for the check before the first send. */
export interface TemplateField {
  /** The field name inside `{{…}}`. */
  readonly field: string;
  /** Where it appears, as the user would look for it: "--template welcome.html", "--url", "--param name". */
  readonly where: string;
}

/** Forever: the provider de-duplicates by the idempotency key without a time limit. */
export const DEDUPE_FOREVER = Number.POSITIVE_INFINITY;

/** A configured channel, created once per run. `M` is the channel's rendered message. */
export interface Channel<M = unknown> {
  /** The --channel name. */
  readonly name: string;
  /**
   * How long the provider de-duplicates a resend carrying the same idempotency key:
   * DEDUPE_FOREVER (webhook Idempotency-Key, email Message-ID), a window (WeChat client_msg_id:
   * 10 minutes, less a margin), or 0 (Aliyun, Twilio). With the --in-doubt policy, decides whether
   * unknown outcomes and in-doubt rows are resent (a window counts only with `--in-doubt resend`).
   */
  readonly dedupeWindowMs: number;
  /**
   * Every field the channel's templates and templated flags use, checked against a CSV/TSV header
   * (or the first JSONL rows) before the first send. Optional while channels adopt it.
   */
  templateFields?(): readonly TemplateField[];
  /** Validate and render one row. Pure: no I/O. */
  prepare(fields: RowFields): Prepared<M>;
  /** Send one message and classify the answer. Never throws for a provider or network failure. */
  send(message: M, ctx: SendContext): Promise<SendResult>;
  /**
   * Optional: send up to `maxBatch` messages in one provider call (Aliyun SendBatchSms).
   * Returns one result per message, in order.
   */
  sendBatch?(batch: readonly { message: M; ctx: SendContext }[], signal: AbortSignal): Promise<SendResult[]>;
  /** Largest batch `sendBatch` accepts; 1 or absent when the channel does not batch. */
  readonly maxBatch?: number;
  /** Optional: ask the provider whether a message whose outcome was unknown was accepted. */
  reconcile?(message: M, ctx: ReconcileContext): Promise<Reconciliation>;
  /**
   * How long after an attempt the provider's records can prove a message absent (a message
   * accepted a moment ago may not be listed yet): a row to reconcile is not retried sooner.
   */
  readonly reconcileSettleMs?: number;
  /** Optional preflight (credentials, connectivity) before the first send; returns a fatal result or null. */
  verify?(signal: AbortSignal): Promise<SendResult | null>;
  /** The message in full as it would go to the provider, for --dry-run. Never includes a secret. */
  describe(message: M, idempotencyKey: string): string;
  /** Optional per-message counters summed in summaries (e.g. SMS billed segments). */
  tally?(message: M): Readonly<Record<string, number>>;
  /** Release connections. */
  close(): Promise<void>;
}

/** Everything a channel factory may use. Secrets come from `env` only. */
export interface ChannelSetup {
  /** Parsed options of `herald send` (camelCase flag names), channel-specific ones included. */
  readonly options: Readonly<Record<string, unknown>>;
  /** The environment, after --env-file was applied. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The field holding the recipient's address (--to, or the channel's default). */
  readonly toField: string | null;
  /** Sends in flight at most; also the connection cap. */
  readonly concurrency: number;
  /** Limit for one attempt, in ms. */
  readonly timeoutMs: number;
  /** Directory relative paths in options are resolved against. */
  readonly cwd: string;
  /** True for --dry-run: nothing is sent, credentials may be absent. */
  readonly dryRun: boolean;
  /**
   * The run's secrets: register every secret value the channel uses that the environment's known
   * credential variables do not already name (a `${VAR}` expansion, a token the provider hands
   * out), and everything the channel says is redacted of it. Absent when a test builds a channel
   * by hand.
   */
  readonly secrets?: Secrets;
  /** Print a warning line on stderr (respects nothing: warnings always show). */
  warn(message: string): void;
}

/** A channel's module, loaded lazily: `create` throws ConfigError naming the setting to fix. */
export interface ChannelModule {
  create(setup: ChannelSetup): Promise<Channel>;
}
