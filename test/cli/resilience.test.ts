/** Faults, kills and interruptions: herald as a process against receivers that misbehave. */
import { describe, expect, it } from 'vitest';
import { finished, runHerald, spawnHerald, waitFor } from '../helpers/cli.js';
import { lastByKey, rowRecords, writeCsv } from '../helpers/files.js';
import { useWorkspace } from '../helpers/workspace.js';

const ws = useWorkspace();

/** A deterministic pseudo-random sequence, so fault patterns repeat. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('faults and retries', () => {
  it('with 500s, 429 + Retry-After and reset sockets, --retries 6 delivers nearly all; herald retry finishes the rest', async () => {
    const random = seeded(42);
    let faults = true;
    const sink = await ws.startSink(() => {
      if (!faults) return { status: 200 };
      const roll = random();
      if (roll < 0.08) return { status: 500 };
      if (roll < 0.12) return { status: 429, headers: { 'retry-after': '1' } };
      if (roll < 0.15) return 'reset';
      return { status: 200 };
    });
    const csv = writeCsv(ws.dir, 600);
    const log = `${csv}.results.jsonl`;
    const first = await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--concurrency', '16', '--retries', '6', '--quiet']);
    expect([0, 3]).toContain(first.code);
    const afterFirst = lastByKey(log);
    const sent = [...afterFirst.values()].filter((r) => r.status === 'sent').length;
    expect(sent).toBeGreaterThanOrEqual(600 * 0.97);
    for (const record of afterFirst.values()) {
      if (record.status !== 'sent') expect(record).toMatchObject({ status: 'failed' });
      if (record.status === 'failed') expect(['retryable', 'throttled']).toContain(record.class);
    }
    expect(sink.delivered.size).toBe(sent);
    faults = false;
    const retry = await runHerald(['retry', log, '--quiet']);
    expect(retry.code).toBe(0);
    const afterRetry = lastByKey(log);
    expect([...afterRetry.values()].every((r) => r.status === 'sent')).toBe(true);
    expect(sink.delivered.size).toBe(600);
  });

  it('a receiver that fails everything opens the circuit breaker instead of burning through the file', async () => {
    const sink = await ws.startSink(() => ({ status: 503 }));
    const csv = writeCsv(ws.dir, 2000);
    const child = spawnHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--concurrency', '4', '--retries', '0']);
    const done = finished(child);
    let stderr = '';
    child.stderr!.on('data', (chunk: string) => (stderr += chunk));
    // Until the breaker has spoken (a loaded machine starts herald slowly), then a while longer with it open.
    await waitFor(() => /sends failed: pausing/.test(stderr), 'the circuit breaker to open');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    child.kill('SIGINT');
    const result = await done;
    expect(result.code).toBe(130);
    expect(result.stderr).toMatch(/sends failed: pausing/);
    // The warning names what the failures were.
    expect(result.stderr).toMatch(/most failed with 503 \(.*answered 503/);
    // Without the breaker 4 connections would have burnt hundreds of rows in the second it stayed open.
    expect(sink.requests.length).toBeLessThan(60);
  });
});

describe('crash safety', () => {
  it('killed with SIGKILL at random moments, --resume until exit 0 leaves one final sent record per key; duplicates per kill <= concurrency', async () => {
    const sink = await ws.startSink(async () => {
      await new Promise((resolve) => setTimeout(resolve, 3));
      return { status: 200 };
    });
    const rows = 3000;
    const csv = writeCsv(ws.dir, rows);
    const log = `${csv}.results.jsonl`;
    const random = seeded(7);
    let kills = 0;
    let code: number | null = null;
    for (let round = 0; round < 12 && code !== 0; round++) {
      const args = ['send', csv, '--channel', 'webhook', '--url', sink.url, '--concurrency', '8', '--quiet', ...(round > 0 ? ['--resume'] : [])];
      const child = spawnHerald(args);
      const done = finished(child);
      if (round < 4) {
        await new Promise((resolve) => setTimeout(resolve, 250 + random() * 500));
        if (child.exitCode === null) {
          child.kill('SIGKILL');
          kills++;
        }
      }
      const result = await done;
      code = result.code;
    }
    expect(code).toBe(0);
    expect(kills).toBeGreaterThan(0);
    const finals = new Map<string, number>();
    for (const record of rowRecords(log)) {
      if (record.status !== 'pending') finals.set(String(record.key), (finals.get(String(record.key)) ?? 0) + 1);
    }
    expect(finals.size).toBe(rows);
    expect([...finals.values()].every((n) => n === 1)).toBe(true);
    expect([...lastByKey(log).values()].every((r) => r.status === 'sent')).toBe(true);
    expect(sink.delivered.size).toBe(rows);
    const duplicates = [...sink.delivered.values()].reduce((sum, bodies) => sum + bodies.length - 1, 0);
    expect(duplicates).toBeLessThanOrEqual(kills * 8);
  });

  it('SIGINT drains the sends in flight, completes the log, prints how to resume and exits 130', async () => {
    const sink = await ws.startSink(async () => {
      await new Promise((resolve) => setTimeout(resolve, 200));
      return { status: 200 };
    });
    const csv = writeCsv(ws.dir, 500);
    const log = `${csv}.results.jsonl`;
    const child = spawnHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--concurrency', '5']);
    const done = finished(child);
    await waitFor(() => sink.requests.length >= 5, 'the first sends');
    child.kill('SIGINT');
    const result = await done;
    expect(result.code).toBe(130);
    expect(result.stderr).toContain('--resume');
    const last = lastByKey(log);
    expect([...last.values()].every((r) => r.status === 'sent')).toBe(true);
    expect(last.size).toBe(sink.delivered.size);
    const resumed = await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--resume', '--quiet', '--concurrency', '50']);
    expect(resumed.code).toBe(0);
    expect(lastByKey(log).size).toBe(500);
    expect(sink.requests.length).toBe(500);
  });

  it('a second SIGINT stops at once; rows in flight stay pending and --resume settles them', async () => {
    const sink = await ws.startSink(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5000));
      return { status: 200 };
    });
    const csv = writeCsv(ws.dir, 20);
    const log = `${csv}.results.jsonl`;
    const child = spawnHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--concurrency', '4']);
    const done = finished(child);
    await waitFor(() => sink.requests.length >= 4, 'the first sends');
    child.kill('SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 200));
    child.kill('SIGINT');
    const started = Date.now();
    const result = await done;
    expect(result.code).toBe(130);
    expect(Date.now() - started).toBeLessThan(4000);
    const pending = [...lastByKey(log).values()].filter((r) => r.status === 'pending');
    expect(pending.length).toBe(4);
    await sink.close();
    const healthy = await ws.startSink();
    const resumed = await runHerald(['send', csv, '--channel', 'webhook', '--url', healthy.url, '--resume', '--quiet']);
    expect(resumed.code).toBe(0);
    expect([...lastByKey(log).values()].every((r) => r.status === 'sent')).toBe(true);
  });
});
