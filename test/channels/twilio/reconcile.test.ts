// Unknown Twilio outcomes are checked in the account's message list before anything is sent
// again: messages accepted before a timeout are found (sent, or still queued without date_sent),
// absent ones are resent once, and no number is ever accepted twice.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Channel, SendResult } from '../../../src/channels/channel.js';
import { twilioSpec } from '../../../src/channels/twilio/spec.js';
import { findMock } from '../../../src/mock/registry.js';
import type { TwilioMockServer } from '../../../src/mock/twilio/server.js';
import { useWorkspace } from '../../helpers/workspace.js';
import { keyOf, makeSetup } from '../sms/harness.js';

const FIXTURES = join(import.meta.dirname, '../../../fixtures/sms');
const FROM = '+14155550000';
/** Per-attempt limit: a hung request ends unknown after this. */
const TIMEOUT_MS = 1_000;
const ws = useWorkspace();

async function startMock(options: Record<string, unknown>): Promise<TwilioMockServer> {
  return ws.own((await (await findMock('twilio')!.load()).start({ numbers: FROM, seed: '1', ...options }, () => {})) as TwilioMockServer);
}

async function channelFor(mock: TwilioMockServer, options: Record<string, unknown> = {}): Promise<Channel> {
  const setup = makeSetup(mock.env, { from: FROM, template: 'twilio-body.txt', ...options }, { timeoutMs: TIMEOUT_MS, cwd: FIXTURES });
  return ws.own(await (await twilioSpec.load()).create(setup));
}

function phone(i: number): string {
  return `+1415555${String(i).padStart(4, '0')}`;
}

function prepare(channel: Channel, i: number): unknown {
  const prepared = channel.prepare({ phone: phone(i), name: `Ann ${i}`, code: String(1000 + i) });
  if (!prepared.ok) throw new Error(prepared.reason);
  return prepared.message;
}

/**
 * What the engine does with one row: send; on an unknown outcome reconcile (as a later run would:
 * the attempt is older than the settle time); resend only when Twilio does not list the message.
 */
async function sendReconciled(channel: Channel, i: number): Promise<{ state: string; sends: number; first: SendResult; messageId?: string }> {
  const message = prepare(channel, i);
  const ctx = (signal: AbortSignal) => ({ attempt: 1, key: phone(i), idempotencyKey: keyOf(phone(i)), signal });
  const first = await channel.send(message, ctx(AbortSignal.timeout(TIMEOUT_MS)));
  if (first.unknown !== true) return { state: first.outcome, sends: 1, first };
  const attemptedAt = new Date(Date.now() - 60_000);
  const check = await channel.reconcile!(message, { key: phone(i), idempotencyKey: keyOf(phone(i)), attemptedAt, signal: AbortSignal.timeout(5_000) });
  if (check.state !== 'absent') return { state: check.state, sends: 1, first, ...(check.messageId ? { messageId: check.messageId } : {}) };
  const again = await channel.send(message, ctx(AbortSignal.timeout(TIMEOUT_MS)));
  return { state: again.outcome, sends: 2, first };
}

function acceptedPerNumber(mock: TwilioMockServer): number[] {
  const counts = new Map<string, number>();
  for (const m of mock.messages()) counts.set(m.to, (counts.get(m.to) ?? 0) + 1);
  return [...counts.values()];
}

describe('twilio reconcile through the message list', () => {
  it('finds messages accepted before a timeout (hang, late) by body and sender, with their sid, and never sends them again', async () => {
    const mock = await startMock({ fault: ['hang=first:2', 'late=first:4'], lateMs: '3000' });
    const channel = await channelFor(mock);
    const outcomes = await Promise.all(Array.from({ length: 8 }, (_, i) => sendReconciled(channel, i)));
    expect(outcomes.filter((o) => o.first.unknown === true)).toHaveLength(4);
    const found = outcomes.filter((o) => o.state === 'accepted');
    expect(found).toHaveLength(4);
    const sids = new Set(mock.messages().map((m) => m.sid));
    expect(found.every((o) => sids.has(o.messageId ?? ''))).toBe(true);
    expect(outcomes.every((o) => o.sends === 1)).toBe(true);
    expect(acceptedPerNumber(mock)).toEqual(Array(8).fill(1));
    expect(mock.counters().listRequests).toBeGreaterThanOrEqual(4);
  });

  it('finds a message still queued (no date_sent yet) through the number\'s newest messages', async () => {
    const mock = await startMock({ fault: ['hang=first:1'], sendDelayMs: '600000' });
    const channel = await channelFor(mock);
    const outcome = await sendReconciled(channel, 1);
    expect(outcome).toMatchObject({ state: 'accepted', sends: 1 });
    expect(mock.counters().accepted).toBe(1);
  });

  it('resends a message Twilio never accepted (connection dropped), exactly once', async () => {
    const mock = await startMock({ fault: ['drop=first:2'] });
    const channel = await channelFor(mock);
    const outcomes = await Promise.all(Array.from({ length: 4 }, (_, i) => sendReconciled(channel, i)));
    expect(outcomes.filter((o) => o.sends === 2)).toHaveLength(2);
    expect(outcomes.every((o) => o.state === 'ok')).toBe(true);
    expect(acceptedPerNumber(mock)).toEqual([1, 1, 1, 1]);
  });

  it('does not take another message to the same number for ours (another body, another sender)', async () => {
    const mock = await startMock({});
    const channel = await channelFor(mock);
    const otherBody = await channelFor(mock, { template: 'twilio-body-zh.txt' });
    const otherSender = await channelFor(mock, { from: undefined, messagingServiceSid: 'MG0123456789abcdef0123456789abcdef' });
    const ctx = { key: phone(3), idempotencyKey: keyOf(phone(3)), signal: AbortSignal.timeout(5_000) };
    for (const other of [otherBody, otherSender]) expect((await other.send(prepare(other, 3), { ...ctx, attempt: 1 })).outcome).toBe('ok');
    expect(mock.messages().map((m) => m.to)).toEqual([phone(3), phone(3)]);
    expect((await channel.reconcile!(prepare(channel, 3), { ...ctx, attemptedAt: new Date(Date.now() - 60_000) })).state).toBe('absent');
    const ours = await channel.send(prepare(channel, 3), { ...ctx, attempt: 1 });
    expect(await channel.reconcile!(prepare(channel, 3), { ...ctx, attemptedAt: new Date(Date.now() - 60_000) })).toMatchObject({ state: 'accepted', messageId: ours.messageId });
  });

  it('says unknown when the list cannot be read, or the run stops before an absence is certain', async () => {
    const mock = await startMock({});
    const channel = await channelFor(mock);
    const message = prepare(channel, 1);
    const ctx = { key: phone(1), idempotencyKey: keyOf(phone(1)), signal: AbortSignal.timeout(5_000) };
    expect((await channel.reconcile!(message, { ...ctx, attemptedAt: new Date(), signal: AbortSignal.abort() })).state).toBe('unknown');
    await mock.close();
    const down = await channel.reconcile!(message, { ...ctx, attemptedAt: new Date(Date.now() - 60_000) });
    expect(down.state).toBe('unknown');
    expect(down.detail).toContain('listing messages failed');
  });
});
