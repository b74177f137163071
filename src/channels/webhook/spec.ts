/** The webhook channel's flags and defaults. */
import type { ChannelSpec } from '../spec.js';

export const webhookSpec: ChannelSpec = {
  name: 'webhook',
  summary: 'one HTTP request per row through a keep-alive pool (undici); sends Idempotency-Key',
  defaultTo: null,
  defaultKey: 'id',
  defaultConcurrency: 16,
  options: [
    { flags: '--url <url>', description: 'webhook: request URL, templated ({{field}} values are percent-encoded); default $HERALD_WEBHOOK_URL' },
    { flags: '--method <method>', description: 'webhook: HTTP method', defaultValue: 'POST' },
    { flags: '--header <header>', description: 'webhook: "Name: value" header, templated; ${VAR} takes a secret from the environment (repeatable)', repeatable: true },
    { flags: '--body <file>', description: 'webhook: body template; in a .json body placeholders stand inside strings ("{{name}}"); default: the row as JSON', path: true },
    { flags: '--allow-templated-host', description: 'webhook: let {{placeholders}} stand in the scheme, host or port of --url; each row then chooses where the request and its headers (tokens included) go' },
    { flags: '--insecure-tls', description: 'do not verify TLS certificates of the provider or receiver (testing only)' },
  ],
  load: () => import('./index.js'),
  mock: {
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
    load: () => import('../../mock/webhook/index.js'),
  },
};
