/** The wechat channel's flags and defaults (placeholder until the channel is built). */
import { ConfigError } from '../../errors.js';
import type { ChannelSpec } from '../spec.js';

export const wechatSpec: ChannelSpec = {
  name: 'wechat',
  summary: 'wechat (not built yet)',
  defaultTo: 'openid',
  defaultKey: 'openid',
  defaultConcurrency: 16,
  options: [],
  load: () => Promise.reject(new ConfigError('--channel wechat is not available in this build')),
};
