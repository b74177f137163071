// Every injected fault ends as PROVIDERS.md §G says; fatal answers say what to fix; the secret
// never appears in any result, description or warning.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { aliyunSmsSpec } from '../../../src/channels/aliyun-sms/spec.js';
import type { Channel, SendResult } from '../../../src/channels/channel.js';
import { MOCK_ACCESS_KEY_SECRET } from '../../../src/mock/aliyun-sms/options.js';
import type { AliyunMockServer } from '../../../src/mock/aliyun-sms/server.js';
import { drive, makeSetup } from '../sms/harness.js';
import { useWorkspace } from '../../helpers/workspace.js';
import { findMock } from '../../../src/mock/registry.js';

const OPTIONS = { signName: '某某商城', templateCode: 'SMS_123456789', param: ['name=name'] };
const ws = useWorkspace();

async function startMock(options: Record<string, unknown>): Promise<AliyunMockServer> {
  return ws.own((await (await findMock('aliyun-sms')!.load()).start(options, () => {})) as AliyunMockServer);
}

async function channelFor(env: Record<string, string | undefined>, options: Record<string, unknown> = {}, timeoutMs = 5_000): Promise<Channel> {
  const channel = await (await aliyunSmsSpec.load()).create(makeSetup(env, { ...OPTIONS, ...options }, { timeoutMs }));
  ws.own(channel);
  return channel;
}

function row(i: number): Record<string, string> {
  return { phone: `1390000${String(i).padStart(4, '0')}`, name: `n${i}` };
}

async function sendOne(channel: Channel, i = 0, timeoutMs = 5_000): Promise<SendResult> {
  const [first] = await drive(channel, [row(i)], { concurrency: 1, timeoutMs });
  return first!.result;
}

function expectNoSecret(texts: readonly (string | undefined)[]): void {
  for (const text of texts) expect(text ?? '').not.toContain(MOCK_ACCESS_KEY_SECRET);
}

