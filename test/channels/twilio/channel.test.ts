// The twilio channel against its simulator: Basic auth checked on every request, bodies exact,
// connections within the concurrency, every answer classified as PROVIDERS.md §G says.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Channel, SendResult } from '../../../src/channels/channel.js';
import { classifyTwilio } from '../../../src/channels/twilio/classify.js';
import { twilioSpec } from '../../../src/channels/twilio/spec.js';
import { MOCK_AUTH_TOKEN } from '../../../src/mock/twilio/options.js';
import type { TwilioMockServer } from '../../../src/mock/twilio/server.js';
import { drive, makeSetup } from '../sms/harness.js';
import { findMock } from '../../../src/mock/registry.js';

const FIXTURES = join(import.meta.dirname, '../../../fixtures/sms');
const FROM = '+14155550000';
const SERVICE = 'MG0123456789abcdef0123456789abcdef';
const OPTIONS = { from: FROM, template: 'twilio-body.txt' };
const CONCURRENCY = 8;
const ROWS = 2_000;
const open: { close(): Promise<void> }[] = [];

afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});

async function startMock(options: Record<string, unknown> = {}): Promise<TwilioMockServer> {
  const mock = (await (await findMock('twilio')!.load()).start(options, () => {})) as TwilioMockServer;
  open.push(mock);
  return mock;
}

async function channelFor(env: Record<string, string | undefined>, options: Record<string, unknown> = OPTIONS, timeoutMs = 5_000) {
  const setup = makeSetup(env, options, { concurrency: CONCURRENCY, timeoutMs, cwd: FIXTURES });
  const channel = await (await twilioSpec.load()).create(setup);
  open.push(channel);
  return { channel, setup };
}

function row(i: number): { phone: string; name: string; code: string } {
  return { phone: `+1415555${String(i).padStart(4, '0')}`, name: `Ann & "Bo" ${i}`, code: String(1000 + i) };
}

async function sendOne(channel: Channel, i = 0, timeoutMs = 5_000): Promise<SendResult> {
  const [first] = await drive(channel, [row(i)], { concurrency: 1, timeoutMs });
  return first!.result;
}

