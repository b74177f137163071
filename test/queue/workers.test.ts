/**
 * One campaign on several `herald worker` processes through a real redis-server, as users run it:
 * rate for the campaign as a whole, a worker or the send process killed (-9) mid-run, a throttling
 * storm slowing every worker, secrets that never reach Redis, a worker without the channel's secret.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startAliyunMock } from '../../src/mock/aliyun-sms/server.js';
import { finished, runHerald, spawnHerald, waitFor } from '../helpers/cli.js';
import { lastByKey, rowRecords, writeCsv } from '../helpers/files.js';
import { freePort, startRedis } from '../helpers/redis.js';
import { useWorkers } from '../helpers/workers.js';
import { useWorkspace } from '../helpers/workspace.js';

const ws = useWorkspace();
const pool = useWorkers();

/** Final records per key in a log: every row must have exactly one. */
function finalsPerKey(log: string): Map<string, number> {
  const finals = new Map<string, number>();
  for (const record of rowRecords(log)) if (record.status !== 'pending') finals.set(String(record.key), (finals.get(String(record.key)) ?? 0) + 1);
  return finals;
}

/** Every row ends sent, with one final record (`retried` rows have two: their failure, then the retry's). */
function expectEverySentOnce(log: string, rows: number, retried = 0): void {
  const finals = finalsPerKey(log);
  expect(finals.size).toBe(rows);
  expect([...finals.values()].filter((n) => n !== 1)).toEqual(Array.from({ length: retried }, () => 2));
  const last = new Map(rowRecords(log).map((r) => [String(r.key), r]));
  expect([...last.values()].filter((r) => r.status !== 'sent')).toEqual([]);
}

