/** `herald mock wechat`: its description, flags and examples; the server loads on first use. */
import type { MockModule, MockSpec } from '../spec.js';

/** The WeChat Official Account API simulator. */
export const wechatMockSpec: MockSpec = {
  channel: 'wechat',
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
  load: (): Promise<MockModule> => import('./server.js'),
};
