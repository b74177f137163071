/**
 * The send process's watch over a run through workers: a stop set by a worker, the governor's
 * verdicts, rows nobody takes, the wait for the workers' sends in flight at the end, and the
 * governor's changes as the user reads them.
 */
import type { Queue } from 'bullmq';
import { formatRate } from '../config/parse-rate.js';
import { gatesPauseReason } from '../pacing/row-gate.js';
import { readStop, stopReasonOf } from '../queue/control.js';
import { within } from '../queue/bounded.js';
import { redisWhere } from '../queue/redis-connection.js';
import type { RemoteChange, RemoteGovernor } from '../queue/remote-governor.js';
import type { ResultReader } from '../queue/result-reader.js';
import type { Coordinator } from './queue-coordinator.js';
import type { QueueCampaignRun } from './queue-run.js';
import type { RunObserver } from './run-campaign.js';

/** How long rows may wait untaken before the user hears that no worker serves the campaign. */
const NO_WORKER_NOTICE_MS = 10_000;

/** Every quarter second: a stop set by a worker (or the governor's verdict), and the governor's recovery. */
export async function watch(run: QueueCampaignRun, state: Coordinator, governor: RemoteGovernor, reader: ResultReader, observer: RunObserver): Promise<void> {
  try {
    if (!state.heardFromWorkers && state.firstQueuedAt > 0 && Date.now() - state.firstQueuedAt > NO_WORKER_NOTICE_MS) {
      state.heardFromWorkers = true;
      observer.notice(`no worker has taken a row for ${NO_WORKER_NOTICE_MS / 1000} s: start one on a sending machine with: herald worker redis://${redisWhere(run.redis)}`, 'warning');
    }
    const pause = gatesPauseReason(run.gates ?? [], (run.clock?.now ?? Date.now)());
    if (pause && !state.done) state.stop({ kind: 'paused', pause });
    await governor.tick();
    if (state.unforgotten.length > 0) state.unforgotten.push(...(await reader.forget(state.unforgotten.splice(0))));
    if (governor.givenUp) state.stop({ kind: 'breaker', detail: 'most sends kept failing for 5 minutes; the provider seems down' });
    if (state.stopped) return;
    const stop = await readStop(state.redis, state.keys);
    if (stop) state.stop(stopReasonOf(stop));
  } catch {
    // Redis unreachable for a moment: the next tick tries again.
  }
}

/** Wait until every queued row is done, or the campaign stopped and the workers' sends in flight are over. */
export async function finish(state: Coordinator, queue: Queue, graceMs: number, redisLost: () => boolean): Promise<void> {
  let stoppedAt = 0;
  while (!state.done) {
    if (state.stopped) {
      if (redisLost()) return;
      stoppedAt ||= Date.now();
      const active = await within(1000, queue.getActiveCount(), 0);
      if ((active === 0 && Date.now() - state.lastResultAt > 1000) || Date.now() - stoppedAt > graceMs) return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A change of the campaign-wide governor, as a notice and its level. */
export function describeRemote(change: RemoteChange): [string, 'info' | 'warning'] {
  const limit = 'limit' in change ? (change.limit === null ? 'no limit' : formatRate(change.limit)) : '';
  switch (change.kind) {
    case 'breaker-open':
      return [`${change.failures} of the last ${change.window} sends failed: every worker pauses ${change.cooldownMs} ms`, 'warning'];
    case 'paused':
      return [`provider is throttling most sends: every worker pauses ${change.pauseMs ?? 0} ms, then ${limit}`, 'info'];
    case 'slowed':
      return [`provider is throttling: the campaign slows to ${limit}`, 'info'];
    default:
      return [`throttling over: back to ${limit}`, 'info'];
  }
}
