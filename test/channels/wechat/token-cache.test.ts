// --token-cache: herald runs on one machine share one access token through a locked 0600 file.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create } from '../../../src/channels/wechat/channel.js';
import type { Channel } from '../../../src/channels/channel.js';
import { start, type WechatMockServer } from '../../../src/mock/wechat/server.js';
import { channelSetup, drive, openids, tally } from './drive.js';

let dir: string;
let sim: WechatMockServer;
const channels: Channel[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'herald-wechat-cache-'));
  sim = await start({ tokenDelay: 30 }, () => undefined);
});

afterEach(async () => {
  await Promise.all(channels.splice(0).map((c) => c.close()));
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

async function channelWithCache(cache: string) {
  const setup = channelSetup(sim.env, { templateId: 'TPL_1', data: ['keyword1=name'], tokenCache: cache }, { concurrency: 8 });
  const channel = await create(setup);
  channels.push(channel);
  return { channel, setup };
}

function rows(prefix: string) {
  return openids(40, prefix).map((openid) => ({ openid, name: 'x' }));
}

describe('wechat token cache', () => {
  it('lets two runs started together share one token fetch, in a file only the owner can read', async () => {
    const cache = join(dir, 'sub', 'wechat-token.json');
    const a = await channelWithCache(cache);
    const b = await channelWithCache(cache);
    const [ra, rb] = await Promise.all([drive(a.channel, rows('oAaa'), { concurrency: 8 }), drive(b.channel, rows('oBbb'), { concurrency: 8 })]);
    expect(tally(ra.outcomes)).toEqual({ 'sent/ok': 40 });
    expect(tally(rb.outcomes)).toEqual({ 'sent/ok': 40 });
    expect(sim.counters.tokenFetches).toBe(1);
    expect((await stat(cache)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'sub'))).mode & 0o777).toBe(0o700);
    const text = await readFile(cache, 'utf8');
    expect(text).not.toContain(sim.env['WECHAT_APPSECRET']);
    expect(text).toContain(sim.env['WECHAT_APPID']);
    expect(a.setup.warnings).toEqual([]);
  });

  it('skips a cached token WeChat rejects and writes the new one', async () => {
    const cache = join(dir, 'token.json');
    const key = `${sim.url} ${sim.env['WECHAT_APPID']}`;
    const stale = { value: 'S_not_a_token_the_simulator_knows', expiresAt: Date.now() + 3_600_000, renewAt: Date.now() + 3_000_000 };
    await writeFile(cache, JSON.stringify({ v: 1, tokens: { [key]: stale } }), { mode: 0o600 });
    const { channel } = await channelWithCache(cache);
    const result = await drive(channel, rows('oCcc'), { concurrency: 8, retries: 0 });
    expect(tally(result.outcomes)).toEqual({ 'sent/ok': 40 });
    expect(sim.counters.errcodes['40001']).toBeGreaterThan(0);
    expect(sim.counters.tokenFetches).toBe(1);
    const written = JSON.parse(await readFile(cache, 'utf8')) as { tokens: Record<string, { value: string }> };
    expect(written.tokens[key]?.value).not.toBe(stale.value);
  });

  it('takes over a lock left by a process that died', async () => {
    const cache = join(dir, 'token.json');
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    await writeFile(`${cache}.lock`, JSON.stringify({ pid: dead }));
    const { channel, setup } = await channelWithCache(cache);
    const result = await drive(channel, rows('oDdd'), { concurrency: 8 });
    expect(tally(result.outcomes)).toEqual({ 'sent/ok': 40 });
    expect(setup.warnings).toEqual([]);
    await expect(stat(`${cache}.lock`)).rejects.toThrow(/ENOENT/);
  });

  it('fetches without the cache, with one warning, when the file cannot be used', async () => {
    const cache = join(dir, 'token.json');
    await writeFile(cache, 'not json');
    await writeFile(join(dir, 'blocker'), '');
    const { channel, setup } = await channelWithCache(join(dir, 'blocker', 'token.json'));
    const result = await drive(channel, rows('oEee'), { concurrency: 8 });
    expect(tally(result.outcomes)).toEqual({ 'sent/ok': 40 });
    expect(setup.warnings).toHaveLength(1);
    expect(setup.warnings[0]).toMatch(/^--token-cache .*blocker.*: cannot use the file \(ENOTDIR\)/);
  });
});
