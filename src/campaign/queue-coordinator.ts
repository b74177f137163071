/** The shared state of one run through workers (queue-run.ts): what its tasks tell each other. */
import type { Redis } from 'ioredis';
import type { StopReason } from '../pipeline/stop-reason.js';
import { campaignStopOf, writeStop } from '../queue/control.js';
import type { Enqueuer } from '../queue/enqueuer.js';
import type { CampaignKeys } from '../queue/keys.js';
import type { FinishedRow } from '../queue/result-reader.js';
import type { RunLog } from './run-log.js';

/** The state of a run through workers, shared by its tasks. */
export class Coordinator {
  stopped: StopReason | null = null;
  planDone = false;
  lastResultAt = Date.now();
  /** Finished rows whose state Redis keeps until their jobs are gone (a worker died before completing one). */
  unforgotten: FinishedRow[] = [];
  /** Rows this run let through its gates and has not seen finish (what a quota counts in flight). */
  readonly admittedKeys = new Set<string>();
  /** When the first rows were queued (0: none yet), to say so when no worker takes them. */
  firstQueuedAt = 0;
  /** Whether any result arrived, or the user was told that none did. */
  heardFromWorkers = false;

  constructor(
    readonly redis: Redis,
    readonly keys: CampaignKeys,
    readonly log: RunLog,
    readonly enqueuer: Enqueuer,
  ) {}

  /** Stop the campaign everywhere (the first reason wins): workers see it within a moment. */
  stop(reason: StopReason): void {
    if (this.stopped) return;
    this.stopped = reason;
    this.enqueuer.wake();
    void writeStop(this.redis, this.keys, campaignStopOf(reason)).catch(() => undefined);
  }

  get done(): boolean {
    return this.planDone && this.enqueuer.pending === 0;
  }
}

