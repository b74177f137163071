/** The webhook channel's flags and defaults. */
import { ConfigError } from '../../errors.js';
import type { ChannelSpec } from '../spec.js';

export const webhookSpec: ChannelSpec = {
  name: 'webhook',
  summary: 'HTTP request per row through a keep-alive pool (undici)',
  defaultTo: null,
  defaultKey: 'id',
  defaultConcurrency: 16,
  options: [],
  load: () => Promise.reject(new ConfigError('--channel webhook is not available in this build')),
};
