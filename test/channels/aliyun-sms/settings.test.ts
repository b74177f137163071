// Settings are checked before anything is sent: one line naming the flag or variable, the rule
// and the value received; --dry-run needs no credentials; describe() and tally() show the SMS.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aliyunSmsSpec } from '../../../src/channels/aliyun-sms/spec.js';
import { ConfigError } from '../../../src/errors.js';
import { makeSetup } from '../sms/harness.js';

const ENV = { ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAIid', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'shh-secret' };
const OPTIONS = { signName: '某某商城', templateCode: 'SMS_123456789', param: ['name=name', 'code=code'] };
const FIXTURES = join(import.meta.dirname, '../../../fixtures/sms');

async function create(env: Record<string, string | undefined>, options: Record<string, unknown>, dryRun = false) {
  const setup = makeSetup(env, options, { dryRun, cwd: FIXTURES });
  const channel = await (await aliyunSmsSpec.load()).create(setup);
  return { channel, setup };
}

describe('aliyun-sms settings', () => {
  it.each([
    // [env, options, message fragment]
    [ENV, { ...OPTIONS, signName: undefined }, '--sign-name is required'],
    [ENV, { ...OPTIONS, templateCode: '' }, '--template-code is required'],
    [ENV, { ...OPTIONS, param: ['name'] }, "--param must be NAME=FIELD (a template variable and a column), got 'name'"],
    [ENV, { ...OPTIONS, param: ['name=a', 'name=b'] }, '--param name is given twice'],
    [ENV, { ...OPTIONS, batch: '101' }, "--batch must be a whole number from 1 to 100 (SendBatchSms's limit), got '101'"],
    [ENV, { ...OPTIONS, batch: 'ten' }, "got 'ten'"],
    [{ ...ENV, HERALD_ALIYUN_ENDPOINT: 'ftp://x' }, OPTIONS, 'HERALD_ALIYUN_ENDPOINT must be an http(s) URL'],
    [{ ...ENV, HERALD_ALIYUN_ENDPOINT: 'https://dysmsapi.aliyuncs.com/?Action=SendSms' }, OPTIONS, 'no query'],
    [{ ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAIid' }, OPTIONS, 'ALIBABA_CLOUD_ACCESS_KEY_SECRET is not set'],
    [{ ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'x' }, OPTIONS, 'ALIBABA_CLOUD_ACCESS_KEY_ID is not set'],
    [ENV, { ...OPTIONS, param: ['name=name'], templateText: 'aliyun-template.txt' }, 'uses ${code}, which no --param gives'],
    [ENV, { ...OPTIONS, param: [...OPTIONS.param, 'x=y'], templateText: 'aliyun-template.txt' }, 'has no ${x}'],
    [ENV, { ...OPTIONS, templateText: 'missing.txt' }, '--template-text missing.txt: cannot read it (ENOENT)'],
  ])('%#: refuses with a ConfigError naming the setting', async (env, options, fragment) => {
    const attempt = create(env, options);
    await expect(attempt).rejects.toBeInstanceOf(ConfigError);
    await expect(attempt).rejects.toThrow(fragment);
  });

  it('never puts the secret in a ConfigError', async () => {
    const attempt = create({ ...ENV, HERALD_ALIYUN_ENDPOINT: 'nope' }, OPTIONS);
    await expect(attempt).rejects.toThrow(/HERALD_ALIYUN_ENDPOINT/);
    await attempt.catch((error: Error) => expect(error.message).not.toContain(ENV.ALIBABA_CLOUD_ACCESS_KEY_SECRET));
  });

  it('warns about a plain-HTTP endpoint that is not loopback', async () => {
    const { setup, channel } = await create({ ...ENV, HERALD_ALIYUN_ENDPOINT: 'http://sms-proxy.internal' }, OPTIONS);
    await channel.close();
    expect(setup.warnings.join('\n')).toContain('plain HTTP');
  });
});

describe('aliyun-sms prepare, describe and tally', () => {
  it('--dry-run needs no credentials; describe shows the whole SMS and its billed length, tally the segments', async () => {
    const { channel } = await create({}, { ...OPTIONS, templateText: 'aliyun-template.txt' }, true);
    const prepared = channel.prepare({ phone: '+86 138 0013 8000', name: '王小明', code: '493027' });
    expect(prepared.ok).toBe(true);
    if (!prepared.ok) return;
    const text = channel.describe(prepared.message, 'key-1');
    expect(text).toContain('PhoneNumbers:  13800138000');
    expect(text).toContain('TemplateParam: {"name":"王小明","code":"493027"}');
    expect(text).toContain('OutId:         key-1');
    expect(text).toContain('【某某商城】您的验证码为493027，王小明，5分钟内有效，请勿泄露。');
    expect(channel.tally!(prepared.message)).toEqual({ messages: 1, segments: 1 });
    await channel.close();
  });

  it.each([
    // [name length, billed SMS]: 【某某商城】 (6) + template (21 with a 1-digit code) + name
    [43, 1], // 70 characters: one SMS
    [44, 2], // 71: two parts of 67
    [107, 2], // 134: still two
    [108, 3], // 135: three
  ])('a mainland SMS with a %i-character name bills %i', async (length, segments) => {
    const { channel } = await create({}, { ...OPTIONS, templateText: 'aliyun-template.txt' }, true);
    const prepared = channel.prepare({ phone: '13800138000', name: '长'.repeat(length), code: '1' });
    if (!prepared.ok) throw new Error(prepared.reason);
    expect(channel.tally!(prepared.message)).toEqual({ messages: 1, segments });
  });

  it('an international number is counted as GSM-7 or UCS-2, without the 【signature】', async () => {
    const { channel } = await create({}, { ...OPTIONS, templateText: 'aliyun-template.txt' }, true);
    const prepared = channel.prepare({ phone: '+85291234567', name: 'Ann', code: '1' });
    if (!prepared.ok) throw new Error(prepared.reason);
    expect(prepared.message).toMatchObject({ phone: '85291234567', content: '您的验证码为1，Ann，5分钟内有效，请勿泄露。' });
    expect(channel.tally!(prepared.message)).toEqual({ messages: 1, segments: 1 });
  });

  it('without --template-text, tally counts messages only and describe says how to see the SMS', async () => {
    const { channel } = await create({}, OPTIONS, true);
    const prepared = channel.prepare({ phone: '13800138000', name: 'a', code: 1234 });
    if (!prepared.ok) throw new Error(prepared.reason);
    expect(prepared.message).toMatchObject({ templateParam: '{"name":"a","code":"1234"}' });
    expect(channel.tally!(prepared.message)).toEqual({ messages: 1 });
    expect(channel.describe(prepared.message, 'k')).toContain('--template-text');
  });

  it.each([
    // [row, reason fragment]
    [{ name: 'a', code: '1' }, "row lacks the phone field 'phone' (--to)"], // no phone column
    [{ phone: '12345', name: 'a', code: '1' }, 'not a mainland mobile number'], // malformed
    [{ phone: '13800138000', code: '1' }, "--param name=name: this row lacks field 'name'"], // missing variable
  ])('%#: refuses a row that cannot be sent', async (row, reason) => {
    const { channel } = await create({}, OPTIONS, true);
    const prepared = channel.prepare(row);
    expect(prepared.ok).toBe(false);
    if (!prepared.ok) expect(prepared.reason).toContain(reason);
  });

  it('an empty value is present (sent as ""), never a silent blank for a missing field', async () => {
    const { channel } = await create({}, OPTIONS, true);
    const prepared = channel.prepare({ phone: '13800138000', name: '', code: '1' });
    expect(prepared).toMatchObject({ ok: true, message: { templateParam: '{"name":"","code":"1"}' } });
  });
});
