/** `herald mock webhook`: its description, flags and examples; the receiver loads on first use. */
import type { MockSpec } from '../spec.js';

/** The webhook receiver simulator. */
export const webhookMockSpec: MockSpec = {
  channel: 'webhook',
  examples: ['herald mock webhook', 'herald mock webhook --port 8080 --latency 10-50ms --fail-rate 0.05 --throttle-rate 0.02'],
  description: 'an HTTP receiver that honours Idempotency-Key and can inject latency, 500s, 429s and reset connections',
  options: [
    { flags: '--port <port>', description: 'port to listen on (default: any free port)' },
    { flags: '--latency <ms>', description: 'answer after this long, or a range like 10-50ms', defaultValue: '0' },
    { flags: '--fail-rate <share>', description: 'share of requests answered 500 (0..1)', defaultValue: '0' },
    { flags: '--throttle-rate <share>', description: 'share of requests answered 429 with Retry-After (0..1)', defaultValue: '0' },
    { flags: '--reset-rate <share>', description: 'share of connections reset without an answer (0..1)', defaultValue: '0' },
    { flags: '--retry-after <seconds>', description: 'Retry-After sent with 429s', defaultValue: '1' },
    { flags: '--verbose', description: 'print one line per request' },
  ],
  load: () => import('./index.js'),
};
