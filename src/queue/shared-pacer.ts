/**
 * A worker's pacer: sends start when the campaign's shared bucket says so, so the sum of every
 * worker's sends keeps to --rate, and a pause the governor sets (a throttling storm, an open
 * breaker) holds every worker. The governor itself runs where every answer arrives, in the send
 * process; a worker only follows.
 */
import type { AnswerFeedback } from '../pacing/answer-feedback.js';
import type { Pacer, Permit } from '../pacing/pacer.js';
import { GO, type GateVerdict, type PauseReason } from '../pacing/row-gate.js';
import { sleep } from '../pacing/sleep.js';
import type { SharedBucket } from './shared-bucket.js';

const PERMIT: Permit = { probe: false };

/** The pacer of one worker on one campaign. */
export class SharedPacer implements Pacer {
  constructor(private readonly bucket: SharedBucket) {}

  readonly breakerOpenSince = 0;

  admitRow(): GateVerdict {
    return GO;
  }

  pauseReason(): PauseReason | null {
    return null;
  }

  dispatched(): void {}

  settled(): void {}

  /** Every send asks the shared bucket: nothing is free without a round trip. */
  tryAcquire(): Permit | null {
    return null;
  }

  async acquire(count: number, signal: AbortSignal): Promise<Permit> {
    for (;;) {
      signal.throwIfAborted();
      const { taken, waitMs } = await this.bucket.take(count);
      if (waitMs >= 1) await sleep(waitMs, signal);
      if (taken) return PERMIT;
    }
  }

  /** Answers are the governor's to weigh (it sees every worker's); a worker only follows. */
  record(_feedback: AnswerFeedback): void {}
}
