/**
 * A worker's pacer: sends start when the campaign's shared bucket says so, so the sum of every
 * worker's sends keeps to --rate, and a pause the governor sets (a throttling storm, an open
 * breaker) holds every worker. The governor itself runs where every answer arrives, in the send
 * process; a worker only follows.
 */
import type { AnswerFeedback } from '../pacing/answer-feedback.js';
import type { Pacer, Permit } from '../pacing/pacer.js';
import type { Clock } from '../pacing/clock.js';
import { GO, checkGates, gatesPauseReason, type GateVerdict, type GatedRow, type PauseReason, type RowGate } from '../pacing/row-gate.js';
import { sleep } from '../pacing/sleep.js';
import type { SharedBucket } from './shared-bucket.js';

const PERMIT: Permit = { probe: false };
/** How long a worker trusts that an unlimited campaign is still unpaused. */
const STATE_TTL_MS = 100;

/** The pacer of one worker on one campaign. */
export class SharedPacer implements Pacer {
  /**
   * @param gates this worker's row gates: the sending window (a row outside it goes back to the
   *   queue until it opens) and the deadline; the quota is the send process's, at enqueue
   */
  constructor(
    private readonly bucket: SharedBucket,
    private readonly gates: readonly RowGate[] = [],
    private readonly clock: Clock = { now: Date.now, realMs: (ms) => ms },
  ) {}

  readonly breakerOpenSince = 0;

  admitRow(row: GatedRow): GateVerdict {
    return this.gates.length === 0 ? GO : checkGates(this.gates, row, this.clock.now());
  }

  pauseReason(): PauseReason | null {
    return this.gates.length === 0 ? null : gatesPauseReason(this.gates, this.clock.now());
  }

  dispatched(): void {}

  settled(): void {}

  /** Every send asks the shared bucket: nothing is free without a round trip. */
  tryAcquire(): Permit | null {
    return null;
  }

  async acquire(count: number, signal: AbortSignal): Promise<Permit> {
    // A campaign without --rate, not paused: no token to take, only the pause to look at now and then.
    if (await this.unlimited()) return PERMIT;
    for (;;) {
      signal.throwIfAborted();
      const { taken, waitMs } = await this.bucket.take(count);
      if (waitMs >= 1) await sleep(waitMs, signal);
      if (taken) return PERMIT;
    }
  }

  private unlimitedUntil = 0;

  /** Whether the campaign has no rate and is not paused (looked up at most every STATE_TTL_MS). */
  private async unlimited(): Promise<boolean> {
    const now = Date.now();
    if (now < this.unlimitedUntil) return true;
    const state = await this.bucket.state();
    const free = state.rate === null && !state.paused;
    this.unlimitedUntil = free ? now + STATE_TTL_MS : 0;
    return free;
  }

  /** Answers are the governor's to weigh (it sees every worker's); a worker only follows. */
  record(_feedback: AnswerFeedback): void {}
}
