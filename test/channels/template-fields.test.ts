// templateFields(): every {{field}} (or field a flag names) each channel's templates and templated
// flags use, with where it is, for the check against the input's header before the first send.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Channel } from '../../src/channels/channel.js';
import { findChannel } from '../../src/channels/registry.js';
import { testSetup } from '../helpers/channel-setup.js';
import { useWorkspace } from '../helpers/workspace.js';

const ws = useWorkspace();

/** The channel in --dry-run (no credentials needed) with these options, files written to the test's folder. */
async function channel(name: string, options: Record<string, unknown>, files: Record<string, string> = {}): Promise<Channel> {
  for (const [file, text] of Object.entries(files)) writeFileSync(join(ws.dir, file), text);
  const spec = findChannel(name)!;
  const setup = testSetup({ toField: spec.defaultTo, concurrency: 1, timeoutMs: 1000, cwd: ws.dir }, {}, options, { dryRun: true });
  return ws.own(await (await spec.load()).create(setup));
}

describe('templateFields()', () => {
  it('email: the template (headers and body), --text, --html and --unsubscribe, each field once per place', async () => {
    const email = await channel(
      'email',
      { template: 'welcome.html', text: 'welcome.txt', unsubscribe: 'https://shop.example/u?e={{email}}&list={{list}}' },
      {
        'welcome.html': 'From: News <news@shop.example>\nTo: {{name}} <{{email}}>\nSubject: Hi {{name}}, {{code}}\nAttachment: {{invoice}}.pdf\n\n<p>{{name}}: {{code}}</p>\n',
        'welcome.txt': 'Hello {{name}} from {{city}}\n',
      },
    );
    expect(email.templateFields!()).toEqual([
      { field: 'name', where: '--template welcome.html' },
      { field: 'email', where: '--template welcome.html' },
      { field: 'code', where: '--template welcome.html' },
      { field: 'invoice', where: '--template welcome.html' },
      { field: 'name', where: '--text welcome.txt' },
      { field: 'city', where: '--text welcome.txt' },
      { field: 'email', where: '--unsubscribe' },
      { field: 'list', where: '--unsubscribe' },
    ]);
    const withHtml = await channel('email', { template: 'note.txt', html: 'part.html' }, { 'note.txt': 'From: news@shop.example\nSubject: Hi\n\nHello\n', 'part.html': '<b>{{name}}</b>\n' });
    expect(withHtml.templateFields!()).toEqual([{ field: 'name', where: '--html part.html' }]);
  });

  it('aliyun-sms: the field of each --param', async () => {
    const aliyun = await channel('aliyun-sms', { signName: '某某商城', templateCode: 'SMS_1', param: ['name=会员姓名', 'coupon=code'] });
    expect(aliyun.templateFields!()).toEqual([
      { field: '会员姓名', where: '--param name' },
      { field: 'code', where: '--param coupon' },
    ]);
  });

  it('twilio: the fields of the --template body', async () => {
    const twilio = await channel('twilio', { from: '+14155550000', template: 'body.txt' }, { 'body.txt': 'Hi {{name}}, code {{code}}. {{name}}, reply STOP to opt out.\n' });
    expect(twilio.templateFields!()).toEqual([
      { field: 'name', where: '--template body.txt' },
      { field: 'code', where: '--template body.txt' },
    ]);
  });

  it('wechat: --data (a field, or text with {{fields}}), --link and --miniprogram-page', async () => {
    const wechat = await channel('wechat', {
      templateId: 'TPL_1',
      data: ['character_string1=order_no', 'thing2=Order for {{name}} in {{city}}'],
      link: 'https://shop.example/orders/{{order_no}}',
      miniprogramAppid: 'wx0123456789abcdef',
      miniprogramPage: 'pages/order?id={{order_no}}&u={{Contact Phone}}',
    });
    expect(wechat.templateFields!()).toEqual([
      { field: 'order_no', where: '--data character_string1' },
      { field: 'name', where: '--data thing2' },
      { field: 'city', where: '--data thing2' },
      { field: 'order_no', where: '--link' },
      { field: 'order_no', where: '--miniprogram-page' },
      { field: 'Contact Phone', where: '--miniprogram-page' },
    ]);
  });

  it('lists nothing for a channel whose templates use no field', async () => {
    const twilio = await channel('twilio', { from: '+14155550000', template: 'fixed.txt' }, { 'fixed.txt': 'Our store opens at 9.\n' });
    expect(twilio.templateFields!()).toEqual([]);
  });
});
