/**
 * The channel of a worker that cannot send a campaign (its environment lacks the channel's
 * secrets, or a setting it needs): as the contract says, every row it takes is recorded
 * `failed`/`fatal` with the reason naming what is missing, and the campaign stops as on any fatal
 * answer. Nothing is sent.
 */
import type { Channel, SendResult } from '../channels/channel.js';

/** A channel that answers every row with `fatal` and `detail`. */
export function refusingChannel(name: string, detail: string): Channel<null> {
  const refusal: SendResult = { outcome: 'fatal', code: null, detail };
  return {
    name,
    dedupeWindowMs: 0,
    prepare: () => ({ ok: true, message: null }),
    send: () => Promise.resolve(refusal),
    describe: () => '(not sent: this worker cannot send the campaign)',
    close: () => Promise.resolve(),
  };
}