describe('herald worker and herald send --queue', () => {
  it('three workers deliver every row once, at the campaign\'s rate (not three times it), and leave Redis clean', async () => {
    const sink = await ws.startSink();
    const csv = writeCsv(ws.dir, 300);
    const started = pool.start(3);
    const result = await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--rate', '100/s', '--queue', pool.redis.url, '--quiet']);
    expect(result.code, result.stderr).toBe(0);
    expectEverySentOnce(`${csv}.results.jsonl`, 300);
    expect(new Set(sink.requests.map((r) => r.headers['idempotency-key'])).size).toBe(300);
    // 300 rows at 100/s cannot arrive in less than ~3 s; three workers each at the rate would take 1.
    const span = sink.requests.at(-1)!.at - sink.requests[0]!.at;
    expect(span).toBeGreaterThan(2500);
    await waitFor(() => (started.stderr().match(/joined campaign/g) ?? []).length === 3, 'every worker to have joined');
    expect(await pool.redis.client.keys('herald:c:*')).toEqual([]);
  });

  it('a worker killed with -9 mid-run: its rows are taken over, and every row ends sent exactly once in the log', async () => {
    const sink = await ws.startSink(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return { status: 200 };
    });
    const csv = writeCsv(ws.dir, 400);
    pool.start(2);
    const send = spawnHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--queue', pool.redis.url, '--quiet', '--concurrency', '8']);
    const done = finished(send);
    await waitFor(() => sink.requests.length >= 50, 'the first sends');
    pool.workers[0]!.kill('SIGKILL');
    const result = await done;
    expect(result.code, result.stderr).toBe(0);
    expectEverySentOnce(`${csv}.results.jsonl`, 400);
    expect(new Set(sink.requests.map((r) => r.headers['idempotency-key'])).size).toBe(400);
  });

  it('the send process killed with -9: the workers go on, and --resume writes every result produced meanwhile', async () => {
    const sink = await ws.startSink(async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      return { status: 200 };
    });
    const csv = writeCsv(ws.dir, 400);
    const log = `${csv}.results.jsonl`;
    pool.start(2);
    const args = ['send', csv, '--channel', 'webhook', '--url', sink.url, '--queue', pool.redis.url, '--quiet'];
    const send = spawnHerald(args);
    const done = finished(send);
    await waitFor(() => sink.requests.length >= 100, 'the first sends');
    send.kill('SIGKILL');
    await done;
    const resumed = await runHerald([...args, '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expectEverySentOnce(log, 400);
    expect(new Set(sink.requests.map((r) => r.headers['idempotency-key'])).size).toBe(400);
  });

  it('a 429 storm answered to one worker slows every worker, and every row still ends sent', async () => {
    // The receiver refuses most requests for a while, then recovers.
    const sink = await ws.startSink((request) => (request.n <= 120 && request.n % 4 !== 0 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 }));
    const csv = writeCsv(ws.dir, 200);
    pool.start(2);
    const result = await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--rate', '200/s', '--queue', pool.redis.url]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/provider is throttling/);
    expectEverySentOnce(`${csv}.results.jsonl`, 200);
  });

  it('secrets stay in the workers: none reaches Redis, the log or the terminal; the send process needs none', async () => {
    const token = 'tok-8c1f0e4b9d2a7731';
    let seen = '';
    const sink = await ws.startSink(async () => {
      // While rows are in flight, everything herald keeps in Redis is looked at.
      if (seen === '') seen = await pool.redis.dump();
      return { status: 200 };
    });
    const csv = writeCsv(ws.dir, 50);
    pool.start(2, { TOKEN: token });
    const result = await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--header', 'Authorization: Bearer ${TOKEN}', '--queue', pool.redis.url], { env: { TOKEN: undefined } });
    expect(result.code, result.stderr).toBe(0);
    expect(sink.requests.every((r) => r.headers.authorization === `Bearer ${token}`)).toBe(true);
    expect(seen).toContain('herald:c:');
    expect(seen).not.toContain(token);
    expect(JSON.stringify(rowRecords(`${csv}.results.jsonl`))).not.toContain(token);
    expect(result.stderr).not.toContain(token);
  });

  it('herald retry --queue sends a log\'s failures through the workers; a worker stopped with SIGINT exits 130', async () => {
    // The first attempt of every fourth row fails for good this run (--retries 0), then succeeds.
    const sink = await ws.startSink((request) => ((JSON.parse(request.body) as { id: string }).id.endsWith('3') && request.n <= 40 ? { status: 503 } : { status: 200 }));
    const csv = writeCsv(ws.dir, 40);
    const log = `${csv}.results.jsonl`;
    pool.start(1);
    const first = await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--retries', '0', '--queue', pool.redis.url]);
    expect(first.code, first.stderr).toBe(3);
    // The next step it prints goes through the workers too.
    expect(first.stderr).toContain(`herald retry ${log} --queue ${pool.redis.url}`);
    const failed = [...new Map(rowRecords(log).map((r) => [String(r.key), r])).values()].filter((r) => r.status === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    const retried = await runHerald(['retry', log, '--queue', pool.redis.url, '--quiet']);
    expect(retried.code, retried.stderr).toBe(0);
    expectEverySentOnce(log, 40, failed.length);
    const worker = pool.workers[0]!;
    const exited = finished(worker);
    worker.kill('SIGINT');
    expect((await exited).code).toBe(130);
  });

  it('herald retry --queue that leaves failures names the next retry through the workers too', async () => {
    const sink = await ws.startSink((request) => ((JSON.parse(request.body) as { id: string }).id === 'k1' ? { status: 503 } : { status: 200 }));
    const csv = writeCsv(ws.dir, 5);
    const log = `${csv}.results.jsonl`;
    pool.start(1);
    expect((await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--retries', '0', '--queue', pool.redis.url, '--quiet'])).code).toBe(3);
    const retried = await runHerald(['retry', log, '--queue', pool.redis.url, '--json']);
    expect(retried.code, retried.stderr).toBe(3);
    expect(JSON.parse(retried.stdout)).toMatchObject({ retryCommand: `herald retry ${log} --queue ${pool.redis.url}`, nextCommand: `herald retry ${log} --queue ${pool.redis.url}` });
  });

  it('a worker with --metrics-port serves Prometheus metrics on 127.0.0.1: rows sent by channel, status, class and code', async () => {
    const sink = await ws.startSink();
    const csv = writeCsv(ws.dir, 20);
    const port = await freePort();
    const worker = spawnHerald(['worker', pool.redis.url, '--metrics-port', String(port)]);
    pool.workers.push(worker);
    const result = await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--queue', pool.redis.url, '--quiet']);
    expect(result.code, result.stderr).toBe(0);
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(text).toContain('herald_sends_total{channel="webhook",status="sent",class="ok",code="200"} 20');
    expect(text).toMatch(/herald_attempt_latency_seconds_count\{channel="webhook"\} 20/);
    expect(text).toContain('herald_sends_in_flight 0');
  });

  it('Redis problems are one line (exit 2): nobody listening, a login needed, a password in the URL; HERALD_REDIS_PASSWORD logs in', async () => {
    const closed = `redis://127.0.0.1:${await freePort()}`;
    for (const args of [['worker', closed], ['send', writeCsv(ws.dir, 2), '--channel', 'webhook', '--url', 'http://127.0.0.1:9/h', '--queue', closed]]) {
      const result = await runHerald(args);
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(/cannot reach Redis at 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
    }
    const locked = await startRedis({ password: 'pw-5ec2e7' });
    try {
      const refused = await runHerald(['worker', locked.url]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/refused the login \(NOAUTH\): set HERALD_REDIS_PASSWORD/);
      const inUrl = await runHerald(['worker', locked.url.replace('//', '//:pw-5ec2e7@')]);
      expect(inUrl.code).toBe(2);
      expect(inUrl.stderr).toMatch(/put it in HERALD_REDIS_PASSWORD/);
      const worker = spawnHerald(['worker', locked.url], { env: { HERALD_REDIS_PASSWORD: 'pw-5ec2e7' } });
      let said = '';
      worker.stderr!.on('data', (chunk: Buffer) => (said += chunk.toString()));
      const done = finished(worker);
      await waitFor(() => said.includes('serving campaigns'), 'the worker to log in');
      worker.kill('SIGINT');
      const result = await done;
      expect(result.code, result.stderr).toBe(130);
      expect(result.stderr).toContain('serving campaigns queued on');
    } finally {
      await locked.stop();
    }
  });

  it('Redis lost mid-campaign: the send process stops with one line (exit 1) and the resume command, a worker says so once and still stops on SIGTERM (130)', async () => {
    const lonely = await startRedis();
    let up = true;
    try {
      const sink = await ws.startSink();
      const csv = writeCsv(ws.dir, 400);
      const worker = spawnHerald(['worker', lonely.url]);
      let said = '';
      worker.stderr!.on('data', (chunk: Buffer) => (said += chunk.toString()));
      const workerDone = finished(worker);
      const send = spawnHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--rate', '40/s', '--queue', lonely.url]);
      const sendDone = finished(send);
      await waitFor(() => sink.requests.length >= 20, 'the first sends');
      await lonely.stop();
      up = false;
      const result = await sendDone;
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr).toMatch(/lost Redis at 127\.0\.0\.1:\d+ \(\w+\): the campaign stops/);
      expect(result.stderr).toMatch(/--resume/);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      await waitFor(() => said.includes('lost Redis'), 'the worker to notice');
      worker.kill('SIGTERM');
      const stopped = await workerDone;
      expect(stopped.code, stopped.stderr).toBe(130);
      expect(stopped.stderr.match(/lost Redis/g)).toHaveLength(1);
      expect(stopped.stderr).not.toMatch(/\n\s+at |Unhandled error/);
    } finally {
      if (up) await lonely.stop();
    }
  });

  it('the first 20 sends all answered the same 404: the campaign stops (exit 1) as a local run does, those rows failed/fatal for --resume', async () => {
    const sink = await ws.startSink(() => ({ status: 404, body: 'no such hook' }));
    const csv = writeCsv(ws.dir, 200);
    pool.start(1);
    const result = await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--queue', pool.redis.url, '--concurrency', '4']);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain('the first 20 sends all got the same permanent answer');
    expect(sink.requests.length).toBeLessThan(200);
    const finals = [...lastByKey(`${csv}.results.jsonl`).values()].filter((record) => record.status !== 'pending');
    expect(finals.length).toBeGreaterThanOrEqual(20);
    expect(finals.filter((record) => !(record.status === 'failed' && record.class === 'fatal'))).toEqual([]);
  });

  it('aliyun-sms through a worker: the summary tally counts the messages the workers sent, as a local run does', async () => {
    const server = ws.own(await startAliyunMock({ seed: '5' }, () => undefined));
    const csv = join(ws.dir, 'members.csv');
    writeFileSync(csv, ['id,phone,name', ...Array.from({ length: 30 }, (_, i) => `m${i},1380000${String(i).padStart(4, '0')},会员${i}`)].join('\n') + '\n');
    pool.start(1, server.env);
    const args = ['send', csv, '--channel', 'aliyun-sms', '--sign-name', '某某商城', '--template-code', 'SMS_123456789', '--param', 'name=name', '--queue', pool.redis.url, '--json', '--quiet'];
    const noSecrets = { ALIBABA_CLOUD_ACCESS_KEY_ID: undefined, ALIBABA_CLOUD_ACCESS_KEY_SECRET: undefined, HERALD_ALIYUN_ENDPOINT: undefined };
    const result = await runHerald(args, { env: noSecrets });
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as { status: { sent: number }; tally: { messages?: number } };
    expect(summary.status.sent).toBe(30);
    expect(summary.tally.messages).toBe(30);
  });

  it('a worker without the channel\'s secret records the row it took failed/fatal naming the missing variable, and the campaign stops (exit 1)', async () => {
    const sink = await ws.startSink();
    const csv = writeCsv(ws.dir, 20);
    pool.start(1, { TOKEN: undefined });
    const result = await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--header', 'Authorization: Bearer ${TOKEN}', '--queue', pool.redis.url], { env: { TOKEN: 'only-the-sender-has-it' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/TOKEN/);
    expect(result.stderr).toContain('--resume');
    expect(sink.requests).toHaveLength(0);
    const finals = [...lastByKey(`${csv}.results.jsonl`).values()].filter((record) => record.status !== 'pending');
    expect(finals).toHaveLength(1);
    expect(finals[0]).toMatchObject({ status: 'failed', class: 'fatal', error: expect.stringMatching(/TOKEN/) });
    expect(JSON.stringify(finals[0])).not.toContain('only-the-sender-has-it');
  });
});
