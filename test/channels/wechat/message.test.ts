// Rendering rows into template messages, and --dry-run's description of them.
import { describe, expect, it } from 'vitest';
import { create } from '../../../src/channels/wechat/channel.js';
import { createRenderer, requestBody } from '../../../src/channels/wechat/message.js';
import { readSettings } from '../../../src/channels/wechat/settings.js';
import { channelSetup } from './drive.js';

const OPENID = 'oLVPpjqs9BhvzwPj5A-vTYAX3GLc';

function renderer(options: Record<string, unknown>, toField = 'openid') {
  const settings = readSettings({ templateId: 'TPL_1', ...options }, {}, true, (p) => p);
  return createRenderer(settings, toField);
}

describe('wechat message', () => {
  it('maps --data keywords to row fields, with colours, a URL-encoded link and a mini program page', () => {
    const render = renderer({
      data: ['first=greeting', 'keyword1=order_no', 'keyword2=Total {{amount}} 元'],
      color: ['keyword2=#173177'],
      link: 'https://shop.example/orders/{{order_no}}?from=wechat',
      miniprogramAppid: 'wxaaaaaaaaaaaaaaaa',
      miniprogramPage: 'pages/order?id={{order_no}}',
    });
    const prepared = render({ openid: OPENID, greeting: '您好', order_no: 'A/1 &2', amount: 39.8 });
    expect(prepared).toEqual({
      ok: true,
      message: {
        touser: OPENID,
        template_id: 'TPL_1',
        data: {
          first: { value: '您好' },
          keyword1: { value: 'A/1 &2' },
          keyword2: { value: 'Total 39.8 元', color: '#173177' },
        },
        url: 'https://shop.example/orders/A%2F1%20%262?from=wechat',
        miniprogram: { appid: 'wxaaaaaaaaaaaaaaaa', pagepath: 'pages/order?id=A%2F1%20%262' },
      },
    });
  });

  // Each row: the row's fields and the reason it is invalid.
  const invalid: [string, Record<string, unknown>, RegExp][] = [
    ['lacks the openid field', { name: 'x' }, /no 'openid' field/],
    ['has a malformed openid', { openid: 'o bad id' }, /openid 'o bad id' is not an openid/],
    ['has an empty openid', { openid: '' }, /is not an openid/],
    ['lacks a --data field', { openid: OPENID }, /--data keyword1 uses \{\{order_no\}\}, which this row lacks/],
  ];
  for (const [name, fields, reason] of invalid) {
    it(`marks a row invalid that ${name}`, () => {
      const prepared = renderer({ data: ['keyword1=order_no'] })(fields);
      expect(prepared.ok).toBe(false);
      if (!prepared.ok) expect(prepared.reason).toMatch(reason);
    });
  }

  it('reads the recipient from the --to field', () => {
    const prepared = renderer({ data: ['keyword1=name'] }, 'fan')({ fan: OPENID, name: '李雷' });
    expect(prepared.ok && prepared.message.touser).toBe(OPENID);
  });

  it('puts the idempotency key in client_msg_id', () => {
    const prepared = renderer({ data: ['keyword1=name'] })({ openid: OPENID, name: 'Ann "A"' });
    if (!prepared.ok) throw new Error(prepared.reason);
    expect(JSON.parse(requestBody(prepared.message, 'run1-key'))).toEqual({
      touser: OPENID,
      template_id: 'TPL_1',
      data: { keyword1: { value: 'Ann "A"' } },
      client_msg_id: 'run1-key',
    });
  });

  it('describes the request in full for --dry-run, without credentials or token', async () => {
    const secret = 'abcdefabcdefabcdefabcdefabcdef12';
    const setup = channelSetup(
      { WECHAT_APPID: 'wx1234567890abcdef', WECHAT_APPSECRET: secret },
      { templateId: 'TPL_1', data: ['keyword1=name'] },
      { dryRun: true },
    );
    const channel = await create(setup);
    const prepared = channel.prepare({ openid: OPENID, name: 'Ann' });
    if (!prepared.ok) throw new Error(prepared.reason);
    const text = channel.describe(prepared.message, 'key-1');
    expect(text.split('\n')[0]).toBe('POST https://api.weixin.qq.com/cgi-bin/message/template/send?access_token=ACCESS_TOKEN');
    expect(text).toContain('"client_msg_id": "key-1"');
    expect(text).not.toContain(secret);
    expect(await channel.verify!(AbortSignal.timeout(1000))).toBeNull();
    await channel.close();
  });
});
