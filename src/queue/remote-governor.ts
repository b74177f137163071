/**
 * The campaign's governor, run by the send process on every worker's answers as they arrive in the
 * results stream: the throttle governor lowers the shared bucket's rate to what the provider
 * accepts and raises it back gradually, a throttling storm pauses every worker, and when most sends
 * fail the campaign pauses and tries again (the circuit breaker), giving up after minutes. Workers
 * only follow the bucket.
 */
import { BREAKER_FAILURE_SHARE, BREAKER_FIRST_COOLDOWN_MS, BREAKER_MAX_COOLDOWN_MS, BREAKER_MIN_SENDS, BREAKER_WINDOW } from '../pacing/circuit-breaker.js';
import { ThrottleGovernor, type GovernorChange } from '../pacing/throttle-governor.js';
import { BREAKER_GIVE_UP_MS } from '../pipeline/send-loop.js';
import type { RowRecord } from '../results/record.js';
import type { SharedBucket } from './shared-bucket.js';

/** What a record says about the provider's answer, for pacing (null: not an answer). */
export function answerOf(record: RowRecord): 'ok' | 'throttled' | 'failed' | 'neutral' | null {
  if (record.status === 'pending' && record.class === null) return null;
  if (record.status === 'invalid' || record.status === 'skipped') return null;
  if (record.status === 'sent') return record.code === 'RECONCILED' ? null : 'ok';
  if (record.class === 'throttled') return 'throttled';
  if (record.class === 'retryable' || record.class === 'in-doubt') return 'failed';
  return 'neutral';
}

/** A change worth telling the user about. */
export type RemoteChange = GovernorChange | { readonly kind: 'breaker-open'; readonly failures: number; readonly window: number; readonly cooldownMs: number };

/** The governor of one campaign. */
export class RemoteGovernor {
  private readonly governor: ThrottleGovernor;
  private readonly recent: boolean[] = [];
  private failures = 0;
  private cooldownMs = BREAKER_FIRST_COOLDOWN_MS;
  private pausedUntil = 0;
  private troubleSince = 0;

  constructor(
    rate: number | null,
    private readonly bucket: SharedBucket,
    private readonly now: () => number,
    private readonly onChange: (change: RemoteChange) => void,
  ) {
    this.governor = new ThrottleGovernor(rate, now());
  }

  /** Since when most sends have kept failing (0: they do not). */
  get failingSince(): number {
    return this.troubleSince;
  }

  /** True once most sends have failed for BREAKER_GIVE_UP_MS: the provider seems down. */
  get givenUp(): boolean {
    return this.troubleSince > 0 && this.now() - this.troubleSince > BREAKER_GIVE_UP_MS;
  }

  /** Learn from one record written by a worker. */
  async record(record: RowRecord): Promise<void> {
    const answer = answerOf(record);
    if (answer === null) return;
    const now = this.now();
    await this.apply(this.governor.record(answer === 'throttled', now));
    if (answer === 'ok' || answer === 'failed') await this.breaker(answer === 'failed', now);
  }

  /** Let time pass (called every second): the governor recovers in quiet seconds. */
  async tick(): Promise<void> {
    await this.apply(this.governor.roll(this.now()));
  }

  private async apply(change: GovernorChange | null): Promise<void> {
    if (!change) return;
    await this.bucket.setRate(change.limit);
    if (change.kind === 'paused' && change.pauseMs !== undefined) await this.bucket.pause(change.pauseMs);
    if (change.kind !== 'rising') this.onChange(change);
  }

  private async breaker(failed: boolean, now: number): Promise<void> {
    if (now < this.pausedUntil) return;
    this.recent.push(failed);
    if (failed) this.failures++;
    if (this.recent.length > BREAKER_WINDOW && this.recent.shift()) this.failures--;
    const tripped = this.recent.length >= BREAKER_MIN_SENDS && this.failures / this.recent.length > BREAKER_FAILURE_SHARE;
    if (!tripped) {
      if (this.failures === 0) {
        this.troubleSince = 0;
        this.cooldownMs = BREAKER_FIRST_COOLDOWN_MS;
      }
      return;
    }
    this.troubleSince ||= now;
    const failures = this.failures;
    const window = this.recent.length;
    this.recent.length = 0;
    this.failures = 0;
    this.pausedUntil = now + this.cooldownMs;
    await this.bucket.pause(this.cooldownMs);
    this.onChange({ kind: 'breaker-open', failures, window, cooldownMs: this.cooldownMs });
    this.cooldownMs = Math.min(BREAKER_MAX_COOLDOWN_MS, this.cooldownMs * 2);
  }
}
