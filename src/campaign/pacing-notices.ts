/**
 * The pacer's changes as lines for people, coalesced: the throttle governor may lower the limit
 * every second and a failing provider fails probe after probe, but a person needs one line when
 * the run slows down, one when it recovers, and a reminder now and then, with rates rounded
 * ("slowing to ~200/s"). Pure: the clock comes in; `tick()` releases what waited for its turn.
 */
import { formatDuration } from '../config/parse-duration.js';
import { formatRoughRate } from '../config/parse-rate.js';
import type { BreakerChange } from '../pacing/circuit-breaker.js';
import type { GovernorChange } from '../pacing/throttle-governor.js';

/** Shortest time between two throttling notices. */
export const THROTTLE_NOTICE_EVERY_MS = 5_000;
/** Shortest time between two "still failing" notices while the circuit breaker stays open. */
export const BREAKER_NOTICE_EVERY_MS = 30_000;

/** A line to print, and whether it is a warning (always shown) or information (hidden by --quiet). */
export interface PacingNotice {
  readonly text: string;
  readonly level: 'info' | 'warning';
}

function limitText(limit: number | null): string {
  return limit === null ? 'no limit' : formatRoughRate(limit);
}

/** Turns pacer changes into few, rounded lines. */
export class PacingNotices {
  private throttleSaidAt = Number.NEGATIVE_INFINITY;
  private saidLimit: string | null = null;
  private pendingLimit: number | null | undefined;
  private pauses = 0;
  private throttled = false;
  private breakerSaidAt = Number.NEGATIVE_INFINITY;
  private failedProbes = 0;

  /**
   * @param now the run's clock
   * @param failure what the recent failures have in common ("503: upstream unavailable"), or null
   * @param giveUpMs how long the breaker may stay open before the run gives up
   */
  constructor(
    private readonly now: () => number,
    private readonly failure: () => string | null,
    private readonly giveUpMs: number,
  ) {}

  /** A pacer change: the line to print now, or null (it waits for its turn, or says nothing new). */
  change(change: GovernorChange | BreakerChange): PacingNotice | null {
    return 'kind' in change ? this.governor(change) : this.breaker(change);
  }

  /** Called now and then: a slow-down that waited for its turn, once its turn has come. */
  tick(): PacingNotice | null {
    if (this.pendingLimit === undefined && this.pauses === 0) return null;
    if (this.now() - this.throttleSaidAt < THROTTLE_NOTICE_EVERY_MS) return null;
    return this.sayThrottle();
  }

  private governor(change: GovernorChange): PacingNotice | null {
    if (change.kind === 'rising') return null;
    if (change.kind === 'recovered') {
      const was = this.throttled;
      this.reset();
      return was ? { text: `throttling over: back to ${limitText(change.limit)}`, level: 'info' } : null;
    }
    this.throttled = true;
    this.pendingLimit = change.limit;
    if (change.kind === 'paused') this.pauses++;
    return this.tick();
  }

  private sayThrottle(): PacingNotice | null {
    const limit = this.pendingLimit === undefined ? null : limitText(this.pendingLimit);
    const pauses = this.pauses;
    this.pendingLimit = undefined;
    this.pauses = 0;
    if (pauses === 0 && limit === this.saidLimit) return null;
    this.throttleSaidAt = this.now();
    if (limit !== null) this.saidLimit = limit;
    const rate = limit === null ? '' : `slowing to ${limit}`;
    if (pauses === 0) return { text: `provider is throttling: ${rate}`, level: 'info' };
    const paused = pauses === 1 ? 'pausing' : `paused ${pauses} times`;
    return { text: `provider is throttling most sends: ${paused}${rate ? `, ${rate}` : ''}`, level: 'info' };
  }

  private breaker(change: BreakerChange): PacingNotice | null {
    const failure = this.failure();
    const why = failure === null ? '' : `; most failed with ${failure}`;
    if (change.state === 'closed') {
      this.failedProbes = 0;
      return { text: 'sends succeed again: circuit closed', level: 'info' };
    }
    if (change.state !== 'open') return null;
    const cooldown = formatDuration(change.cooldownMs ?? 0);
    if (!change.probeFailed) {
      this.failedProbes = 0;
      this.breakerSaidAt = this.now();
      return { text: `${change.failures} of the last ${change.window} sends failed: pausing ${cooldown}, then one probe${why}`, level: 'warning' };
    }
    this.failedProbes++;
    if (this.now() - this.breakerSaidAt < BREAKER_NOTICE_EVERY_MS && this.failedProbes > 1) return null;
    this.breakerSaidAt = this.now();
    const probes = this.failedProbes === 1 ? 'the probe failed too' : `${this.failedProbes} probes failed`;
    return { text: `still failing: ${probes}; next probe in ${cooldown}, giving up after ${formatDuration(this.giveUpMs)} of failures${why}`, level: 'warning' };
  }

  private reset(): void {
    this.throttled = false;
    this.saidLimit = null;
    this.pendingLimit = undefined;
    this.pauses = 0;
    this.throttleSaidAt = Number.NEGATIVE_INFINITY;
  }
}
