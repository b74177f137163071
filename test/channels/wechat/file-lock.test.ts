// The lock file behind --token-cache: waiting for a live holder, giving up in time, and never
// removing a lock that another process has taken over.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireLock } from '../../../src/channels/wechat/file-lock.js';

let dir: string;
let lock: string;
const signal = () => AbortSignal.timeout(5000);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'herald-wechat-lock-'));
  lock = join(dir, 'token.json.lock');
});

afterEach(() => rm(dir, { recursive: true, force: true }));

describe('acquireLock', () => {
  it('makes a second taker wait until the first releases, and writes a 0600 file', async () => {
    const first = await acquireLock(lock, { timeoutMs: 1000, staleMs: 60_000, signal: signal() });
    expect(first).not.toBeNull();
    expect((await stat(lock)).mode & 0o777).toBe(0o600);
    const order: string[] = [];
    const second = acquireLock(lock, { timeoutMs: 5000, staleMs: 60_000, signal: signal() }).then((release) => {
      order.push('second');
      return release;
    });
    await new Promise((done) => setTimeout(done, 60));
    order.push('released');
    await first!();
    const release = await second;
    expect(order).toEqual(['released', 'second']);
    await release!();
    await expect(stat(lock)).rejects.toThrow(/ENOENT/);
  });

  it('gives up with null when the holder keeps it past the timeout', async () => {
    const first = await acquireLock(lock, { timeoutMs: 1000, staleMs: 60_000, signal: signal() });
    expect(await acquireLock(lock, { timeoutMs: 50, staleMs: 60_000, signal: signal() })).toBeNull();
    await first!();
  });

  it('leaves alone a lock another taker took over after it went stale', async () => {
    const old = await acquireLock(lock, { timeoutMs: 1000, staleMs: 60_000, signal: signal() });
    // staleMs -1: every existing lock counts as abandoned.
    const taker = await acquireLock(lock, { timeoutMs: 1000, staleMs: -1, signal: signal() });
    expect(taker).not.toBeNull();
    const owner = await readFile(lock, 'utf8');
    await old!();
    expect(await readFile(lock, 'utf8')).toBe(owner);
    await taker!();
    await expect(stat(lock)).rejects.toThrow(/ENOENT/);
  });
});