describe('aliyun-sms classification of injected faults', () => {
  it.each([
    // [fault, outcome, scope or fix named in detail]
    ['isp.SYSTEM_ERROR', 'retryable', undefined], // Aliyun: call again
    ['InternalError', 'retryable', undefined], // gateway 500
    ['ServiceUnavailable', 'retryable', undefined], // gateway 503
    ['Throttling.User', 'throttled', 'channel'], // the whole run slows down
    ['Throttling', 'throttled', 'channel'],
    ['isv.MOBILE_NUMBER_ILLEGAL', 'permanent', undefined], // this number cannot receive it
    ['isv.TEMPLATE_MISSING_PARAMETERS', 'permanent', undefined],
    ['isv.BLACK_KEY_CONTROL_LIMIT', 'permanent', undefined],
    ['isv.INVALID_JSON_PARAM', 'permanent', undefined],
    ['isv.AMOUNT_NOT_ENOUGH', 'fatal', 'top up'], // balance: stop the run
    ['isv.OUT_OF_SERVICE', 'fatal', 'top up'],
    ['isv.DAY_LIMIT_CONTROL', 'fatal', 'SMS console'],
    ['isv.MONTH_LIMIT_CONTROL', 'fatal', 'SMS console'],
    ['isv.SMS_TEMPLATE_ILLEGAL', 'fatal', '--template-code'],
    ['isv.SMS_SIGNATURE_ILLEGAL', 'fatal', '--sign-name'],
    ['isv.DENY_IP_RANGE', 'fatal', 'IP address'],
    ['isp.RAM_PERMISSION_DENY', 'fatal', 'RAM'],
    ['SignatureDoesNotMatch', 'fatal', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET'],
    ['InvalidAccessKeyId.NotFound', 'fatal', 'ALIBABA_CLOUD_ACCESS_KEY_ID'],
    ['InvalidTimeStamp.Expired', 'fatal', 'clock'],
  ])('%s ends %s', async (fault, outcome, hint) => {
    const mock = await startMock({ fault: [`${fault}=first:1`] });
    const channel = await channelFor(mock.env);
    const result = await sendOne(channel);
    expect(result.outcome).toBe(outcome);
    expect(result.code).toBe(fault);
    expect(result.unknown).toBeUndefined();
    if (outcome === 'throttled') expect(result.scope).toBe(hint);
    else if (hint !== undefined) expect(result.detail).toContain(hint);
    expect(mock.counters().accepted).toBe(0);
    // The fault hit the first request only: the next send goes through.
    expect((await sendOne(channel, 1)).outcome).toBe('ok');
    expectNoSecret([result.detail]);
  });

  it.each([
    // [behaviour, code] - the request reached the simulator: outcome unknown, never a blind resend
    ['hang', 'TIMEOUT'], // accepted, never answered
    ['late', 'TIMEOUT'], // accepted, answered after the timeout
    ['drop', 'UND_ERR_SOCKET'], // connection closed before an answer
  ])('%s is retryable with an unknown outcome', async (behaviour, code) => {
    const mock = await startMock({ fault: [`${behaviour}=first:1`], lateMs: '3000' });
    const channel = await channelFor(mock.env, {}, 1_000);
    const result = await sendOne(channel, 0, 1_000);
    expect(result).toMatchObject({ outcome: 'retryable', unknown: true, code });
    expect(mock.counters().accepted).toBe(behaviour === 'drop' ? 0 : 1);
  });

  it('faults at set rates: every injected fault is classified as its kind, every other row is accepted', async () => {
    const mock = await startMock({ fault: ['isp.SYSTEM_ERROR=10%', 'Throttling.User=0.1', 'InternalError=5%'], seed: '7' });
    const channel = await channelFor(mock.env);
    const results = await drive(channel, Array.from({ length: 300 }, (_, i) => row(i)), { concurrency: 8, timeoutMs: 5_000 });
    const count = (outcome: string, code: string) => results.filter((r) => r.result.outcome === outcome && r.result.code === code).length;
    const { faults, accepted } = mock.counters();
    expect(faults['isp.SYSTEM_ERROR']).toBeGreaterThan(0);
    expect(faults['Throttling.User']).toBeGreaterThan(0);
    expect(count('retryable', 'isp.SYSTEM_ERROR')).toBe(faults['isp.SYSTEM_ERROR']);
    expect(count('retryable', 'InternalError')).toBe(faults.InternalError ?? 0);
    expect(count('throttled', 'Throttling.User')).toBe(faults['Throttling.User']);
    expect(count('ok', 'OK')).toBe(accepted);
    expect(accepted + faults['isp.SYSTEM_ERROR']! + faults['Throttling.User']! + (faults.InternalError ?? 0)).toBe(300);
  });

  it('isv.AMOUNT_NOT_ENOUGH after 20 accepted: the rest are fatal, none is accepted beyond the balance', async () => {
    const mock = await startMock({ fault: ['isv.AMOUNT_NOT_ENOUGH=after:20'] });
    const channel = await channelFor(mock.env);
    const results = await drive(channel, Array.from({ length: 50 }, (_, i) => row(i)), { concurrency: 4, timeoutMs: 5_000 });
    expect(results.filter((r) => r.result.outcome === 'ok')).toHaveLength(20);
    expect(results.filter((r) => r.result.outcome === 'fatal' && r.result.code === 'isv.AMOUNT_NOT_ENOUGH')).toHaveLength(30);
    expect(mock.counters().accepted).toBe(20);
  });
});

describe('aliyun-sms per-number flow control (isv.BUSINESS_LIMIT_CONTROL)', () => {
  it.each([
    // [simulator limits, outcome, retryAfterMs]
    [{ perMinute: '1' }, 'throttled', 60_000], // minute level: that number waits a minute
    [{ perMinute: '0', perHour: '1' }, 'throttled', 3_600_000], // hour level: an hour
    [{ perMinute: '0', perDay: '1' }, 'permanent', undefined], // day level: outlasts the run
  ])('limits %j: the second SMS to a number ends %s', async (limits, outcome, retryAfterMs) => {
    const mock = await startMock(limits);
    const channel = await channelFor(mock.env);
    expect((await sendOne(channel, 7)).outcome).toBe('ok');
    const second = await sendOne(channel, 7);
    expect(second.outcome).toBe(outcome);
    expect(second.code).toBe('isv.BUSINESS_LIMIT_CONTROL');
    if (outcome === 'throttled') expect(second).toMatchObject({ scope: 'recipient', retryAfterMs });
    // Other numbers are not affected.
    expect((await sendOne(channel, 8)).outcome).toBe('ok');
  });
});

describe('aliyun-sms batches with a per-number refusal', () => {
  it('a refused number in a SendBatchSms call fails alone; the others are sent one by one', async () => {
    const mock = await startMock({ error: ['13900000003=isv.MOBILE_NUMBER_ILLEGAL'] });
    const channel = await channelFor(mock.env, { batch: '10' });
    const results = await drive(channel, Array.from({ length: 10 }, (_, i) => row(i)), { concurrency: 1, timeoutMs: 10_000, batch: 10 });
    const bad = results.find((r) => r.key === '13900000003')!;
    expect(bad.result).toMatchObject({ outcome: 'permanent', code: 'isv.MOBILE_NUMBER_ILLEGAL' });
    expect(results.filter((r) => r.result.outcome === 'ok')).toHaveLength(9);
    expect(mock.counters().byAction).toEqual({ SendBatchSms: 1, SendSms: 10 });
    expect(mock.counters().accepted).toBe(9);
  });

  it('a flow-controlled number in a batch waits alone; the others are sent', async () => {
    const mock = await startMock({});
    const channel = await channelFor(mock.env, { batch: '5' });
    expect((await sendOne(channel, 2)).outcome).toBe('ok');
    const results = await drive(channel, Array.from({ length: 5 }, (_, i) => row(i)), { concurrency: 1, timeoutMs: 10_000, batch: 5 });
    expect(results.find((r) => r.key === '13900000002')!.result).toMatchObject({ outcome: 'throttled', scope: 'recipient' });
    expect(results.filter((r) => r.result.outcome === 'ok')).toHaveLength(4);
    expect(mock.messages().filter((m) => m.phone === '13900000002')).toHaveLength(1);
  });
});

describe('aliyun-sms credentials and endpoint', () => {
  it('a wrong secret is fatal (found by verify before any send), names the variable, never shows the secret', async () => {
    const mock = await startMock({});
    const wrong = 'definitely-not-the-secret';
    const warnings: string[] = [];
    const setup = makeSetup({ ...mock.env, ALIBABA_CLOUD_ACCESS_KEY_SECRET: wrong }, OPTIONS, { warn: (l) => warnings.push(l) });
    const channel = await (await aliyunSmsSpec.load()).create(setup);
    ws.own(channel);
    const verified = await channel.verify!(AbortSignal.timeout(5_000));
    expect(verified).toMatchObject({ outcome: 'fatal', code: 'SignatureDoesNotMatch' });
    expect(verified!.detail).toContain('ALIBABA_CLOUD_ACCESS_KEY_SECRET');
    const sent = await sendOne(channel);
    expect(sent).toMatchObject({ outcome: 'fatal', code: 'SignatureDoesNotMatch' });
    expect(mock.counters().signatureFailures).toBe(2);
    expect(mock.counters().accepted).toBe(0);
    const prepared = channel.prepare(row(0));
    const described = prepared.ok ? channel.describe(prepared.message, 'k') : '';
    for (const text of [verified!.detail, sent.detail, described, ...warnings]) {
      expect(text).not.toContain(wrong);
      expect(text).not.toContain(MOCK_ACCESS_KEY_SECRET);
    }
  });

  it('an unknown AccessKey ID is fatal and names ALIBABA_CLOUD_ACCESS_KEY_ID', async () => {
    const mock = await startMock({});
    const channel = await channelFor({ ...mock.env, ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAInobody' });
    const verified = await channel.verify!(AbortSignal.timeout(5_000));
    expect(verified).toMatchObject({ outcome: 'fatal', code: 'InvalidAccessKeyId.NotFound' });
    expect(verified!.detail).toContain('ALIBABA_CLOUD_ACCESS_KEY_ID');
  });

  it('an endpoint that is not Aliyun (HTML 404) is fatal and names HERALD_ALIYUN_ENDPOINT', async () => {
    const server: Server = createServer((_req, res) => res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    ws.own({ close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const channel = await channelFor({ HERALD_ALIYUN_ENDPOINT: endpoint, ALIBABA_CLOUD_ACCESS_KEY_ID: 'a', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'b' });
    const result = await sendOne(channel);
    expect(result).toMatchObject({ outcome: 'fatal', code: '404' });
    expect(result.detail).toContain('HERALD_ALIYUN_ENDPOINT');
  });

  it('a refused connection is retryable and known not to have been sent', async () => {
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const channel = await channelFor({ HERALD_ALIYUN_ENDPOINT: `http://127.0.0.1:${port}`, ALIBABA_CLOUD_ACCESS_KEY_ID: 'a', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'b' });
    const result = await sendOne(channel);
    expect(result).toMatchObject({ outcome: 'retryable', code: 'ECONNREFUSED' });
    expect(result.unknown).toBeUndefined();
  });
});
