/** The result log's guarantees and the commands that read it (report, retry), as a user meets them. */
import { appendFileSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { finished, runHerald, spawnHerald, waitFor } from '../helpers/cli.js';
import { lastByKey, readLog, writeCsv } from '../helpers/files.js';
import { useWorkspace } from '../helpers/workspace.js';

const ws = useWorkspace();

describe('result log', () => {
  it('starts with a run record holding the settings, then pending before final records, with the contract fields', async () => {
    const sink = await ws.startSink();
    const csv = writeCsv(ws.dir, 3);
    expect((await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--rate', '50/s', '--quiet'])).code).toBe(0);
    const log = readLog(`${csv}.results.jsonl`);
    expect(log[0]).toMatchObject({ type: 'run', channel: 'webhook', command: 'send', herald: expect.any(String) as unknown });
    expect((log[0]!.settings as Record<string, unknown>).rate).toBe('50/s');
    const k0 = log.filter((r) => r.key === 'k0');
    expect(k0.map((r) => r.status)).toEqual(['pending', 'sent']);
    expect(Object.keys(k0[1]!)).toEqual(expect.arrayContaining(['key', 'status', 'class', 'code', 'error', 'attempts', 'messageId', 'idempotencyKey', 'latencyMs', 'at', 'line', 'row']));
    expect(k0[1]).toMatchObject({ status: 'sent', class: 'ok', code: '200', attempts: 1, line: 1, row: { id: 'k0', name: 'Name 0', email: 'user0@example.com' } });
    expect(typeof k0[1]!.latencyMs).toBe('number');
    expect(k0[0]!.idempotencyKey).toBe(k0[1]!.idempotencyKey);
  });

  it('refuses an existing log without --resume/--force (exit 2) and leaves it byte-for-byte unchanged', async () => {
    const sink = await ws.startSink();
    const csv = writeCsv(ws.dir, 5);
    const log = `${csv}.results.jsonl`;
    await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--quiet']);
    const before = readFileSync(log);
    const result = await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--resume');
    expect(readFileSync(log).equals(before)).toBe(true);
    expect(sink.requests.length).toBe(5);
    expect(existsSync(`${log}.lock`)).toBe(false);
  });

  it('--force appends a new run that sends every row again with new idempotency keys', async () => {
    const sink = await ws.startSink();
    const csv = writeCsv(ws.dir, 4);
    const log = `${csv}.results.jsonl`;
    await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--quiet']);
    const firstKeys = [...lastByKey(log).values()].map((r) => r.idempotencyKey);
    expect((await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--force', '--quiet'])).code).toBe(0);
    expect(sink.delivered.size).toBe(8);
    expect(readLog(log).filter((r) => r.type === 'run')).toHaveLength(2);
    const secondKeys = [...lastByKey(log).values()].map((r) => r.idempotencyKey);
    expect(secondKeys.some((k) => firstKeys.includes(k))).toBe(false);
  });

  it('a second herald on the same log refuses, naming the process that holds it', async () => {
    const sink = await ws.startSink(async () => {
      await new Promise((resolve) => setTimeout(resolve, 100));
      return { status: 200 };
    });
    const csv = writeCsv(ws.dir, 200);
    const first = spawnHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--concurrency', '2', '--quiet']);
    const firstDone = finished(first);
    await waitFor(() => sink.requests.length >= 2, 'the first run to be sending');
    const second = await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--resume']);
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(`pid ${first.pid}`);
    first.kill('SIGKILL');
    await firstDone;
    // The dead process's lock is stale: taken over.
    const third = await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--resume', '--quiet', '--concurrency', '50']);
    expect(third.code).toBe(0);
    expect(lastByKey(`${csv}.results.jsonl`).size).toBe(200);
  });

  it('ignores a torn last line with a warning and appends on a fresh line', async () => {
    const sink = await ws.startSink();
    const csv = writeCsv(ws.dir, 6);
    const log = `${csv}.results.jsonl`;
    await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--limit', '3', '--quiet']);
    appendFileSync(log, '{"type":"row","key":"k3","status":"pen');
    const result = await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--resume', '--quiet']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/torn last line/);
    const lines = readFileSync(log, 'utf8').split('\n');
    expect(lines.filter((line) => line.startsWith('{"type":"row","key":"k3","status":"pen"') || line === '{"type":"row","key":"k3","status":"pen')).toHaveLength(1);
    expect(lastByKey(log).size).toBe(6);
    expect([...lastByKey(log).values()].every((r) => r.status === 'sent')).toBe(true);
  });

  it('--resume with --in-doubt fail records rows left pending by a crash as failed/in-doubt; herald retry sends them', async () => {
    const sink = await ws.startSink();
    const csv = writeCsv(ws.dir, 4);
    const log = `${csv}.results.jsonl`;
    await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--limit', '2', '--quiet']);
    const run = readLog(log)[0]!;
    appendFileSync(log, JSON.stringify({ type: 'row', key: 'k2', status: 'pending', class: null, code: null, error: null, attempts: 1, messageId: null, idempotencyKey: 'ik-k2', latencyMs: null, at: new Date().toISOString(), line: 3, row: { id: 'k2', name: 'Name 2', email: 'user2@example.com' } }) + '\n');
    expect(run.type).toBe('run');
    const resumed = await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--resume', '--in-doubt', 'fail', '--quiet']);
    expect(resumed.code).toBe(3);
    expect(lastByKey(log).get('k2')).toMatchObject({ status: 'failed', class: 'in-doubt', idempotencyKey: 'ik-k2' });
    expect(sink.delivered.has('ik-k2')).toBe(false);
    const retried = await runHerald(['retry', log, '--quiet']);
    expect(retried.code).toBe(0);
    expect(lastByKey(log).get('k2')).toMatchObject({ status: 'sent', idempotencyKey: 'ik-k2' });
    expect(sink.delivered.has('ik-k2')).toBe(true);
  });
});

describe('herald report', () => {
  it('summarises a log by status, class and code with latency, duration and what retry would send', async () => {
    const sink = await ws.startSink((request) => (JSON.parse(request.body).id === 'k1' ? { status: 422 } : request.n % 5 === 0 ? { status: 503 } : { status: 200 }));
    const csv = writeCsv(ws.dir, 20);
    const log = `${csv}.results.jsonl`;
    await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--retries', '0', '--quiet']);
    const text = await runHerald(['report', log]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/sent\s+\d+/);
    expect(text.stdout).toMatch(/failed\s+\d+\s+permanent 1, retryable \d+/);
    expect(text.stdout).toContain('p95');
    expect(text.stdout).toContain('herald retry');
    const json = await runHerald(['report', log, '--json']);
    const report = JSON.parse(json.stdout) as Record<string, unknown>;
    const status = report.status as Record<string, number>;
    expect(status.sent! + status.failed!).toBe(20);
    expect((report.codes as Record<string, number>)['422']).toBe(1);
    expect(report.retryable).toBe(status.failed! - 1);
    expect(report.retryableWithAll).toBe(status.failed);
    expect(report.runs).toBe(1);
    expect(typeof report.durationMs).toBe('number');
    expect((report.latencyMs as Record<string, unknown>).p50).toEqual(expect.any(Number));
  });

  it('reports a missing log as a one-line error (exit 2)', async () => {
    const result = await runHerald(['report', join(ws.dir, 'nope.jsonl')]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('nope.jsonl');
  });
});

describe('usage errors exit 2 with one line, before anything is sent', () => {
  const cases: [string, string[], RegExp][] = [
    // no channel given
    ['missing --channel', ['send', 'IN'], /--channel is required/],
    // unknown channel name
    ['unknown channel', ['send', 'IN', '--channel', 'pigeon'], /--channel 'pigeon'/],
    // a rate without a unit we know
    ['bad --rate', ['send', 'IN', '--channel', 'webhook', '--url', 'http://127.0.0.1:9/x', '--rate', '5/fortnight'], /--rate '5\/fortnight'/],
    // concurrency must be at least 1
    ['bad --concurrency', ['send', 'IN', '--channel', 'webhook', '--url', 'http://127.0.0.1:9/x', '--concurrency', '0'], /--concurrency '0'/],
    // webhook needs a URL
    ['webhook without --url', ['send', 'IN', '--channel', 'webhook'], /--url/],
    // the key column must exist
    ['key column missing', ['send', 'IN', '--channel', 'webhook', '--url', 'http://127.0.0.1:9/x', '--key', 'customer_no'], /no column 'customer_no'/],
    // a JSON body placeholder outside a string
    ['unquoted JSON placeholder', ['send', 'IN', '--channel', 'webhook', '--url', 'http://127.0.0.1:9/x', '--body', 'BAD_BODY'], /must stand inside a JSON string/],
    // an unknown flag
    ['unknown flag', ['send', 'IN', '--channel', 'webhook', '--frobnicate'], /unknown option/],
    // a missing input file
    ['missing input', ['send', 'MISSING', '--channel', 'webhook', '--url', 'http://127.0.0.1:9/x'], /nope\.csv/],
  ];
  it.each(cases)('%s', async (_name, template, pattern) => {
    const csv = writeCsv(ws.dir, 2);
    const badBody = join(ws.dir, 'bad.json');
    writeFileSync(badBody, '{"n": {{id}}}');
    const args = template.map((arg) => (arg === 'IN' ? csv : arg === 'BAD_BODY' ? badBody : arg === 'MISSING' ? join(ws.dir, 'nope.csv') : arg));
    const result = await runHerald(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(pattern);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(`${csv}.results.jsonl`)).toBe(false);
  });
});
