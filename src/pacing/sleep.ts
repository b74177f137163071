/** A sleep that ends early, rejecting with the signal's reason, when the signal aborts. */
import { setTimeout as delay } from 'node:timers/promises';

/** Wait `ms` milliseconds unless `signal` aborts first. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return delay(Math.max(0, ms), undefined, { signal });
}
