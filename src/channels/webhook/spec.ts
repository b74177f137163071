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
};
