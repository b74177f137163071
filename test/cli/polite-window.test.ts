/**
 * `--window`, `--tz`, `--tz-field` and `--not-after` as a user runs them, against a receiver on
 * 127.0.0.1, with the process's clock started at a chosen instant and run faster (HERALD_TEST_NOW,
 * HERALD_TEST_CLOCK_SPEED): nothing sleeps through a real window.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runHerald } from '../helpers/cli.js';
import { lastByKey, rowRecords } from '../helpers/files.js';
import { useWorkspace } from '../helpers/workspace.js';

const ws = useWorkspace();

function clockAt(iso: string, speed: number): Record<string, string> {
  return { HERALD_TEST_NOW: iso, HERALD_TEST_CLOCK_SPEED: String(speed) };
}

/** When each key's first record (its pending one: the moment it was sent) was written. */
function firstRecordAt(log: string): Map<string, number> {
  const first = new Map<string, number>();
  for (const record of rowRecords(log)) if (!first.has(String(record.key))) first.set(String(record.key), Date.parse(String(record.at)));
  return first;
}

describe('herald send --window', () => {
  it("sends each row inside the window of its own zone: rows outside wait for it to open; a bad zone is invalid (exit 3)", async () => {
    const sink = await ws.startSink();
    const csv = join(ws.dir, 'zones.csv');
    // 06:59Z: 12:29 in Kolkata (inside 09:00-20:00), 08:59 in Berlin (opens at 07:00Z), Kolkata for an empty tz (--tz).
    writeFileSync(csv, 'id,tz\nin1,Asia/Kolkata\nber1,Europe/Berlin\nin2,\nber2,Europe/Berlin\nbad,Mars/Base\n');
    const args = ['send', csv, '--channel', 'webhook', '--url', sink.url, '--window', '09:00-20:00', '--tz', 'Asia/Kolkata', '--tz-field', 'tz', '--quiet'];
    const result = await runHerald(args, { env: clockAt('2026-06-01T06:59:00Z', 60) });
    expect(result.code, result.stderr).toBe(3);
    const log = `${csv}.results.jsonl`;
    const last = lastByKey(log);
    expect(['in1', 'in2', 'ber1', 'ber2'].map((key) => last.get(key)?.status)).toEqual(['sent', 'sent', 'sent', 'sent']);
    expect(last.get('bad')).toMatchObject({ status: 'invalid', class: 'invalid' });
    expect(String(last.get('bad')!.error)).toContain("'Mars/Base' is not an IANA time zone");
    const first = firstRecordAt(log);
    expect(first.get('ber1')).toBeGreaterThanOrEqual(Date.parse('2026-06-01T07:00:00Z'));
    expect(first.get('ber2')).toBeGreaterThanOrEqual(Date.parse('2026-06-01T07:00:00Z'));
    expect(sink.requests).toHaveLength(4);
  });

  it('is right across a daylight-saving change: 02:30 does not exist in New York on 8 March 2026, so 02:30-04:00 opens at the jump to 03:00 EDT', async () => {
    const sink = await ws.startSink();
    const csv = join(ws.dir, 'ny.csv');
    writeFileSync(csv, 'id\na\nb\nc\n');
    // 01:59:30 EST; the clock jumps to 03:00 EDT at 07:00Z (one real second later at 60×).
    const args = ['send', csv, '--channel', 'webhook', '--url', sink.url, '--window', '02:30-04:00', '--tz', 'America/New_York', '--quiet'];
    const result = await runHerald(args, { env: clockAt('2026-03-08T06:59:30Z', 60) });
    expect(result.code, result.stderr).toBe(0);
    for (const [key, sentAt] of firstRecordAt(`${csv}.results.jsonl`)) {
      expect(sentAt, key).toBeGreaterThanOrEqual(Date.parse('2026-03-08T07:00:00Z'));
      // Not held until 02:30 EST (07:30Z), a time that never comes that night.
      expect(sentAt, key).toBeLessThan(Date.parse('2026-03-08T07:30:00Z'));
    }
  });

  it('--not-after: rows waiting for a window that opens after the deadline end the run there (exit 75), unrecorded, and --resume sends them the next morning', async () => {
    const sink = await ws.startSink();
    const csv = join(ws.dir, 'evening.csv');
    writeFileSync(csv, 'id\n' + Array.from({ length: 20 }, (_, i) => `k${i}`).join('\n') + '\n');
    const args = ['send', csv, '--channel', 'webhook', '--url', sink.url, '--window', '09:00-20:00', '--tz', 'Asia/Shanghai', '--not-after', '20:10', '--rate', '6/min', '--concurrency', '1'];
    // 19:58 in Shanghai at 600×: a row every ten seconds until 20:00; the rest wait for 09:00, past
    // the 20:10 deadline, so the run ends at 20:10 (a real second later), not at 09:00.
    const first = await runHerald(args, { env: clockAt('2026-06-01T19:58:00+08:00', 600) });
    expect(first.code, first.stderr).toBe(75);
    expect(first.stderr).toContain('herald: paused: --not-after 20:10 (2026-06-01 20:10 Asia/Shanghai) reached');
    expect(first.stderr).toMatch(/waiting +\d+ +left waiting for their window: no record yet, --resume sends them/);
    expect(first.stderr).toContain(`next       herald send ${csv} --channel webhook`);
    const log = `${csv}.results.jsonl`;
    const recorded = lastByKey(log);
    // Sends in flight finished; rows not sent have no record at all.
    expect([...recorded.values()].every((record) => record.status === 'sent')).toBe(true);
    expect(sink.requests).toHaveLength(recorded.size);
    expect(recorded.size).toBeLessThan(20);
    const resumed = await runHerald([...args, '--resume', '--quiet'], { env: clockAt('2026-06-02T09:00:00+08:00', 600) });
    expect(resumed.code, resumed.stderr).toBe(0);
    const done = lastByKey(log);
    expect(done.size).toBe(20);
    expect([...done.values()].every((record) => record.status === 'sent')).toBe(true);
    expect(sink.requests).toHaveLength(20);
  });

  it('--not-after with a date: the printed resume command leaves the passed deadline out, and running it the next day sends the rest once', async () => {
    const sink = await ws.startSink();
    const csv = join(ws.dir, 'dated.csv');
    writeFileSync(csv, 'id\n' + Array.from({ length: 8 }, (_, i) => `k${i}`).join('\n') + '\n');
    const base = ['send', csv, '--channel', 'webhook', '--url', sink.url, '--rate', '1/min', '--concurrency', '1'];
    // 10:00 in Shanghai at 60×: a row a real second until the 10:03:30 deadline.
    const first = await runHerald([...base, '--not-after', '2026-06-01T10:03:30+08:00', '--tz', 'Asia/Shanghai'], { env: clockAt('2026-06-01T10:00:00+08:00', 60) });
    expect(first.code, first.stderr).toBe(75);
    const next = /next +herald (send .*--resume)/.exec(first.stderr);
    expect(next, first.stderr).not.toBeNull();
    expect(next![1]).not.toContain('--not-after');
    expect(next![1]).toContain('--tz Asia/Shanghai');
    const sentFirst = lastByKey(`${csv}.results.jsonl`).size;
    expect(sentFirst).toBeLessThan(8);
    const resumed = await runHerald([...base, '--tz', 'Asia/Shanghai', '--resume', '--rate', '100/s'], { env: clockAt('2026-06-02T10:00:00+08:00', 1) });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect([...lastByKey(`${csv}.results.jsonl`).values()].filter((r) => r.status === 'sent')).toHaveLength(8);
    expect(sink.requests).toHaveLength(8);
  });

  it('refuses bad values with one line naming the flag, the rule and the value (exit 2), sending nothing', async () => {
    const sink = await ws.startSink();
    const csv = join(ws.dir, 'rows.csv');
    writeFileSync(csv, 'id,tz\na,Asia/Tokyo\n');
    const base = ['send', csv, '--channel', 'webhook', '--url', sink.url];
    const cases: [string[], string][] = [
      [['--window', '9-17'], "--window '9-17': expected HH:MM-HH:MM"],
      [['--tz', 'Mars/Base'], "--tz 'Mars/Base': expected an IANA time zone name"],
      [['--tz-field', 'tz'], "--tz-field 'tz': a row's zone is only used for its sending window"],
      [['--window', '09:00-20:00', '--tz-field', 'zone'], "has no column 'zone', used by --tz-field"],
      [['--not-after', 'tonight'], "--not-after 'tonight': expected an ISO 8601 time with an offset"],
      [['--quota', '500'], "--quota '500': expected N/h or N/d"],
      [['--suppress', join(ws.dir, 'missing.txt')], `--suppress ${join(ws.dir, 'missing.txt')}: no such file`],
    ];
    for (const [flags, message] of cases) {
      const result = await runHerald([...base, ...flags, '--force']);
      expect(result.code, flags.join(' ')).toBe(2);
      expect(result.stderr.trim().split('\n'), flags.join(' ')).toHaveLength(1);
      expect(result.stderr, flags.join(' ')).toContain(message);
    }
    expect(sink.requests).toHaveLength(0);
  });
});