describe('twilio channel against the simulator', () => {
  it(`sends ${ROWS} rows: all accepted with their sid, bodies exact, connections within the concurrency`, async () => {
    const mock = await startMock({ numbers: FROM });
    const { channel } = await channelFor(mock.env);
    expect(await channel.verify!(AbortSignal.timeout(5_000))).toBeNull();
    const input = Array.from({ length: ROWS }, (_, i) => row(i));
    const results = await drive(channel, input, { concurrency: CONCURRENCY, timeoutMs: 10_000 });
    expect(results.filter((r) => r.result.outcome === 'ok')).toHaveLength(ROWS);
    expect(results.every((r) => /^SM[0-9a-f]{32}$/.test(r.result.messageId ?? ''))).toBe(true);
    const counters = mock.counters();
    expect(counters.accepted).toBe(ROWS);
    expect(counters.authFailures).toBe(0);
    expect(counters.connections).toBeLessThanOrEqual(CONCURRENCY);
    const byTo = new Map(mock.messages().map((m) => [m.to, m]));
    for (const r of input) {
      expect(byTo.get(r.phone)).toMatchObject({ from: FROM, messagingServiceSid: null, body: `Hi ${r.name}, your code is ${r.code}. Reply STOP to opt out.` });
    }
  });

  it('sends through a Messaging Service, with To in E.164 whatever the input format', async () => {
    const mock = await startMock();
    const { channel } = await channelFor(mock.env, { messagingServiceSid: SERVICE, template: 'twilio-body-zh.txt' });
    const [result] = await drive(channel, [{ phone: '+1 (415) 555-2671', name: '王小明', code: '42' }], { concurrency: 1, timeoutMs: 5_000 });
    expect(result!.result.outcome).toBe('ok');
    // The file's one trailing newline is dropped; the blank line before it stays.
    expect(mock.messages()[0]).toMatchObject({ to: '+14155552671', from: null, messagingServiceSid: SERVICE, body: '王小明，您的验证码是 42。\n' });
  });

  it.each([
    // [fault, outcome, hint in detail or scope]
    ['20429', 'throttled', 'channel'], // too many concurrent requests: never processed, slow the run
    ['20500', 'retryable', undefined], // Twilio answered an error: try again
    ['20503', 'retryable', undefined],
    ['21211', 'permanent', undefined], // invalid To
    ['21610', 'permanent', 'STOP'], // unsubscribed: never retry
    ['21612', 'permanent', undefined],
    ['21614', 'permanent', undefined],
    ['21635', 'permanent', 'landline'],
    ['21608', 'fatal', 'verified'], // trial account
    ['21606', 'fatal', '--from'],
    ['20003', 'fatal', 'TWILIO_AUTH_TOKEN'],
    ['21611', 'throttled', 'channel'], // sender queue full
  ])('%s ends %s', async (code, outcome, hint) => {
    const mock = await startMock({ fault: [`${code}=first:1`] });
    const { channel } = await channelFor(mock.env);
    const result = await sendOne(channel);
    expect(result).toMatchObject({ outcome, code });
    expect(result.unknown).toBeUndefined();
    if (outcome === 'throttled') expect(result.scope).toBe(hint);
    else if (hint !== undefined) expect(result.detail).toContain(hint);
    expect((await sendOne(channel, 1)).outcome).toBe('ok');
  });

  it.each([
    // [behaviour] - the request may have reached Twilio: an unknown outcome, reconciled through the message list
    ['hang'],
    ['late'],
    ['drop'],
  ])('%s is retryable with an unknown outcome', async (behaviour) => {
    const mock = await startMock({ fault: [`${behaviour}=first:1`], lateMs: '3000' });
    const { channel } = await channelFor(mock.env, OPTIONS, 1_000);
    expect(channel.dedupeWindowMs).toBe(0);
    expect(typeof channel.reconcile).toBe('function');
    expect(channel.reconcileSettleMs).toBeGreaterThan(0);
    const result = await sendOne(channel, 0, 1_000);
    expect(result).toMatchObject({ outcome: 'retryable', unknown: true });
  });

  it('per-number error codes from the simulator are permanent for that row only', async () => {
    const mock = await startMock({ error: [`${row(3).phone}=21610`, `${row(5).phone}=21211`] });
    const { channel } = await channelFor(mock.env);
    const results = await drive(channel, Array.from({ length: 8 }, (_, i) => row(i)), { concurrency: 4, timeoutMs: 5_000 });
    expect(results.filter((r) => r.result.outcome === 'permanent').map((r) => r.result.code).sort()).toEqual(['21211', '21610']);
    expect(mock.counters().accepted).toBe(6);
  });

  it('past the concurrent-request limit Twilio answers 429/20429: throttled, never accepted', async () => {
    const mock = await startMock({ maxConcurrent: '2', latencyMs: '20' });
    const { channel } = await channelFor(mock.env);
    const results = await drive(channel, Array.from({ length: 40 }, (_, i) => row(i)), { concurrency: 8, timeoutMs: 5_000 });
    const throttled = results.filter((r) => r.result.outcome === 'throttled');
    expect(throttled.length).toBeGreaterThan(0);
    expect(throttled.every((r) => r.result.code === '20429' && r.result.scope === 'channel')).toBe(true);
    expect(mock.counters().accepted).toBe(results.length - throttled.length);
  });

  it('a wrong auth token is fatal at verify and at send, and never shown', async () => {
    const mock = await startMock();
    const wrong = 'ffffffffffffffffffffffffffffffff';
    const { channel, setup } = await channelFor({ ...mock.env, TWILIO_AUTH_TOKEN: wrong });
    const verified = await channel.verify!(AbortSignal.timeout(5_000));
    expect(verified).toMatchObject({ outcome: 'fatal', code: '20003' });
    const sent = await sendOne(channel);
    expect(sent).toMatchObject({ outcome: 'fatal', code: '20003' });
    expect(mock.counters().authFailures).toBe(2);
    const prepared = channel.prepare(row(0));
    const texts = [verified!.detail, sent.detail, prepared.ok ? channel.describe(prepared.message, 'k') : '', ...setup.warnings];
    for (const text of texts) {
      expect(text).not.toContain(wrong);
      expect(text).not.toContain(MOCK_AUTH_TOKEN);
    }
  });
});

describe('twilio classification details', () => {
  it.each([
    // [status, body, Retry-After, expected]
    [429, { code: 20429, message: 'Too Many Requests' }, '7', { outcome: 'throttled', retryAfterMs: 7_000 }], // header honoured
    [502, null, undefined, { outcome: 'retryable', code: '502', unknown: true }], // a proxy answered: Twilio may have it
    [504, null, undefined, { outcome: 'retryable', code: '504', unknown: true }],
    [500, { code: 20500, message: 'x' }, undefined, { outcome: 'retryable', code: '20500' }],
    [404, null, undefined, { outcome: 'fatal', code: '404' }], // not Twilio at all
    [400, { code: 21999, message: 'odd' }, undefined, { outcome: 'permanent', code: '21999' }], // unknown 400: this message only
  ])('HTTP %i %j', (status, body, retryAfter, expected) => {
    expect(classifyTwilio(status, body, retryAfter, Date.now())).toMatchObject(expected);
  });
});
