// The run's access token against the simulator, both on a clock the test moves: one fetch for
// many callers, renewal before expiry, one replacement per rejection burst, then fatal.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Pool } from 'undici';
import { createPool } from '../../../src/channels/http/pool.js';
import { stableTokenSource } from '../../../src/channels/wechat/token-client.js';
import { TokenKeeper } from '../../../src/channels/wechat/token-keeper.js';
import { start, type WechatMockServer } from '../../../src/mock/wechat/server.js';

let clock = Date.UTC(2025, 5, 1);
const now = () => clock;
let sim: WechatMockServer;
let pool: Pool;
let keeper: TokenKeeper;

beforeEach(async () => {
  sim = await start({ tokenDelay: 10 }, () => undefined, now);
  pool = createPool(sim.url, { connections: 1, timeoutMs: 5000 });
  const source = stableTokenSource({
    pool,
    basePath: '',
    host: new URL(sim.url).host,
    appid: sim.env['WECHAT_APPID']!,
    secret: sim.env['WECHAT_APPSECRET']!,
    now,
  });
  keeper = new TokenKeeper({ source, timeoutMs: 5000, now });
});

afterEach(async () => {
  keeper.close();
  await pool.close();
  await sim.close();
});

/** What another system does when it refreshes the same appid's token by force. */
async function forceRefreshElsewhere(): Promise<void> {
  const response = await fetch(`${sim.url}/cgi-bin/stable_token`, {
    method: 'POST',
    body: JSON.stringify({
      grant_type: 'client_credential',
      appid: sim.env['WECHAT_APPID'],
      secret: sim.env['WECHAT_APPSECRET'],
      force_refresh: true,
    }),
  });
  await response.json();
}

async function tokenValue(): Promise<string> {
  const answer = await keeper.get(AbortSignal.timeout(5000));
  if (!answer.ok) throw new Error(answer.result.detail);
  return answer.token.value;
}

describe('TokenKeeper', () => {
  it('serves a thousand waiting callers with one fetch', async () => {
    const answers = await Promise.all(Array.from({ length: 1000 }, () => keeper.get(AbortSignal.timeout(5000))));
    const values = new Set(answers.map((a) => (a.ok ? a.token.value : 'failed')));
    expect(values.size).toBe(1);
    expect(values.has('failed')).toBe(false);
    expect(sim.counters.tokenFetches).toBe(1);
  });

  it("renews in the background in the token's last five minutes, never after it expired", async () => {
    const first = await tokenValue();
    clock += (7200 - 301) * 1000;
    expect(await tokenValue()).toBe(first);
    expect(sim.counters.tokenFetches).toBe(1);
    clock += 2000;
    // The old token is still good: callers get it at once while the renewal runs.
    expect(await tokenValue()).toBe(first);
    await vi.waitFor(() => expect(sim.counters.tokenFetches).toBe(2));
    // The simulator counts the fetch when it arrives; the keeper holds the answer a moment later.
    await vi.waitFor(async () => expect(await tokenValue()).not.toBe(first));
    await Promise.all(Array.from({ length: 50 }, () => tokenValue()));
    expect(sim.counters.tokenFetches).toBe(2);
  });

  it('replaces a rejected token once for a burst of rejections, and ignores stale rejections', async () => {
    const first = await tokenValue();
    await forceRefreshElsewhere();
    const replies = await Promise.all(Array.from({ length: 50 }, () => keeper.rejected(first, '40001', 'invalid credential', AbortSignal.timeout(5000))));
    const values = new Set(replies.map((a) => (a.ok ? a.token.value : 'failed')));
    expect(values.size).toBe(1);
    expect(values.has(first)).toBe(false);
    // Our fetch plus the other system's.
    expect(sim.counters.tokenFetches).toBe(3);
    const late = await keeper.rejected(first, '40001', 'invalid credential', AbortSignal.timeout(5000));
    expect(late.ok && late.token.value).toBe([...values][0]);
    expect(sim.counters.tokenFetches).toBe(3);
  });

  it('stops when a replacement is rejected before it ever worked', async () => {
    const first = await tokenValue();
    await forceRefreshElsewhere();
    const replaced = await keeper.rejected(first, '40001', 'invalid credential', AbortSignal.timeout(5000));
    if (!replaced.ok) throw new Error('expected a replacement');
    await forceRefreshElsewhere();
    const fatal = await keeper.rejected(replaced.token.value, '40001', 'invalid credential', AbortSignal.timeout(5000));
    expect(fatal.ok).toBe(false);
    if (fatal.ok) return;
    expect(fatal.result.outcome).toBe('fatal');
    expect(fatal.result.detail).toMatch(/another system may be refreshing the access token of WECHAT_APPID/);
    expect(fatal.result.detail).toContain('WECHAT_APPSECRET');
    // Fatal for good: no more fetches.
    const after = await keeper.get(AbortSignal.timeout(5000));
    expect(after.ok).toBe(false);
    expect(sim.counters.tokenFetches).toBe(4);
  });

  it('replaces again when the replacement had worked before it was rejected', async () => {
    const first = await tokenValue();
    await forceRefreshElsewhere();
    const replaced = await keeper.rejected(first, '40001', 'x', AbortSignal.timeout(5000));
    if (!replaced.ok) throw new Error('expected a replacement');
    keeper.proven(replaced.token.value);
    await forceRefreshElsewhere();
    const again = await keeper.rejected(replaced.token.value, '40001', 'x', AbortSignal.timeout(5000));
    expect(again.ok).toBe(true);
  });

  it("gives up waiting when the caller's signal aborts, without an unknown outcome", async () => {
    sim.configure({ tokenDelayMs: 2000 });
    const answer = await keeper.get(AbortSignal.timeout(50));
    expect(answer).toEqual({ ok: false, result: { outcome: 'retryable', code: 'TIMEOUT', detail: 'no access token in time' } });
  });
});
