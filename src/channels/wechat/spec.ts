/** The wechat channel's flags and defaults, and its simulator's flags. */
import type { ChannelModule } from '../channel.js';
import type { ChannelSpec, MockModule } from '../spec.js';

/** WeChat template messages: flags of `herald send --channel wechat` and of `herald mock wechat`. */
export const wechatSpec: ChannelSpec = {
  name: 'wechat',
  summary: 'WeChat Official Account template messages (WECHAT_APPID, WECHAT_APPSECRET)',
  defaultTo: 'openid',
  defaultKey: 'openid',
  // WeChat allows far more, but template sends count against a per-minute API quota: 16 in
  // flight is over 100 messages a second at WeChat's usual latency.
  defaultConcurrency: 16,
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
  mock: {
    examples: ['herald mock wechat', 'herald mock wechat --token-uses 500 --daily-quota 1000 --unsubscribed oLVPpjqs9BhvzwPj5A-vTYAX3GLc'],
    description: 'WeChat Official Account API: stable_token, token and template sends, with quotas and faults',
    options: [
      { flags: '--port <n>', description: 'port on 127.0.0.1 (0: any free port)', defaultValue: '0' },
      { flags: '--appid <appid>', description: 'the AppID it accepts (default: a fixed test AppID)' },
      { flags: '--secret <secret>', description: 'the AppSecret it accepts (default: a random one, printed)' },
      { flags: '--token-ttl <seconds>', description: 'access token lifetime (expires_in)', defaultValue: '7200' },
      { flags: '--token-uses <n>', description: 'a token expires after this many sends (0: never)', defaultValue: '0' },
      { flags: '--daily-quota <n>', description: 'template messages per day; then 45009 until a new day', defaultValue: '100000' },
      { flags: '--minute-quota <n>', description: 'template send calls per minute; then 45011 (0: no limit)', defaultValue: '0' },
      { flags: '--unsubscribed <openid>', description: 'an openid that unfollowed: 43004 (repeatable)', repeatable: true },
      { flags: '--refused <openid>', description: 'an openid that refuses template messages: 43101 (repeatable)', repeatable: true },
      { flags: '--template <id>', description: 'a template ID it knows; others get 40037 (repeatable; default: any)', repeatable: true },
      { flags: '--fail-rate <r>', description: 'fraction of sends answered -1 (system busy), 0 to 1', defaultValue: '0' },
      { flags: '--delay-rate <r>', description: 'fraction of accepted sends answered late (after --delay), 0 to 1', defaultValue: '0' },
      { flags: '--delay <ms>', description: 'how late delayed answers come', defaultValue: '0' },
      { flags: '--token-delay <ms>', description: 'how long token requests take to answer', defaultValue: '0' },
      { flags: '--seed <n>', description: 'seed of the fault injection (default: random)' },
    ],
    load: (): Promise<MockModule> => import('../../mock/wechat/server.js'),
  },
};
