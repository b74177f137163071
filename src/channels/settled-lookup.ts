/**
 * The settle rule shared by reconcilers: a provider may not list a message it accepted a moment
 * ago, so "not listed" proves absence only once the attempt is `settleMs` old. A lookup that finds
 * nothing sooner waits until then and looks once more (or says `unknown` when the run stops first).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Reconciliation } from './channel.js';

/** Look up; if absent while the attempt is younger than `settleMs`, wait and look again. */
export async function settledLookup(
  lookUp: () => Promise<Reconciliation>,
  attemptedAt: Date,
  settleMs: number,
  signal: AbortSignal,
  tooSoon: string,
): Promise<Reconciliation> {
  const first = await lookUp();
  const wait = attemptedAt.getTime() + settleMs - Date.now();
  if (first.state !== 'absent' || wait <= 0) return first;
  try {
    await sleep(wait, undefined, { signal });
  } catch {
    return { state: 'unknown', detail: tooSoon };
  }
  return lookUp();
}
