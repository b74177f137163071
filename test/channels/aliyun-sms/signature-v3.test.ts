// Signature V3 (ACS3-HMAC-SHA256), as `herald mock aliyun-sms` verifies it: the published test
// vectors (PROVIDERS.md §A.6), then a request signed V3 against the simulator, as the official
// SDK (@alicloud/dysmsapi20170525) sends it by default.
import { request as httpRequest } from 'undici';
import { describe, expect, it } from 'vitest';
import { startAliyunMock } from '../../../src/mock/aliyun-sms/server.js';
import { MOCK_ACCESS_KEY_ID, MOCK_ACCESS_KEY_SECRET } from '../../../src/mock/aliyun-sms/options.js';
import { authorizationV3, canonicalRequest, headersToSign, parseAuthorization, sha256Hex, signatureMatchesV3, signCanonical, type V3Request } from '../../../src/mock/aliyun-sms/signature-v3.js';
import { finished, spawnHerald } from '../../helpers/cli.js';
import { useWorkspace } from '../../helpers/workspace.js';

const EMPTY = sha256Hex('');

/** TV-A5: Aliyun's own V3 example (ECS RunInstances). */
const TV_A5: V3Request = {
  method: 'POST',
  path: '/',
  query: [
    ['ImageId', 'win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd'],
    ['RegionId', 'cn-shanghai'],
  ],
  headers: {
    host: 'ecs.cn-shanghai.aliyuncs.com',
    'x-acs-action': 'RunInstances',
    'x-acs-version': '2014-05-26',
    'x-acs-date': '2023-10-26T10:22:32Z',
    'x-acs-signature-nonce': '3156853299f313e23d1673dc12e1703d',
    'x-acs-content-sha256': EMPTY,
  },
};

/** TV-A6: SendSms signed V3 with TV-A1's business parameters. */
const TV_A6: V3Request = {
  method: 'POST',
  path: '/',
  query: [
    ['OutId', '123'],
    ['PhoneNumbers', '15300000001'],
    ['SignName', '阿里云短信测试专用'],
    ['TemplateCode', 'SMS_71390007'],
    ['TemplateParam', '{"customer":"test"}'],
  ],
  headers: {
    host: 'dysmsapi.aliyuncs.com',
    'x-acs-action': 'SendSms',
    'x-acs-version': '2017-05-25',
    'x-acs-date': '2017-07-12T02:42:19Z',
    'x-acs-signature-nonce': '45e25e9b-0a6f-4070-8c85-2956eda1b466',
    'x-acs-content-sha256': EMPTY,
  },
};

