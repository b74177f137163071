// The Dysmsapi simulator checks what Aliyun's gateway and SMS service check, and answers in
// their format: requests are built by hand here, signed or mis-signed on purpose.
import { randomUUID } from 'node:crypto';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { rpcTimestamp } from '../../../src/channels/aliyun-sms/rpc-client.js';
import { signedQuery } from '../../../src/channels/aliyun-sms/signature.js';
import { MOCK_ACCESS_KEY_ID, MOCK_ACCESS_KEY_SECRET } from '../../../src/mock/aliyun-sms/options.js';
import { startAliyunMock, type AliyunMockServer } from '../../../src/mock/aliyun-sms/server.js';

let mock: AliyunMockServer | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

async function start(options: Record<string, unknown> = {}): Promise<AliyunMockServer> {
  mock = await startAliyunMock(options, () => {});
  return mock;
}

function common(action: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    AccessKeyId: MOCK_ACCESS_KEY_ID,
    Action: action,
    Format: 'JSON',
    SignatureMethod: 'HMAC-SHA1',
    SignatureNonce: randomUUID(),
    SignatureVersion: '1.0',
    Timestamp: rpcTimestamp(new Date()),
    Version: '2017-05-25',
    ...overrides,
  };
}

const SMS = { PhoneNumbers: '13800138000', SignName: '阿里云短信测试', TemplateCode: 'SMS_154950909', TemplateParam: '{"code":"1234"}', OutId: 'o-1' };

