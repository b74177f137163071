/** Why a run stops before its rows are done. */
import type { PauseReason } from '../pacing/row-gate.js';

/** Why a run stopped before its plan was done. */
export type StopReason =
  /** The provider said nothing more can succeed (credentials, balance, quota). */
  | { readonly kind: 'fatal'; readonly detail: string; readonly code: string | null }
  /** SIGINT or SIGTERM. */
  | { readonly kind: 'interrupt' }
  /** Most sends kept failing for minutes: the provider seems down. */
  | { readonly kind: 'breaker'; readonly detail: string }
  /** The input or the result log failed (a read error, a full disk). */
  | { readonly kind: 'error'; readonly detail: string }
  /** A deadline or a quota was reached: nothing is wrong, rows are left for a later --resume. */
  | ({ readonly kind: 'paused' } & { readonly pause: PauseReason });
