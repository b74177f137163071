/** The aliyun-sms channel's flags and defaults (placeholder until the channel is built). */
import { ConfigError } from '../../errors.js';
import type { ChannelSpec } from '../spec.js';

export const aliyunSmsSpec: ChannelSpec = {
  name: 'aliyun-sms',
  summary: 'aliyun-sms (not built yet)',
  defaultTo: 'phone',
  defaultKey: 'phone',
  defaultConcurrency: 16,
  options: [],
  load: () => Promise.reject(new ConfigError('--channel aliyun-sms is not available in this build')),
};
