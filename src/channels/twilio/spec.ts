/** The twilio channel's flags and defaults. */
import type { ChannelSpec } from '../spec.js';

/**
 * Sends in flight by default: Twilio answers 20429 past an account's concurrent-request limit,
 * and each sender number drains its queue at its own pace (1 segment/s for a US long code), so
 * more connections rarely help.
 */
const DEFAULT_CONCURRENCY = 8;

export const twilioSpec: ChannelSpec = {
  name: 'twilio',
  summary: 'Twilio SMS: Messages API (HTTP Basic), one request per row',
  defaultTo: 'phone',
  defaultKey: 'phone',
  defaultConcurrency: DEFAULT_CONCURRENCY,
  options: [
    { flags: '--from <number>', description: 'sender: a Twilio number in E.164 (+14155552671) or an alphanumeric sender ID' },
    { flags: '--messaging-service-sid <sid>', description: 'sender: a Messaging Service (MG…) that picks the number' },
    { flags: '--template <file>', description: 'the SMS body with {{field}} placeholders (the file\'s text less one trailing newline)', path: true },
    { flags: '--insecure-tls', description: 'do not verify TLS certificates of the provider or receiver (testing only)' },
  ],
  load: async () => (await import('./channel.js')).twilioModule,
};
