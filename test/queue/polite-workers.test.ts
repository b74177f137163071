/**
 * Sending politely across machines: a quota holds for the campaign (the sum of every worker's
 * sends), a sending window holds in each worker (a row outside it goes back to the queue until it
 * opens, on a test clock that runs fast), a deadline pauses every worker (exit 75) and --resume
 * finishes the job.
 */
import { describe, expect, it } from 'vitest';
import { runHerald } from '../helpers/cli.js';
import { rowRecords, writeCsv } from '../helpers/files.js';
import { useWorkers } from '../helpers/workers.js';
import { useWorkspace } from '../helpers/workspace.js';

const ws = useWorkspace();
const pool = useWorkers();

function finals(log: string): Record<string, unknown>[] {
  return rowRecords(log).filter((r) => r.status !== 'pending');
}

describe('sending politely through workers', () => {
  it('--quota holds for the campaign as a whole: two workers send 30 of 100 rows, exit 75, and say when the next period starts', async () => {
    const sink = await ws.startSink();
    const csv = writeCsv(ws.dir, 100);
    pool.start(2);
    const result = await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--quota', '30/h', '--tz', 'UTC', '--queue', pool.redis.url]);
    expect(result.code, result.stderr).toBe(75);
    expect(result.stderr).toMatch(/--quota 30\/h reached/);
    expect(sink.requests).toHaveLength(30);
    expect(finals(`${csv}.results.jsonl`).filter((r) => r.status === 'sent')).toHaveLength(30);
  });

  it('--window holds in every worker: rows wait in the queue until the window opens in the recipient\'s zone', async () => {
    const sink = await ws.startSink();
    const csv = writeCsv(ws.dir, 20);
    // The workers' clock starts two seconds before 20:00 in Shanghai and runs ten times faster.
    const clock = { HERALD_TEST_NOW: '2026-06-01T19:59:58+08:00', HERALD_TEST_CLOCK_SPEED: '10' };
    pool.start(2, clock);
    const result = await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--window', '20:00-22:00', '--tz', 'Asia/Shanghai', '--queue', pool.redis.url], { env: clock });
    expect(result.code, result.stderr).toBe(0);
    const sent = finals(`${csv}.results.jsonl`);
    expect(sent).toHaveLength(20);
    const opens = Date.parse('2026-06-01T20:00:00+08:00');
    expect(sent.every((r) => Date.parse(String(r.at)) >= opens)).toBe(true);
    expect(sink.requests).toHaveLength(20);
  });

  it('--not-after pauses every worker (exit 75): rows not sent have no record, and --resume sends them once', async () => {
    const sink = await ws.startSink();
    const csv = writeCsv(ws.dir, 200);
    const log = `${csv}.results.jsonl`;
    pool.start(2);
    // Some rows usually go before the deadline; on a loaded machine none may, and the pause holds all the same.
    const deadline = new Date(Date.now() + 5000).toISOString();
    const args = ['send', csv, '--channel', 'webhook', '--url', sink.url, '--rate', '25/s', '--queue', pool.redis.url];
    const paused = await runHerald([...args, '--not-after', deadline]);
    expect(paused.code, paused.stderr).toBe(75);
    expect(paused.stderr).toContain('--resume');
    expect(finals(log).length).toBeLessThan(200);
    expect(sink.requests.every((r) => r.at <= Date.parse(deadline) + 200)).toBe(true);
    const resumed = await runHerald([...args, '--resume', '--quiet']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const perKey = new Map<string, number>();
    for (const record of finals(log)) perKey.set(String(record.key), (perKey.get(String(record.key)) ?? 0) + 1);
    expect(perKey.size).toBe(200);
    expect([...perKey.values()].every((n) => n === 1)).toBe(true);
  });
});
