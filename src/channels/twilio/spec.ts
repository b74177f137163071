/** The twilio channel's flags and defaults (placeholder until the channel is built). */
import { ConfigError } from '../../errors.js';
import type { ChannelSpec } from '../spec.js';

export const twilioSpec: ChannelSpec = {
  name: 'twilio',
  summary: 'twilio (not built yet)',
  defaultTo: 'phone',
  defaultKey: 'phone',
  defaultConcurrency: 8,
  options: [],
  load: () => Promise.reject(new ConfigError('--channel twilio is not available in this build')),
};
