// The wechat channel against herald's WeChat simulator on 127.0.0.1: token sharing, refresh,
// classification, de-duplicated resends, and no secret in anything the channel says.
import { afterEach, describe, expect, it } from 'vitest';
import { create } from '../../../src/channels/wechat/channel.js';
import type { Channel } from '../../../src/channels/channel.js';
import { redacting } from '../../../src/channels/redacting-channel.js';
import { REDACTED } from '../../../src/channels/secrets.js';
import { start, type WechatMockServer } from '../../../src/mock/wechat/server.js';
import { channelSetup, drive, openids, tally } from './drive.js';

const TEMPLATE = 'ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY';
const OPTIONS = { templateId: TEMPLATE, data: ['first=greeting', 'keyword1=order_no'], link: 'https://shop.example/o/{{order_no}}' };

let sim: WechatMockServer | null = null;
let channel: Channel | null = null;

afterEach(async () => {
  await channel?.close();
  await sim?.close();
  channel = null;
  sim = null;
});

async function open(simOptions: Record<string, unknown>, concurrency: number, env: Record<string, string> = {}) {
  sim = await start({ seed: 7, ...simOptions }, () => undefined);
  const setup = channelSetup({ ...sim.env, ...env }, OPTIONS, { concurrency });
  // As the command layer does: everything the channel says passes through the run's redactor.
  channel = redacting(await create(setup), setup.secrets);
  return { sim, channel, setup };
}

function rows(ids: readonly string[]) {
  return ids.map((openid, i) => ({ openid, greeting: '您好', order_no: `A${i}` }));
}

