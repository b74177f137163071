// The aliyun-sms channel against the simulator: every request's signature verified by it,
// TemplateParam and OutId exact, connections within the concurrency, batches in few calls.
import { afterEach, describe, expect, it } from 'vitest';
import { aliyunSmsSpec } from '../../../src/channels/aliyun-sms/spec.js';
import type { Channel } from '../../../src/channels/channel.js';
import type { AliyunMockServer } from '../../../src/mock/aliyun-sms/server.js';
import { drive, keyOf, makeSetup } from '../sms/harness.js';
import { findMock } from '../../../src/mock/registry.js';

const ROWS = 2_000;
const CONCURRENCY = 8;

/** Rows with awkward values: Chinese, quotes, JSON and URL specials. */
function rows(count: number): { phone: string; name: string; code: string }[] {
  return Array.from({ length: count }, (_, i) => ({
    phone: `1380000${String(i).padStart(4, '0')}`,
    name: `张三 "${i}" & 'x' +*~%`,
    code: String(100_000 + i),
  }));
}

let mock: AliyunMockServer | undefined;
let channel: Channel | undefined;

afterEach(async () => {
  await channel?.close();
  await mock?.close();
  channel = undefined;
  mock = undefined;
});

async function start(mockOptions: Record<string, unknown>, channelOptions: Record<string, unknown>) {
  const module = await findMock('aliyun-sms')!.load();
  mock = (await module.start(mockOptions, () => {})) as AliyunMockServer;
  const setup = makeSetup(mock.env, { signName: '某某商城', templateCode: 'SMS_123456789', param: ['name=name', 'coupon=code'], ...channelOptions }, { concurrency: CONCURRENCY });
  channel = await (await aliyunSmsSpec.load()).create(setup);
  return { mock, channel, setup };
}

describe('aliyun-sms channel against the simulator', () => {
  it(`sends ${ROWS} rows with SendSms: all accepted, every signature verified, TemplateParam and OutId exact`, async () => {
    const { mock, channel } = await start({}, {});
    expect(await channel.verify!(AbortSignal.timeout(5_000))).toBeNull();
    const input = rows(ROWS);
    const results = await drive(channel, input, { concurrency: CONCURRENCY, timeoutMs: 10_000 });

    expect(results.filter((r) => r.result.outcome === 'ok')).toHaveLength(ROWS);
    expect(results.every((r) => r.result.code === 'OK' && /\^0$/.test(r.result.messageId ?? ''))).toBe(true);
    const counters = mock.counters();
    expect(counters.byAction.SendSms).toBe(ROWS);
    expect(counters.signaturesVerified).toBe(counters.requests);
    expect(counters.signatureFailures).toBe(0);
    expect(counters.connections).toBeLessThanOrEqual(CONCURRENCY);
    expect(counters.accepted).toBe(ROWS);

    const byPhone = new Map(mock.messages().map((m) => [m.phone, m]));
    expect(byPhone.size).toBe(ROWS);
    for (const row of input) {
      const sms = byPhone.get(row.phone)!;
      expect(sms.templateParam).toEqual({ name: row.name, coupon: row.code });
      expect(sms.outId).toBe(keyOf(row.phone));
      expect(sms.signName).toBe('某某商城');
      expect(sms.templateCode).toBe('SMS_123456789');
    }
  });

  it(`sends ${ROWS} rows with --batch 100 in at most 20 SendBatchSms calls, each row its own result`, async () => {
    const { mock, channel } = await start({}, { batch: '100' });
    expect(channel.maxBatch).toBe(100);
    const input = rows(ROWS);
    const results = await drive(channel, input, { concurrency: CONCURRENCY, timeoutMs: 10_000, batch: 100 });

    expect(results).toHaveLength(ROWS);
    expect(results.every((r) => r.result.outcome === 'ok')).toBe(true);
    const counters = mock.counters();
    expect(counters.byAction.SendBatchSms).toBeLessThanOrEqual(20);
    expect(counters.byAction.SendSms ?? 0).toBe(0);
    expect(counters.signatureFailures).toBe(0);
    expect(counters.connections).toBeLessThanOrEqual(CONCURRENCY);
    const byPhone = new Map(mock.messages().map((m) => [m.phone, m]));
    expect(byPhone.size).toBe(ROWS);
    for (const row of input) {
      // Index alignment: each number got its own row's variables.
      expect(byPhone.get(row.phone)!.templateParam).toEqual({ name: row.name, coupon: row.code });
      expect(byPhone.get(row.phone)!.outId).toMatch(/^herald-batch-[0-9a-f]{32}$/);
    }
  });

  it('sends international numbers in Aliyun form (country code + number, no +)', async () => {
    const { mock, channel } = await start({}, {});
    const results = await drive(channel, [{ phone: '+852 9123 4567', name: 'Ann', code: '1' }, { phone: '+8613900001111', name: 'Bo', code: '2' }], {
      concurrency: 2,
      timeoutMs: 5_000,
    });
    expect(results.map((r) => r.result.outcome)).toEqual(['ok', 'ok']);
    expect(mock.messages().map((m) => m.phone).sort()).toEqual(['13900001111', '85291234567']);
  });
});
