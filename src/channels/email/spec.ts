/** The email channel's flags and defaults (placeholder until the channel is built). */
import { ConfigError } from '../../errors.js';
import type { ChannelSpec } from '../spec.js';

export const emailSpec: ChannelSpec = {
  name: 'email',
  summary: 'email (not built yet)',
  defaultTo: 'email',
  defaultKey: 'email',
  defaultConcurrency: 5,
  options: [],
  load: () => Promise.reject(new ConfigError('--channel email is not available in this build')),
};
