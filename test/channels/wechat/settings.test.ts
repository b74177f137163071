// The wechat channel's settings: every mistake is one ConfigError naming the flag or variable.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { readSettings } from '../../../src/channels/wechat/settings.js';

const SECRET = '0123456789abcdef0123456789abcdef';
const ENV = { WECHAT_APPID: 'wx1234567890abcdef', WECHAT_APPSECRET: SECRET };
const BASE = { templateId: 'tpl-1', data: ['keyword1=order_no'] };
const resolvePath = (path: string) => `/abs/${path}`;

function problem(options: Record<string, unknown>, env: Record<string, string> = ENV, dryRun = false): string {
  try {
    readSettings(options, env, dryRun, resolvePath);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).not.toContain(SECRET);
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('expected a ConfigError');
}

describe('wechat settings', () => {
  it('reads a full configuration', () => {
    const settings = readSettings(
      {
        ...BASE,
        data: ['first=greeting', 'keyword2=Order {{order_no}}'],
        color: ['keyword2=#173177'],
        link: 'https://shop.example/o/{{order_no}}',
        miniprogramAppid: 'wxaaaaaaaaaaaaaaaa',
        miniprogramPage: 'pages/order?id={{order_no}}',
        tokenCache: 'cache/token.json',
      },
      { ...ENV, HERALD_WECHAT_ENDPOINT: 'https://proxy.example/wechat/' },
      false,
      resolvePath,
    );
    expect(settings).toMatchObject({
      appid: ENV.WECHAT_APPID,
      origin: 'https://proxy.example',
      basePath: '/wechat',
      templateId: 'tpl-1',
      data: [
        { name: 'first', source: 'greeting' },
        { name: 'keyword2', source: 'Order {{order_no}}', color: '#173177' },
      ],
      tokenCache: '/abs/cache/token.json',
    });
  });

  it('defaults the endpoint to api.weixin.qq.com and lets --dry-run go without credentials', () => {
    const settings = readSettings(BASE, {}, true, resolvePath);
    expect(settings).toMatchObject({ origin: 'https://api.weixin.qq.com', basePath: '', appid: null, secret: null });
  });

  // Each row: options, environment, and the words the message must hold.
  const cases: [string, Record<string, unknown>, Record<string, string>, RegExp][] = [
    ['no appid', BASE, { WECHAT_APPSECRET: SECRET }, /^WECHAT_APPID is not set/],
    ['no secret', BASE, { WECHAT_APPID: ENV.WECHAT_APPID }, /^WECHAT_APPSECRET is not set/],
    ['malformed appid', BASE, { ...ENV, WECHAT_APPID: 'gh_123' }, /^WECHAT_APPID 'gh_123': expected 'wx' and 16/],
    ['endpoint not a URL', BASE, { ...ENV, HERALD_WECHAT_ENDPOINT: 'api.weixin' }, /^HERALD_WECHAT_ENDPOINT 'api.weixin'/],
    ['plain http to a remote host', BASE, { ...ENV, HERALD_WECHAT_ENDPOINT: 'http://proxy.example' }, /plain http is allowed only to a loopback/],
    ['endpoint with a query', BASE, { ...ENV, HERALD_WECHAT_ENDPOINT: 'https://p.example/?a=1' }, /without query/],
    ['no template id', { data: BASE.data }, ENV, /^--template-id is required/],
    ['template id with spaces', { ...BASE, templateId: 'a b' }, ENV, /^--template-id 'a b'/],
    ['no data', { templateId: 'tpl' }, ENV, /^--data NAME=FIELD is required/],
    ['data without =', { ...BASE, data: ['keyword1'] }, ENV, /^--data 'keyword1': expected NAME=FIELD/],
    ['data keyword twice', { ...BASE, data: ['k1=a', 'k1=b'] }, ENV, /keyword 'k1' is given twice/],
    ['data keyword not a name', { ...BASE, data: ['1st=a'] }, ENV, /'1st' is not a template keyword/],
    ['colour not hex', { ...BASE, color: ['keyword1=red'] }, ENV, /^--color 'keyword1=red': expected NAME=#rrggbb/],
    ['colour for no keyword', { ...BASE, color: ['remark=#ff0000'] }, ENV, /--color remark=…: no --data remark=FIELD/],
    ['link without scheme', { ...BASE, link: 'shop.example/{{id}}' }, ENV, /^--link 'shop.example\/\{\{id\}\}': expected an http\(s\) URL/],
    ['link starting with a placeholder', { ...BASE, link: '{{url}}' }, ENV, /^--link/],
    ['page without appid', { ...BASE, miniprogramPage: 'pages/a' }, ENV, /--miniprogram-page needs --miniprogram-appid/],
    ['malformed mini program appid', { ...BASE, miniprogramAppid: 'app' }, ENV, /^--miniprogram-appid 'app'/],
  ];
  for (const [name, options, env, expected] of cases) {
    it(`refuses ${name}`, () => {
      expect(problem(options, env)).toMatch(expected);
    });
  }

  it('allows plain http to a loopback simulator', () => {
    const settings = readSettings(BASE, { ...ENV, HERALD_WECHAT_ENDPOINT: 'http://127.0.0.1:4000' }, false, resolvePath);
    expect(settings.origin).toBe('http://127.0.0.1:4000');
  });
});