describe('signature V3 (ACS3-HMAC-SHA256)', () => {
  it.each([
    // each row: the vector, its secret, the SHA-256 of its canonical request, its signature
    ['TV-A5 (official ECS example)', TV_A5, 'YourAccessKeySecret', '7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259', '06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0'],
    ['TV-A6 (SendSms, derived)', TV_A6, 'testSecret', '650dceea999a72239c05fed30c8f88498259450e39db01fe0f1cf4c1bf59797a', '5fe5104f3ecef07ba84b850facd963195ac98ccac2c99aa8266852c4f247521c'],
  ])('%s', (_name, request, secret, hashed, signature) => {
    const signed = headersToSign(request.headers);
    expect(signed).toEqual(['host', 'x-acs-action', 'x-acs-content-sha256', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-version']);
    const canonical = canonicalRequest(request, signed);
    expect(sha256Hex(canonical)).toBe(hashed);
    expect(signCanonical(canonical, secret)).toBe(signature);
    const auth = parseAuthorization(authorizationV3(request, 'AK', secret))!;
    expect(auth).toEqual({ accessKeyId: 'AK', signedHeaders: signed, signature });
    expect(signatureMatchesV3(request, auth, secret)).toBe(true);
    expect(signatureMatchesV3(request, auth, `${secret}x`)).toBe(false);
    expect(signatureMatchesV3({ ...request, query: [...request.query, ['Extra', '1']] }, auth, secret)).toBe(false);
  });

  it('reads only well-formed ACS3 Authorization headers', () => {
    expect(parseAuthorization(undefined)).toBeNull();
    expect(parseAuthorization('Basic abc')).toBeNull();
    expect(parseAuthorization('ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=host')).toBeNull();
    expect(parseAuthorization(`ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=host,Signature=${'0'.repeat(63)}`)).toBeNull();
  });
});

const ws = useWorkspace();

/** A SendSms request signed V3 as the official SDK sends it: business parameters in the query, empty body. */
async function sendV3(url: string, query: [string, string][], options: { secret?: string; nonce?: string; date?: string } = {}) {
  const target = new URL(url);
  const headers: Record<string, string> = {
    host: target.host,
    'x-acs-action': 'SendSms',
    'x-acs-version': '2017-05-25',
    'x-acs-date': options.date ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'x-acs-signature-nonce': options.nonce ?? crypto.randomUUID(),
    'x-acs-content-sha256': EMPTY,
  };
  const request: V3Request = { method: 'POST', path: '/', query, headers };
  const authorization = authorizationV3(request, MOCK_ACCESS_KEY_ID, options.secret ?? MOCK_ACCESS_KEY_SECRET);
  const search = new URLSearchParams(query).toString().replace(/\+/g, '%20');
  const answer = await httpRequest(`${url}/?${search}`, { method: 'POST', headers: { ...headers, authorization } });
  return { status: answer.statusCode, body: (await answer.body.json()) as Record<string, unknown> };
}

describe('herald mock aliyun-sms and signature V3', () => {
  const query: [string, string][] = [
    ['PhoneNumbers', '13800000001'],
    ['SignName', '某某商城'],
    ['TemplateCode', 'SMS_123456789'],
    ['TemplateParam', '{"name":"张三 & 李四"}'],
    ['OutId', 'v3-1'],
  ];

  it("`herald mock aliyun-sms` (the process) accepts a SendSms signed V3, the official SDK's default", async () => {
    const mock = spawnHerald(['mock', 'aliyun-sms', '--port', '0']);
    const output = finished(mock, 30_000);
    let exports = '';
    mock.stdout?.on('data', (chunk: Buffer) => (exports += chunk.toString('utf8')));
    for (let waited = 0; !exports.includes('ALIBABA_CLOUD_ACCESS_KEY_SECRET') && waited < 10_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    const env = Object.fromEntries([...exports.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
    const answer = await sendV3(env.HERALD_ALIYUN_ENDPOINT!, query, { secret: env.ALIBABA_CLOUD_ACCESS_KEY_SECRET! });
    mock.kill('SIGINT');
    const { stderr } = await output;
    expect(answer).toMatchObject({ status: 200, body: { Code: 'OK', Message: 'OK' } });
    expect(String(answer.body.BizId)).toMatch(/\^0$/);
    expect(stderr).toContain('signatures verified 1, wrong 0; 1 SMS accepted');
  });

  it('serves a V3 request with its parameters as the V1 path does', async () => {
    const mock = ws.own(await startAliyunMock({ seed: '1' }, () => undefined));
    expect((await sendV3(mock.url, query)).body.Code).toBe('OK');
    expect(mock.messages()).toEqual([expect.objectContaining({ phone: '13800000001', outId: 'v3-1' })]);
    expect(mock.counters()).toMatchObject({ signaturesVerified: 1, signatureFailures: 0 });
  });

  it('refuses a wrong secret, a reused nonce and a stale date, in Aliyun\'s words', async () => {
    const mock = ws.own(await startAliyunMock({ seed: '1' }, () => undefined));
    expect(await sendV3(mock.url, query, { secret: 'wrong' })).toMatchObject({ status: 400, body: { Code: 'SignatureDoesNotMatch' } });
    const nonce = 'same-nonce-1';
    expect((await sendV3(mock.url, query, { nonce })).body.Code).toBe('OK');
    expect((await sendV3(mock.url, [...query.slice(0, 4), ['OutId', 'v3-2']], { nonce })).body.Code).toBe('SignatureNonceUsed');
    expect((await sendV3(mock.url, query, { date: '2017-07-12T02:42:19Z' })).body.Code).toBe('InvalidTimeStamp.Expired');
    expect(mock.counters()).toMatchObject({ accepted: 1, signatureFailures: 1 });
  });
});
