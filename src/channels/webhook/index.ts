/** Creates the webhook channel from `herald send` options. */
import { ConfigError } from '../../errors.js';
import type { Channel, ChannelSetup } from '../channel.js';
import { createAgent } from '../http/pool.js';
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
  const agent = createAgent({ connections: setup.concurrency, timeoutMs: setup.timeoutMs, insecureTls: options.insecureTls === true });
  return new WebhookChannel(template, agent) as Channel;
}
