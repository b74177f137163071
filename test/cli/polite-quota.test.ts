/**
 * `--quota` as a cron job meets it: a ceiling per calendar hour counted from the result log across
 * runs of `herald send --resume` and `herald retry`, each run started at a chosen instant
 * (HERALD_TEST_NOW) against a receiver on 127.0.0.1.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runHerald } from '../helpers/cli.js';
import { countStates, lastByKey } from '../helpers/files.js';
import { useWorkspace } from '../helpers/workspace.js';

const ws = useWorkspace();

const at = (iso: string) => ({ HERALD_TEST_NOW: iso });

describe('herald send --quota', () => {
  it('stops at N per hour (exit 75, saying when the next hour starts); a run later that hour sends nothing; the next hour goes on', async () => {
    const sink = await ws.startSink();
    const csv = join(ws.dir, 'rows.csv');
    writeFileSync(csv, 'id\n' + Array.from({ length: 5 }, (_, i) => `k${i}`).join('\n') + '\n');
    const args = ['send', csv, '--channel', 'webhook', '--url', sink.url, '--quota', '3/h', '--tz', 'Asia/Shanghai', '--concurrency', '1', '--resume'];
    const first = await runHerald(args, { env: at('2026-06-01T09:10:00+08:00') });
    expect(first.code, first.stderr).toBe(75);
    expect(first.stderr).toContain('herald: paused: --quota 3/h reached: 3 sent in the hour from 09:00 Asia/Shanghai; the next hour starts at 10:00 Asia/Shanghai (2026-06-01T02:00:00.000Z)');
    const log = `${csv}.results.jsonl`;
    expect(countStates(log)).toEqual({ 'sent/ok': 3 });
    // The same hour, a new process: the log says 3 were sent, so nothing goes.
    const again = await runHerald([...args, '--json'], { env: at('2026-06-01T09:40:00+08:00') });
    expect(again.code, again.stderr).toBe(75);
    // The campaign is the file's 5 rows: 3 sent, the rest waiting or not reached yet.
    expect(JSON.parse(again.stdout).campaign).toMatchObject({ rows: 5, sent: 3 });
    expect(again.stderr).toMatch(/campaign 3\/5 sent/);
    expect(sink.requests).toHaveLength(3);
    const json = await runHerald([...args, '--quiet', '--json'], { env: at('2026-06-01T10:00:05+08:00') });
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ exitCode: 0, stopped: null, status: { sent: 2 } });
    expect(countStates(log)).toEqual({ 'sent/ok': 5 });
    expect(sink.requests).toHaveLength(5);
  });

  it('paused with rows sent, rows held back by the quota and rows not read yet: the campaign counts every row of the file', async () => {
    const sink = await ws.startSink();
    const csv = join(ws.dir, 'ten.csv');
    writeFileSync(csv, 'id\n' + Array.from({ length: 10 }, (_, i) => `k${i}`).join('\n') + '\n');
    const run = await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--quota', '3/h', '--tz', 'Asia/Shanghai', '--json'], { env: at('2026-06-01T09:10:00+08:00') });
    expect(run.code, run.stderr).toBe(75);
    const report = JSON.parse(run.stdout);
    expect(report.deferred).toBeGreaterThan(0);
    expect(report.campaign).toMatchObject({ rows: 10, sent: 3 });
    expect(run.stderr).toContain('campaign 3/10 sent');
  });

  it('holds for herald retry on the same log: failed rows wait for the next hour when the quota is spent', async () => {
    // k0 and k1 fail (503) the first time; every other answer is 200.
    const sink = await ws.startSink((request) => {
      const id = JSON.parse(request.body).id as string;
      return (id === 'k0' || id === 'k1') && request.n <= 2 ? { status: 503 } : { status: 200 };
    });
    const csv = join(ws.dir, 'rows.csv');
    writeFileSync(csv, 'id\nk0\nk1\nk2\nk3\nk4\n');
    const send = ['send', csv, '--channel', 'webhook', '--url', sink.url, '--quota', '3/h', '--tz', 'Asia/Shanghai', '--concurrency', '1', '--retries', '0', '--quiet'];
    const first = await runHerald(send, { env: at('2026-06-01T09:10:00+08:00') });
    expect(first.code, first.stderr).toBe(3); // 3 sent (the quota, exactly), 2 failed
    const log = `${csv}.results.jsonl`;
    expect(countStates(log)).toEqual({ 'sent/ok': 3, 'failed/retryable': 2 });
    // The retry inherits --quota from the log's run record.
    const spent = await runHerald(['retry', log], { env: at('2026-06-01T09:50:00+08:00') });
    expect(spent.code, spent.stderr).toBe(75);
    expect(spent.stderr).toContain('the next hour starts at 10:00 Asia/Shanghai');
    // Both failed rows are left (the retry reached neither), and the next step says so.
    expect(spent.stderr).toContain('sends the 2 rows left');
    expect(sink.requests).toHaveLength(5);
    const next = await runHerald(['retry', log, '--quiet'], { env: at('2026-06-01T10:01:00+08:00') });
    expect(next.code, next.stderr).toBe(0);
    expect(countStates(log)).toEqual({ 'sent/ok': 5 });
    expect(lastByKey(log).get('k0')).toMatchObject({ status: 'sent', at: expect.stringMatching(/^2026-06-01T02:01/) });
  });
});
