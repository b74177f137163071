// The WeChat simulator over HTTP: what it checks and how it answers, as the real API does.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { readSimConfig } from '../../../src/mock/wechat/config.js';
import { start, type WechatMockServer } from '../../../src/mock/wechat/server.js';
import { wechatSpec } from '../../../src/channels/wechat/spec.js';
import { findMock } from '../../../src/mock/registry.js';

const OPENID = 'oLVPpjqs9BhvzwPj5A-vTYAX3GLc';
let clock = Date.UTC(2025, 5, 1);
let sim: WechatMockServer;
const lines: string[] = [];

beforeEach(async () => {
  lines.length = 0;
  sim = await start({ tokenTtl: 7200, unsubscribed: [`${OPENID.slice(0, -1)}X`] }, (line) => lines.push(line), () => clock);
});

afterEach(() => sim.close());

type Json = Record<string, unknown>;

async function post(path: string, body: unknown): Promise<Json> {
  const response = await fetch(`${sim.url}${path}`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/json; encoding=utf-8');
  return (await response.json()) as Json;
}

function stableToken(extra: Json = {}): Promise<Json> {
  return post('/cgi-bin/stable_token', {
    grant_type: 'client_credential',
    appid: sim.env['WECHAT_APPID'],
    secret: sim.env['WECHAT_APPSECRET'],
    ...extra,
  });
}

async function token(extra: Json = {}): Promise<string> {
  return (await stableToken(extra))['access_token'] as string;
}

function send(accessToken: string, body: Json | string): Promise<Json> {
  return post(`/cgi-bin/message/template/send?access_token=${encodeURIComponent(accessToken)}`, body);
}

const MESSAGE = { touser: OPENID, template_id: 'TPL_1', data: { keyword1: { value: '巧克力' } }, client_msg_id: 'MSG_000001' };

describe('WeChat simulator', () => {
  it('prints the variables that point herald at it', () => {
    expect(sim.env).toEqual({
      HERALD_WECHAT_ENDPOINT: sim.url,
      WECHAT_APPID: 'wxd0c0ffee00000001',
      WECHAT_APPSECRET: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('hands out the same stable token while it is valid, and a new one on force_refresh, revoking the old', async () => {
    const first = await stableToken();
    expect(first).toEqual({ access_token: expect.any(String), expires_in: 7200 });
    clock += 100_000;
    expect(await stableToken()).toEqual({ access_token: first['access_token'], expires_in: 7100 });
    const forced = await token({ force_refresh: true });
    expect(forced).not.toBe(first['access_token']);
    expect(await send(first['access_token'] as string, MESSAGE)).toMatchObject({ errcode: 40001 });
    expect(await send(forced, MESSAGE)).toMatchObject({ errcode: 0, errmsg: 'ok', msgid: expect.any(Number) });
  });

  it('refuses wrong credentials with the codes WeChat uses', async () => {
    expect(await stableToken({ secret: 'wrong' })).toMatchObject({ errcode: 40125, errmsg: expect.stringMatching(/^invalid appsecret rid: /) });
    expect(await stableToken({ appid: 'wx0000000000000bad' })).toMatchObject({ errcode: 40013 });
    expect(await stableToken({ grant_type: 'password' })).toMatchObject({ errcode: 40002 });
    expect(await post('/cgi-bin/stable_token', 'not json')).toMatchObject({ errcode: 47001 });
    const get = await fetch(`${sim.url}/cgi-bin/stable_token`);
    expect(await get.json()).toMatchObject({ errcode: 43002 });
    const classic = await fetch(`${sim.url}/cgi-bin/token?grant_type=client_credential&appid=${sim.env['WECHAT_APPID']}&secret=wrong`);
    expect(await classic.json()).toMatchObject({ errcode: 40001 });
    expect(sim.counters).toMatchObject({ tokenFetches: 6, tokenRefusals: 6, sends: 0, errcodes: {} });
  });

  it('serves classic tokens apart from stable ones, the previous one working five more minutes', async () => {
    const url = `${sim.url}/cgi-bin/token?grant_type=client_credential&appid=${sim.env['WECHAT_APPID']}&secret=${sim.env['WECHAT_APPSECRET']}`;
    const first = ((await (await fetch(url)).json()) as Json)['access_token'] as string;
    const second = ((await (await fetch(url)).json()) as Json)['access_token'] as string;
    expect(second).not.toBe(first);
    const stable = await token();
    expect(await send(first, { ...MESSAGE, client_msg_id: 'a' })).toMatchObject({ errcode: 0 });
    clock += 5 * 60_000;
    expect(await send(first, { ...MESSAGE, client_msg_id: 'b' })).toMatchObject({ errcode: 42001 });
    expect(await send(second, { ...MESSAGE, client_msg_id: 'c' })).toMatchObject({ errcode: 0 });
    expect(await send(stable, { ...MESSAGE, client_msg_id: 'd' })).toMatchObject({ errcode: 0 });
  });

  it('checks the token and the message on every send', async () => {
    const t = await token();
    expect(await post('/cgi-bin/message/template/send', MESSAGE)).toMatchObject({ errcode: 41001 });
    expect(await send('nope', MESSAGE)).toMatchObject({ errcode: 40001 });
    expect(await send(t, '{"touser":')).toMatchObject({ errcode: 47001 });
    expect(await send(t, { ...MESSAGE, touser: 'a b' })).toMatchObject({ errcode: 40003 });
    expect(await send(t, { ...MESSAGE, template_id: '' })).toMatchObject({ errcode: 40037 });
    expect(await send(t, { ...MESSAGE, touser: `${OPENID.slice(0, -1)}X` })).toMatchObject({ errcode: 43004 });
    expect(await send(t, { ...MESSAGE, data: { keyword1: { value: 5 } } })).toMatchObject({
      errcode: 47003,
      errmsg: expect.stringMatching(/^argument invalid! data\.keyword1\.value invalid rid: /),
    });
    expect(sim.counters.deliveries).toBe(0);
    clock += 7200_000;
    expect(await send(t, MESSAGE)).toMatchObject({ errcode: 42001 });
  });

  it('expires a token after its set number of uses', async () => {
    sim.configure({ tokenUses: 2 });
    const t = await token();
    expect(await send(t, { ...MESSAGE, client_msg_id: '1' })).toMatchObject({ errcode: 0 });
    expect(await send(t, { ...MESSAGE, client_msg_id: '2' })).toMatchObject({ errcode: 0 });
    expect(await send(t, { ...MESSAGE, client_msg_id: '3' })).toMatchObject({ errcode: 42001 });
    const next = await token();
    expect(next).not.toBe(t);
    expect(await send(next, { ...MESSAGE, client_msg_id: '3' })).toMatchObject({ errcode: 0 });
  });

  it('sends one message per openid and client_msg_id within 10 minutes', async () => {
    const t = await token();
    const first = await send(t, MESSAGE);
    expect(await send(t, MESSAGE)).toEqual(first);
    expect(sim.counters).toMatchObject({ deliveries: 1, duplicates: 1 });
    clock += 10 * 60_000;
    const later = await send(t, MESSAGE);
    expect(later['msgid']).not.toBe(first['msgid']);
    expect(sim.counters.deliveries).toBe(2);
    expect(sim.deliveredTo(OPENID)).toBe(2);
  });

  it('enforces the daily quota until a new day, and the minute quota until the next minute', async () => {
    sim.configure({ dailyQuota: 2, minuteQuota: 3 });
    clock = Date.UTC(2025, 5, 1, 12, 0, 0);
    const t = await token();
    expect(await send(t, { ...MESSAGE, client_msg_id: '1' })).toMatchObject({ errcode: 0 });
    expect(await send(t, { ...MESSAGE, client_msg_id: '2' })).toMatchObject({ errcode: 0 });
    expect(await send(t, { ...MESSAGE, client_msg_id: '3' })).toMatchObject({ errcode: 45009 });
    expect(await send(t, { ...MESSAGE, client_msg_id: '4' })).toMatchObject({ errcode: 45011 });
    expect(lines).toContain('daily quota of 2 used up');
    clock += 60_000;
    const reset = await fetch(`${sim.url}/herald/new-day`, { method: 'POST' });
    expect(reset.status).toBe(200);
    expect(await send(t, { ...MESSAGE, client_msg_id: '3' })).toMatchObject({ errcode: 0 });
    const stats = (await (await fetch(`${sim.url}/herald/stats`)).json()) as Json;
    expect(stats).toMatchObject({ deliveries: 3, deliveredToday: 1, errcodes: { '45009': 1, '45011': 1 } });
    expect(sim.stats()).toMatch(/^5 sends, 3 delivered \(1 today\)/);
  });

  it('reads its flags as `herald mock wechat` passes them, naming a bad one', () => {
    const config = readSimConfig({ port: '0', tokenUses: '500', failRate: '0.25', unsubscribed: ['a,b', 'c'], seed: '9' });
    expect(config).toMatchObject({ tokenUses: 500, failRate: 0.25, seed: 9 });
    expect([...config.unsubscribed]).toEqual(['a', 'b', 'c']);
    expect(() => readSimConfig({ failRate: '2' })).toThrow(new UsageError("--fail-rate '2': expected a number from 0 to 1"));
    expect(() => readSimConfig({ tokenUses: '1.5' })).toThrow(/--token-uses '1.5': expected a whole number/);
    expect(() => readSimConfig({ appid: 'app' })).toThrow(/--appid 'app'/);
  });

  it('is what `herald mock wechat` loads, and the channel loads apart', async () => {
    const module = await findMock('wechat')!.load();
    const other = await module.start({ port: '0', secret: 's3cret' }, () => undefined);
    expect(other.env['WECHAT_APPSECRET']).toBe('s3cret');
    await other.close();
    const channelModule = await wechatSpec.load();
    expect(typeof channelModule.create).toBe('function');
  });
});
