/** The wechat channel's flags and defaults. */
import type { ChannelModule } from '../channel.js';
import type { ChannelSpec } from '../spec.js';

/** WeChat template messages: flags of `herald send --channel wechat` and defaults. */
export const wechatSpec: ChannelSpec = {
  name: 'wechat',
  summary: 'WeChat Official Account template messages (WECHAT_APPID, WECHAT_APPSECRET)',
  defaultTo: 'openid',
  defaultKey: 'openid',
  // WeChat allows far more, but template sends count against a per-minute API quota: 16 in
  // flight is over 100 messages a second at WeChat's usual latency.
  defaultConcurrency: 16,
  // No query for a message's fate, and client_msg_id de-duplicates for 10 minutes only.
  retryLeavesInDoubt: true,
  options: [
    { flags: '--template-id <id>', description: 'wechat: the template ID (from My Templates in the Official Account console)' },
    {
      flags: '--data <NAME=FIELD>',
      description: "wechat: fill template keyword NAME with the row's FIELD, or with text holding {{field}} (repeatable)",
      repeatable: true,
    },
    { flags: '--color <NAME=#hex>', description: "wechat: colour of keyword NAME's value, e.g. keyword1=#173177 (repeatable)", repeatable: true },
    { flags: '--link <url>', description: 'wechat: page the message opens (templated; values are URL-encoded)' },
    { flags: '--miniprogram-appid <appid>', description: 'wechat: open this mini program (bound to the Official Account) instead of --link' },
    { flags: '--miniprogram-page <page>', description: 'wechat: mini program page path, e.g. pages/order?id={{order_no}} (templated)' },
    {
      flags: '--token-cache <file>',
      description: 'wechat: share the access token with other herald processes on this machine through FILE (mode 0600)',
    },
  ],
  load: (): Promise<ChannelModule> => import('./channel.js'),
};
