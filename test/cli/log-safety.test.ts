/**
 * The ways a row could be sent twice through the result log itself: overlapping runs (cron), and a
 * log deleted, truncated or replaced under a running herald. As processes, the way a user meets them.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { finished, runHerald, spawnHerald, waitFor } from '../helpers/cli.js';
import { lastByKey, readLog, writeCsv } from '../helpers/files.js';
import { useWorkspace } from '../helpers/workspace.js';

const ws = useWorkspace();

describe('overlapping runs', () => {
  it('a run decides what the log holds only once it holds the lock: an overlapping cron run is refused, and no row goes out twice', async () => {
    const sink = await ws.startSink();
    const csv = writeCsv(ws.dir, 30);
    const log = `${csv}.results.jsonl`;
    const args = ['send', csv, '--channel', 'webhook', '--url', sink.url, '--resume', '--quiet'];
    // The first run holds the lock and waits (a test-only hook) before it looks at the log.
    const first = spawnHerald(args, { env: { HERALD_TEST_DELAY_AFTER_LOCK_MS: '5000' } });
    const firstDone = finished(first);
    await waitFor(() => existsSync(`${log}.lock`), 'the first run to take the lock');
    const second = await runHerald(args);
    expect(second.code).toBe(2);
    expect(second.stderr).toContain('in use by another herald');
    expect((await firstDone).code).toBe(0);
    // The hourly job again: the finished log is continued, not started over.
    const third = await runHerald(args);
    expect(third.code).toBe(0);
    expect(sink.requests).toHaveLength(30);
    expect(new Set(sink.requests.map((r) => r.headers['idempotency-key'])).size).toBe(30);
    expect(readLog(log).filter((r) => r.type === 'run').map((r) => r.campaign)).toEqual([expect.any(String), readLog(log)[0]!.campaign]);
  });
});

describe('a log changed under a running herald', () => {
  it('truncated while sending: the run stops (exit 1) saying so, and --resume refuses to start a new campaign in it', async () => {
    const sink = await ws.startSink(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return { status: 200 };
    });
    const csv = writeCsv(ws.dir, 400);
    const log = `${csv}.results.jsonl`;
    const child = spawnHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--concurrency', '2', '--quiet']);
    const done = finished(child);
    await waitFor(() => sink.requests.length >= 10, 'the first sends');
    writeFileSync(log, ''); // logrotate's copytruncate
    const result = await done;
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/was truncated while herald was writing it/);
    const resumed = await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--resume']);
    expect(resumed.code).toBe(2);
    expect(resumed.stderr).toMatch(/holds no herald run record.*--force/);
    expect(readFileSync(log, 'utf8')).not.toContain('"type":"run"');
  });

  it('--resume on a log that is not there yet says a new campaign starts, and sends', async () => {
    const sink = await ws.startSink();
    const csv = writeCsv(ws.dir, 3);
    const result = await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--resume', '--quiet']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('does not exist yet: a new campaign starts');
    expect(lastByKey(`${csv}.results.jsonl`).size).toBe(3);
  });
});