describe('wechat channel', () => {
  it('delivers 3,000 sends at concurrency 32 with one token fetch and at most 33 connections', async () => {
    // No verify() first: the first 32 sends all need the token at once.
    const { sim, channel } = await open({ tokenDelay: 20 }, 32);
    const result = await drive(channel, rows(openids(3000)), { concurrency: 32 });
    expect(tally(result.outcomes)).toEqual({ 'sent/ok': 3000 });
    expect(sim.counters.deliveries).toBe(3000);
    expect(sim.counters.deliveredTwice).toBe(0);
    expect(sim.counters.tokenFetches).toBe(1);
    // 32 for sends, one for the token fetch.
    expect(sim.counters.maxOpenConnections).toBeLessThanOrEqual(33);
    const messageIds = new Set([...result.outcomes.values()].map((o) => o.messageId));
    expect(messageIds.size).toBe(3000);
  });

  it('refreshes tokens that expire every 500 uses: every row sent, few fetches, never two at once', async () => {
    const { sim, channel } = await open({ tokenUses: 500, tokenDelay: 20 }, 32);
    const result = await drive(channel, rows(openids(3000)), { concurrency: 32, retries: 0 });
    expect(tally(result.outcomes)).toEqual({ 'sent/ok': 3000 });
    expect(sim.counters.errcodes['42001']).toBeGreaterThan(0);
    expect(sim.counters.tokenFetches).toBeLessThanOrEqual(3000 / 500 + 1);
    expect(sim.counters.maxParallelTokenFetches).toBe(1);
    expect(sim.counters.deliveries).toBe(3000);
  });

  it('records unsubscribed and refusing followers permanent, the others sent', async () => {
    const ids = openids(40);
    const { channel } = await open({ unsubscribed: [ids[3], ids[9]], refused: [ids[20]] }, 8);
    const result = await drive(channel, rows(ids), { concurrency: 8 });
    expect(tally(result.outcomes)).toEqual({ 'sent/ok': 37, 'failed/permanent': 3 });
    expect(result.outcomes.get(ids[3]!)).toMatchObject({ code: '43004', attempts: 1 });
    expect(result.outcomes.get(ids[20]!)).toMatchObject({ code: '43101', attempts: 1 });
  });

  it('registers its AppSecret and every access token it gets with the run\'s redactor', async () => {
    const { sim, channel, setup } = await open({}, 2);
    expect(await channel.verify!(AbortSignal.timeout(10_000))).toBeNull();
    const response = await fetch(`${sim.url}/cgi-bin/stable_token`, {
      method: 'POST',
      body: JSON.stringify({ grant_type: 'client_credential', appid: sim.env['WECHAT_APPID'], secret: sim.env['WECHAT_APPSECRET'] }),
    });
    const token = ((await response.json()) as { access_token: string }).access_token;
    expect(setup.secrets.redact(`token ${token} and secret ${sim.env['WECHAT_APPSECRET']!}`)).toBe(`token ${REDACTED} and secret ${REDACTED}`);
  });

  it('fails verify for a wrong secret or appid, naming the variable, before any send', async () => {
    const secret = 'f00dfeedf00dfeedf00dfeedf00dfeed';
    const wrongSecret = await open({}, 4, { WECHAT_APPSECRET: secret });
    const bySecret = await wrongSecret.channel.verify!(AbortSignal.timeout(10_000));
    expect(bySecret).toMatchObject({ outcome: 'fatal', code: '40125' });
    expect(bySecret?.detail).toContain('WECHAT_APPSECRET');
    expect(JSON.stringify(bySecret) + wrongSecret.setup.warnings.join('\n')).not.toContain(secret);
    expect(JSON.stringify(bySecret)).not.toContain(wrongSecret.sim.env['WECHAT_APPSECRET']);
    // A send after a fatal token answer stays fatal without another fetch.
    const prepared = wrongSecret.channel.prepare(rows(openids(1))[0]!);
    if (!prepared.ok) throw new Error(prepared.reason);
    const sent = await wrongSecret.channel.send(prepared.message, { attempt: 1, key: 'k', idempotencyKey: 'i', signal: AbortSignal.timeout(5000) });
    expect(sent.outcome).toBe('fatal');
    expect(wrongSecret.sim.counters.tokenFetches).toBe(1);
    expect(wrongSecret.sim.counters.sends).toBe(0);
    await channel!.close();
    await sim!.close();

    const wrongAppid = await open({}, 4, { WECHAT_APPID: 'wx0000000000000bad' });
    const byAppid = await wrongAppid.channel.verify!(AbortSignal.timeout(10_000));
    expect(byAppid).toMatchObject({ outcome: 'fatal', code: '40013' });
    expect(byAppid?.detail).toContain('WECHAT_APPID');
    expect(wrongAppid.sim.counters.sends).toBe(0);
  });

  it('stops at the daily quota with the rest unsent, and finishes the next day', async () => {
    const ids = openids(1500);
    const { sim, channel } = await open({ dailyQuota: 1000 }, 16);
    const first = await drive(channel, rows(ids), { concurrency: 16 });
    expect(first.fatal).toMatchObject({ outcome: 'fatal', code: '45009' });
    expect(first.fatal?.detail).toMatch(/daily quota.*--resume tomorrow/);
    expect(sim.counters.deliveries).toBe(1000);
    const counts = tally(first.outcomes);
    expect(counts['sent/ok']).toBe(1000);
    // Only sends in flight when the quota ran out got an answer; the rest were never dispatched.
    expect(counts['failed/fatal']).toBeGreaterThan(0);
    expect(counts['failed/fatal']).toBeLessThanOrEqual(16);
    expect(first.outcomes.size).toBeLessThan(1500);

    sim.newDay();
    const unsent = ids.filter((id) => first.outcomes.get(id)?.status !== 'sent');
    const second = await drive(channel, rows(unsent), { concurrency: 16 });
    expect(tally(second.outcomes)).toEqual({ 'sent/ok': 500 });
    expect(sim.counters.deliveries).toBe(1500);
    expect(sim.counters.deliveredTwice).toBe(0);
  });

  it('resends answers lost to a timeout after WeChat accepted them, and each follower gets one message', async () => {
    const ids = openids(300);
    const { sim, channel } = await open({ delayRate: 0.1, delay: 3000 }, 16);
    const result = await drive(channel, rows(ids), { concurrency: 16, timeoutMs: 300 });
    expect(tally(result.outcomes)).toEqual({ 'sent/ok': 300 });
    expect(sim.counters.delayed).toBeGreaterThan(10);
    // Every delayed answer was resent (a loaded machine can also time out an answer that was not delayed).
    expect(sim.counters.duplicates).toBeGreaterThanOrEqual(sim.counters.delayed);
    expect(sim.counters.deliveries).toBe(300);
    expect(sim.counters.deliveredTwice).toBe(0);
    for (const id of ids) expect(sim.deliveredTo(id)).toBe(1);
  });

  it('retries system busy (-1) answers until they go through', async () => {
    const { sim, channel } = await open({ failRate: 0.2 }, 8);
    const result = await drive(channel, rows(openids(200)), { concurrency: 8, retries: 10 });
    expect(tally(result.outcomes)).toEqual({ 'sent/ok': 200 });
    expect(sim.counters.errcodes['-1']).toBeGreaterThan(0);
    expect(sim.counters.deliveries).toBe(200);
  });

  it('classifies the per-minute quota as a channel throttle that waits for the next minute', async () => {
    const { channel } = await open({ minuteQuota: 5 }, 1);
    const results = [];
    for (const fields of rows(openids(8))) {
      const prepared = channel.prepare(fields);
      if (!prepared.ok) throw new Error(prepared.reason);
      results.push(await channel.send(prepared.message, { attempt: 1, key: 'k', idempotencyKey: String(fields.openid), signal: AbortSignal.timeout(5000) }));
    }
    const throttled = results.filter((r) => r.outcome === 'throttled');
    // Five fit in a clock minute; a minute boundary during the loop lets up to five more through.
    expect(throttled.length).toBeGreaterThan(0);
    for (const r of throttled) {
      expect(r).toMatchObject({ code: '45011', scope: 'channel' });
      expect(r.retryAfterMs).toBeGreaterThan(0);
      expect(r.retryAfterMs).toBeLessThanOrEqual(60_250);
    }
  });

  it('stops with a fatal answer naming --template-id when WeChat does not know the template', async () => {
    const { sim, channel } = await open({ template: ['SomeOtherTemplate0001'] }, 4);
    const result = await drive(channel, rows(openids(50)), { concurrency: 4 });
    expect(result.fatal).toMatchObject({ outcome: 'fatal', code: '40037' });
    expect(result.fatal?.detail).toContain('--template-id');
    expect(sim.counters.sends).toBeLessThanOrEqual(4);
  });

  it('fails verify naming HERALD_WECHAT_ENDPOINT when the endpoint answers 404 or nobody listens', async () => {
    const { sim: server } = await open({}, 4);
    const wrongPath = await create(channelSetup({ ...server.env, HERALD_WECHAT_ENDPOINT: `${server.url}/no-such-prefix` }, OPTIONS));
    const notFound = await wrongPath.verify!(AbortSignal.timeout(10_000));
    await wrongPath.close();
    expect(notFound).toMatchObject({ outcome: 'fatal', code: '404' });
    expect(notFound?.detail).toContain('HERALD_WECHAT_ENDPOINT');

    const url = server.url;
    await server.close();
    sim = null;
    const nobody = await create(channelSetup({ ...server.env, HERALD_WECHAT_ENDPOINT: url }, OPTIONS));
    const refused = await nobody.verify!(AbortSignal.timeout(20_000));
    await nobody.close();
    expect(refused).toMatchObject({ outcome: 'fatal', code: 'ECONNREFUSED' });
    // At once, without retrying: nothing listens there.
    expect(refused?.detail).toMatch(/^cannot connect to 127\.0\.0\.1:\d+ \(ECONNREFUSED: connection refused: nothing listens on that port\): check HERALD_WECHAT_ENDPOINT$/);
  });
});
