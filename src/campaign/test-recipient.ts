/**
 * A test send (`--test-to ADDRESS`): every row is rendered as it would be, but its recipient field
 * holds ADDRESS instead, so each message reaches the person testing and never the customer. The
 * channel is wrapped; the row's key is read before (the planner sees the real row), so rows stay
 * distinct. A row the campaign would refuse (a malformed recipient) is refused here too, for the
 * same reason: the test shows what the campaign will do.
 */
import type { Channel } from '../channels/channel.js';
import type { RowFields } from '../input/row.js';
import { overriding } from './wrap-channel.js';

/** `inner`, with the value of `toField` replaced by `address` in every row it prepares. */
export function toTestRecipient<M>(inner: Channel<M>, toField: string, address: string): Channel<M> {
  return overriding(inner, {
    prepare: (fields: RowFields) => {
      const real = inner.prepare(fields);
      return real.ok ? inner.prepare({ ...fields, [toField]: address }) : real;
    },
  });
}
