/** The contract's exit statuses, mapped in one place. */
export enum ExitCode {
  /** Every row this run handled was sent or skipped. */
  Ok = 0,
  /** Stopped by a fatal answer from the provider. */
  Fatal = 1,
  /** Usage or configuration error, including a refused --out; nothing was sent. */
  Usage = 2,
  /** Finished, but some rows failed or were invalid. */
  Incomplete = 3,
  /** Paused by --not-after or --quota: nothing is wrong, rows are left for a later --resume (EX_TEMPFAIL). */
  Paused = 75,
  /** Interrupted by SIGINT/SIGTERM; resumable. */
  Interrupted = 130,
}
