/** Creates the webhook channel from `herald send` options. */
import { ConfigError } from '../../errors.js';
import type { Channel, ChannelSetup } from '../channel.js';
import { createAgent, createWarmConnector } from '../http/pool.js';
import { preflightOrigin } from './preflight.js';
import { RequestTemplate } from './request-template.js';
import { WebhookChannel } from './webhook-channel.js';

/** The environment variable --url defaults to (printed by `herald mock webhook`). */
export const WEBHOOK_URL_VARIABLE = 'HERALD_WEBHOOK_URL';

/** Build the webhook channel; throws ConfigError naming the flag to fix. */
export async function create(setup: ChannelSetup): Promise<Channel> {
  const options = setup.options;
  const url = (options.url as string | undefined) ?? setup.env[WEBHOOK_URL_VARIABLE];
  if (url === undefined || url.trim() === '') {
    throw new ConfigError(`--channel webhook needs --url URL (or ${WEBHOOK_URL_VARIABLE} in the environment)`);
  }
  const template = new RequestTemplate({
    url: url.trim(),
    method: (options.method as string | undefined) ?? 'POST',
    headers: (options.header as string[] | undefined) ?? [],
    bodyFile: options.body as string | undefined,
    cwd: setup.cwd,
    env: setup.env,
    allowTemplatedHost: options.allowTemplatedHost === true,
    secret: (value) => setup.secrets?.add(value),
  });
  const pool = { connections: setup.concurrency, timeoutMs: setup.timeoutMs, insecureTls: options.insecureTls === true };
  const connector = createWarmConnector(pool);
  const origin = preflightOrigin(url, setup.env);
  const setting = options.url !== undefined ? '--url' : WEBHOOK_URL_VARIABLE;
  const preflight = origin === null ? null : { target: { url: origin, setting }, connector };
  return new WebhookChannel(template, createAgent(pool, connector), preflight) as Channel;
}