async function call(method: 'GET' | 'POST', params: Record<string, string>, secret = MOCK_ACCESS_KEY_SECRET) {
  const query = signedQuery(method, params, secret);
  const response =
    method === 'GET'
      ? await request(`${mock!.url}/?${query}`)
      : await request(`${mock!.url}/`, { method, body: query, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  return { status: response.statusCode, type: String(response.headers['content-type']), text: await response.body.text() };
}

describe('Aliyun SMS simulator gateway', () => {
  it('accepts a correctly signed GET and POST, answering like Aliyun', async () => {
    await start();
    for (const [method, phone] of [['GET', '13800138000'], ['POST', '13800138001']] as const) {
      const answer = await call(method, { ...common('SendSms'), ...SMS, PhoneNumbers: phone });
      expect(answer.status).toBe(200);
      const body = JSON.parse(answer.text);
      expect(body).toMatchObject({ Code: 'OK', Message: 'OK' });
      expect(body.BizId).toMatch(/^\d+\^0$/);
      expect(body.RequestId).toMatch(/^[0-9A-F-]{36}$/);
    }
    expect(mock!.counters().signaturesVerified).toBe(2);
  });

  it('answers XML when Format is not JSON (Aliyun\'s default)', async () => {
    await start();
    const params = common('SendSms');
    delete params.Format;
    const answer = await call('POST', { ...params, ...SMS });
    expect(answer.type).toContain('text/xml');
    expect(answer.text).toMatch(/^<\?xml version='1.0' encoding='UTF-8'\?><SendSmsResponse>.*<Code>OK<\/Code>.*<\/SendSmsResponse>$/);
  });

  it.each([
    // [what is wrong, params override, secret, status, code]
    ['wrong secret', {}, 'not-the-secret', 400, 'SignatureDoesNotMatch'],
    ['unknown key', { AccessKeyId: 'LTAIunknown' }, undefined, 404, 'InvalidAccessKeyId.NotFound'],
    ['timestamp 20 minutes old', { Timestamp: rpcTimestamp(new Date(Date.now() - 20 * 60_000)) }, undefined, 400, 'InvalidTimeStamp.Expired'],
    ['timestamp with milliseconds', { Timestamp: new Date().toISOString() }, undefined, 400, 'InvalidTimeStamp.Format'],
    ['no nonce', { SignatureNonce: '' }, undefined, 400, 'MissingSignatureNonce'],
    ['wrong version', { Version: '2018-01-01' }, undefined, 400, 'InvalidVersion'],
    ['unknown action', { Action: 'SendMail' }, undefined, 404, 'InvalidAction.NotFound'],
    ['SHA-256 method', { SignatureMethod: 'HMAC-SHA256' }, undefined, 400, 'InvalidSignatureMethod'],
  ])('refuses a request with %s', async (_what, override, secret, status, code) => {
    await start();
    const answer = await call('POST', { ...common('SendSms', override), ...SMS }, secret);
    expect(answer.status).toBe(status);
    const body = JSON.parse(answer.text);
    expect(body).toMatchObject({ Code: code, HostId: 'dysmsapi.aliyuncs.com' });
    expect(body.Recommend).toContain(code);
    expect(mock!.counters().accepted).toBe(0);
  });

  it('tells the server string to sign on SignatureDoesNotMatch, without the secret', async () => {
    await start();
    const answer = await call('POST', { ...common('SendSms'), ...SMS }, 'not-the-secret');
    const body = JSON.parse(answer.text);
    expect(body.Message).toContain('server string to sign is:POST&%2F&AccessKeyId%3D');
    expect(answer.text).not.toContain(MOCK_ACCESS_KEY_SECRET);
    expect(mock!.counters().signatureFailures).toBe(1);
  });

  it('refuses a nonce used before', async () => {
    await start();
    const params = { ...common('SendSms'), ...SMS };
    expect(JSON.parse((await call('POST', params)).text).Code).toBe('OK');
    const again = await call('POST', { ...params, PhoneNumbers: '13800138009' });
    expect(JSON.parse(again.text).Code).toBe('SignatureNonceUsed');
  });
});

describe('Aliyun SMS simulator business checks', () => {
  it.each([
    // [what, params, code]
    ['no sign name', { ...SMS, SignName: '' }, 'MissingSignName'],
    ['a malformed number', { ...SMS, PhoneNumbers: '12345' }, 'isv.MOBILE_NUMBER_ILLEGAL'],
    ['a number value in TemplateParam', { ...SMS, TemplateParam: '{"code":1234}' }, 'isv.INVALID_JSON_PARAM'],
    ['TemplateParam that is not JSON', { ...SMS, TemplateParam: 'code=1234' }, 'isv.INVALID_JSON_PARAM'],
    ['an unapproved signature', { ...SMS, SignName: '别家' }, 'isv.SMS_SIGNATURE_ILLEGAL'],
    ['an unknown template', { ...SMS, TemplateCode: 'SMS_1' }, 'isv.SMS_TEMPLATE_ILLEGAL'],
    ['a missing template variable', { ...SMS, TemplateParam: '{"other":"x"}' }, 'isv.TEMPLATE_MISSING_PARAMETERS'],
    ['an OutId over 256 characters', { ...SMS, OutId: 'x'.repeat(257) }, 'isv.INVALID_PARAMETERS'],
  ])('SendSms with %s answers %s', async (_what, sms, code) => {
    await start({ signNames: '阿里云短信测试', template: ['SMS_154950909=您的验证码为${code}'] });
    const answer = await call('POST', { ...common('SendSms'), ...sms });
    expect(JSON.parse(answer.text).Code).toBe(code);
  });

  it.each([
    // [what, params, code]
    ['arrays of different lengths', { PhoneNumberJson: '["13800138000","13800138001"]', SignNameJson: '["阿里云"]' }, 'isv.INVALID_PARAMETERS'],
    ['101 numbers', { PhoneNumberJson: JSON.stringify(Array.from({ length: 101 }, (_, i) => `1380013${String(i).padStart(4, '0')}`)), SignNameJson: JSON.stringify(Array(101).fill('阿里云')) }, 'isv.MOBILE_COUNT_OVER_LIMIT'],
    ['TemplateParamJson of another length', { PhoneNumberJson: '["13800138000"]', SignNameJson: '["阿里云"]', TemplateParamJson: '[{},{}]' }, 'isv.INVALID_PARAMETERS'],
  ])('SendBatchSms with %s answers %s', async (_what, batch, code) => {
    await start();
    const answer = await call('POST', { ...common('SendBatchSms'), TemplateCode: 'SMS_1', ...batch });
    expect(JSON.parse(answer.text).Code).toBe(code);
  });

  it('serves QuerySendDetails from what it accepted, by number and China-time date', async () => {
    await start({ template: ['SMS_154950909=您的验证码为${code}'] });
    await call('POST', { ...common('SendSms'), ...SMS, PhoneNumbers: '+8613800138000' });
    const date = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10).replace(/-/g, '');
    const query = { PhoneNumber: '13800138000', SendDate: date, PageSize: '10', CurrentPage: '1' };
    const body = JSON.parse((await call('POST', { ...common('QuerySendDetails'), ...query })).text);
    expect(body).toMatchObject({ Code: 'OK', TotalCount: '1' });
    expect(body.SmsSendDetailDTOs.SmsSendDetailDTO[0]).toMatchObject({
      PhoneNum: '13800138000',
      OutId: 'o-1',
      TemplateCode: 'SMS_154950909',
      Content: '【阿里云短信测试】您的验证码为1234',
    });
    const other = JSON.parse((await call('POST', { ...common('QuerySendDetails'), ...query, SendDate: '20200101' })).text);
    expect(other).toMatchObject({ Code: 'OK', TotalCount: '0', SmsSendDetailDTOs: { SmsSendDetailDTO: [] } });
    const bad = JSON.parse((await call('POST', { ...common('QuerySendDetails'), ...query, SendDate: '2020-01-01' })).text);
    expect(bad.Code).toBe('isv.INVALID_PARAMETERS');
  });

  it('returns the variables that point herald at it', async () => {
    await start();
    expect(mock!.env).toEqual({
      HERALD_ALIYUN_ENDPOINT: mock!.url,
      ALIBABA_CLOUD_ACCESS_KEY_ID: MOCK_ACCESS_KEY_ID,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: MOCK_ACCESS_KEY_SECRET,
    });
    expect(mock!.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(mock!.stats()).toContain('0 requests');
  });

  it('refuses bad simulator flags with the flag named', async () => {
    await expect(startAliyunMock({ fault: ['isp.SYSTEM_ERROR=often'] }, () => {})).rejects.toThrow('--fault isp.SYSTEM_ERROR: WHEN must be');
    await expect(startAliyunMock({ fault: ['nonsense=0.1'] }, () => {})).rejects.toThrow('--fault must be NAME=WHEN');
    await expect(startAliyunMock({ error: ['123=isv.MOBILE_NUMBER_ILLEGAL'] }, () => {})).rejects.toThrow("'123' is not a number");
    await expect(startAliyunMock({ perMinute: '-1' }, () => {})).rejects.toThrow('--per-minute must be a whole number');
  });
});
