/**
 * The campaign's token bucket, shared by every worker through Redis: one Lua script takes tokens
 * atomically on Redis's own clock (so the machines' clocks need not agree), letting the balance go
 * negative so that waiting senders queue fairly and the long-run rate is exact, whatever the number
 * of workers. Its rate and a pause can be changed at any time by the campaign's governor (the send
 * process), and every worker follows at its next send.
 *
 * Unlike BullMQ's limiter (a fixed window counted when a job starts, which lets ~2× the rate
 * through at a window's edge and does not count a row's later attempts), every attempt is counted.
 */
import type { Redis } from 'ioredis';

/** Take tokens: returns [taken (1/0), ms to wait]. Not taken while the campaign is paused. */
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local b = redis.call('HMGET', KEYS[1], 'rate', 'burst', 'tokens', 'last', 'pausedUntil')
local paused = tonumber(b[5]) or 0
if paused > now then return {0, paused - now} end
local rate = tonumber(b[1]) or 0
if rate <= 0 then return {1, 0} end
local burst = tonumber(b[2]) or 1
local tokens = tonumber(b[3]) or 1
local last = tonumber(b[4]) or now
if now > last then tokens = math.min(burst, tokens + (now - last) * rate / 1000) end
tokens = tokens - tonumber(ARGV[1])
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'last', tostring(math.max(now, last)))
if tokens >= -1e-9 then return {1, 0} end
return {1, math.ceil(-tokens * 1000 / rate)}
`;

/** Pause the campaign for ARGV[1] ms from Redis's now (a longer pause already set wins). */
const PAUSE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local untilMs = now + tonumber(ARGV[1])
local current = tonumber(redis.call('HGET', KEYS[1], 'pausedUntil')) or 0
if untilMs > current then redis.call('HSET', KEYS[1], 'pausedUntil', tostring(untilMs)) end
return untilMs - now
`;

interface BucketCommands {
  heraldTake(key: string, count: number): Promise<[number, number]>;
  heraldPause(key: string, ms: number): Promise<number>;
}

/** A campaign's shared bucket. */
export class SharedBucket {
  private readonly redis: Redis & BucketCommands;

  constructor(
    redis: Redis,
    private readonly key: string,
  ) {
    if (!('heraldTake' in redis)) {
      redis.defineCommand('heraldTake', { numberOfKeys: 1, lua: TAKE });
      redis.defineCommand('heraldPause', { numberOfKeys: 1, lua: PAUSE });
    }
    this.redis = redis as Redis & BucketCommands;
  }

  /**
   * Set the campaign's rate (sends per second; null: no limit) and burst, refilled as a fresh
   * start: one token, or the whole burst when the user gave one.
   */
  async reset(rate: number | null, burst: number, full: boolean): Promise<void> {
    await this.redis.multi().del(this.key).hset(this.key, 'rate', String(rate ?? 0), 'burst', String(burst), 'tokens', String(full ? burst : 1)).exec();
  }

  /** Change the rate from now on (the governor following the provider down and back up). */
  async setRate(rate: number | null): Promise<void> {
    await this.redis.hset(this.key, 'rate', String(rate ?? 0));
  }

  /** Pause every worker for `ms`. */
  async pause(ms: number): Promise<void> {
    await this.redis.heraldPause(this.key, Math.max(0, Math.round(ms)));
  }

  /** Take `count` tokens: `taken` false while paused; `waitMs` before the tokens may be used (or before asking again). */
  async take(count: number): Promise<{ taken: boolean; waitMs: number }> {
    const [taken, waitMs] = await this.redis.heraldTake(this.key, count);
    return { taken: taken === 1, waitMs };
  }
}
