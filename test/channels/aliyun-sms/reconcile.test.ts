// Unknown outcomes are checked with QuerySendDetails before anything is sent again: accepted
// messages are found by OutId (or by their batch), absent ones are resent, and no number is ever
// accepted twice.
import { describe, expect, it } from 'vitest';
import { aliyunSmsSpec } from '../../../src/channels/aliyun-sms/spec.js';
import type { Channel, SendResult } from '../../../src/channels/channel.js';
import type { AliyunMockServer } from '../../../src/mock/aliyun-sms/server.js';
import { keyOf, makeSetup } from '../sms/harness.js';
import { useWorkspace } from '../../helpers/workspace.js';
import { findMock } from '../../../src/mock/registry.js';

const OPTIONS = { signName: '某某商城', templateCode: 'SMS_123456789', param: ['name=name'] };
/** Per-attempt limit: a hung request ends unknown after this. */
const TIMEOUT_MS = 1_000;
const ws = useWorkspace();

async function startMock(options: Record<string, unknown>): Promise<AliyunMockServer> {
  return ws.own((await (await findMock('aliyun-sms')!.load()).start(options, () => {})) as AliyunMockServer);
}

async function channelFor(mock: AliyunMockServer, options: Record<string, unknown> = {}): Promise<Channel> {
  const channel = await (await aliyunSmsSpec.load()).create(makeSetup(mock.env, { ...OPTIONS, ...options }, { timeoutMs: TIMEOUT_MS }));
  ws.own(channel);
  return channel;
}

function phone(i: number): string {
  return `1370000${String(i).padStart(4, '0')}`;
}

function prepare(channel: Channel, i: number): unknown {
  const prepared = channel.prepare({ phone: phone(i), name: `n${i}` });
  if (!prepared.ok) throw new Error(prepared.reason);
  return prepared.message;
}

/**
 * What the engine does with one row: send; on an unknown outcome reconcile; resend only when the
 * provider says the message is absent. Returns the final state and how many sends were made.
 */
async function sendReconciled(channel: Channel, i: number): Promise<{ state: string; sends: number; first: SendResult }> {
  const message = prepare(channel, i);
  const ctx = (signal: AbortSignal) => ({ attempt: 1, key: phone(i), idempotencyKey: keyOf(phone(i)), signal });
  const attemptedAt = new Date();
  const first = await channel.send(message, ctx(AbortSignal.timeout(TIMEOUT_MS)));
  if (first.unknown !== true) return { state: first.outcome, sends: 1, first };
  const check = await channel.reconcile!(message, { key: phone(i), idempotencyKey: keyOf(phone(i)), attemptedAt, signal: AbortSignal.timeout(5_000) });
  if (check.state !== 'absent') return { state: check.state, sends: 1, first };
  const again = await channel.send(message, ctx(AbortSignal.timeout(TIMEOUT_MS)));
  return { state: again.outcome, sends: 2, first };
}

function acceptedPerNumber(mock: AliyunMockServer): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of mock.messages()) counts.set(m.phone, (counts.get(m.phone) ?? 0) + 1);
  return counts;
}

describe('aliyun-sms reconcile through QuerySendDetails', () => {
  it('finds messages accepted before a timeout (hang, late) and never sends them again', async () => {
    const mock = await startMock({ fault: ['hang=first:3', 'late=first:5'], lateMs: '4000' });
    const channel = await channelFor(mock);
    const outcomes = await Promise.all(Array.from({ length: 12 }, (_, i) => sendReconciled(channel, i)));
    expect(outcomes.filter((o) => o.first.unknown === true)).toHaveLength(5);
    expect(outcomes.filter((o) => o.state === 'accepted')).toHaveLength(5);
    expect(outcomes.filter((o) => o.state === 'ok')).toHaveLength(7);
    expect(outcomes.every((o) => o.sends === 1)).toBe(true);
    const counts = acceptedPerNumber(mock);
    expect(counts.size).toBe(12);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(mock.counters().byAction.QuerySendDetails).toBeGreaterThanOrEqual(5);
  });

  it('resends a message the simulator never accepted (connection dropped), exactly once', async () => {
    const mock = await startMock({ fault: ['drop=first:2'] });
    const channel = await channelFor(mock);
    const outcomes = await Promise.all(Array.from({ length: 4 }, (_, i) => sendReconciled(channel, i)));
    expect(outcomes.filter((o) => o.sends === 2)).toHaveLength(2);
    expect(outcomes.every((o) => o.state === 'ok')).toBe(true);
    expect([...acceptedPerNumber(mock).values()]).toEqual([1, 1, 1, 1]);
  });

  it('finds the rows of a SendBatchSms call that hung, in this run and in a later one', async () => {
    const mock = await startMock({ fault: ['hang=first:1'] });
    const channel = await channelFor(mock, { batch: '10' });
    const attemptedAt = new Date();
    const signal = AbortSignal.timeout(TIMEOUT_MS);
    const items = Array.from({ length: 10 }, (_, i) => ({
      message: prepare(channel, i),
      ctx: { attempt: 1, key: phone(i), idempotencyKey: keyOf(phone(i)), signal },
    }));
    const results = await channel.sendBatch!(items, signal);
    expect(results.every((r) => r.unknown === true)).toBe(true);
    expect(mock.counters().accepted).toBe(10);
    const later = await channelFor(mock, { batch: '10' });
    for (const reconciler of [channel, later]) {
      for (const item of items) {
        const check = await reconciler.reconcile!(item.message, { ...item.ctx, attemptedAt, signal: AbortSignal.timeout(5_000) });
        expect(check.state).toBe('accepted');
      }
    }
  });

  it('says unknown when QuerySendDetails cannot answer, or the run stops before an absence is certain', async () => {
    const mock = await startMock({});
    const channel = await channelFor(mock);
    const message = prepare(channel, 1);
    const ctx = { key: phone(1), idempotencyKey: keyOf(phone(1)), signal: AbortSignal.timeout(5_000) };
    const stopped = await channel.reconcile!(message, { ...ctx, attemptedAt: new Date(), signal: AbortSignal.abort() });
    expect(stopped.state).toBe('unknown');
    expect((await channel.reconcile!(message, { ...ctx, attemptedAt: new Date(Date.now() - 60_000) })).state).toBe('absent');
    await mock.close();
    const down = await channel.reconcile!(message, { ...ctx, attemptedAt: new Date(Date.now() - 60_000) });
    expect(down.state).toBe('unknown');
    expect(down.detail).toContain('QuerySendDetails');
  });
});
