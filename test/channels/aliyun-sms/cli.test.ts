// `herald send --channel aliyun-sms` as a user runs it: the built command as a process against the
// Dysmsapi simulator on 127.0.0.1. Asserts exit codes, what is printed, the result log, and what
// the simulator received (every signature verified, no number sent twice).
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startAliyunMock, type AliyunMockServer } from '../../../src/mock/aliyun-sms/server.js';
import { finished, runHerald, spawnHerald } from '../../helpers/cli.js';
import { countStates, lastByKey } from '../../helpers/files.js';
import { useWorkspace } from '../../helpers/workspace.js';

const ARGS = ['--channel', 'aliyun-sms', '--sign-name', '某某商城', '--template-code', 'SMS_123456789', '--param', 'name=name', '--param', 'coupon=code'];
/** Variables of the developer's shell that must not leak into a run. */
const NO_ALIYUN = { ALIBABA_CLOUD_ACCESS_KEY_ID: undefined, ALIBABA_CLOUD_ACCESS_KEY_SECRET: undefined, HERALD_ALIYUN_ENDPOINT: undefined };
const FIXTURES = join(import.meta.dirname, '../../../fixtures/sms');

const ws = useWorkspace();

async function setUp(options: Record<string, unknown> = {}): Promise<AliyunMockServer> {
  return ws.own(await startAliyunMock({ seed: '5', ...options }, () => undefined));
}

function herald(args: readonly string[], env: Readonly<Record<string, string | undefined>>) {
  return runHerald(args, { cwd: ws.dir, env: { ...NO_ALIYUN, ...env }, timeoutMs: 90_000 });
}

/** A CSV of members; phone numbers 1380000xxxx unless `phone` says otherwise. */
function csv(count: number, phone = (i: number) => `1380000${String(i).padStart(4, '0')}`, name = 'members.csv'): string {
  const lines = ['id,phone,name,code', ...Array.from({ length: count }, (_, i) => `m${i},${phone(i)},会员${i},C${i}`)];
  writeFileSync(join(ws.dir, name), `${lines.join('\n')}\n`);
  return name;
}

const LOG = () => join(ws.dir, 'members.csv.results.jsonl');

/** Every number the simulator accepted, with how many times. */
function acceptedTwice(server: AliyunMockServer): string[] {
  const seen = new Map<string, number>();
  for (const m of server.messages()) seen.set(m.phone, (seen.get(m.phone) ?? 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([phone]) => phone);
}

function expectNoSecret(server: AliyunMockServer, texts: readonly string[]): void {
  for (const text of texts) expect(text).not.toContain(server.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET);
}

describe('herald send --channel aliyun-sms', () => {
  it('sends 2,000 rows (exit 0): every signature verified, TemplateParam exact, OutId = idempotency key, connections ≤ concurrency', async () => {
    const server = await setUp();
    const run = await herald(['send', csv(2000), ...ARGS, '--concurrency', '8', '--json'], server.env);
    expect(run.stderr).not.toMatch(/error|warning/i);
    expect(run.code, run.stderr).toBe(0);
    expect(countStates(LOG())).toEqual({ 'sent/ok': 2000 });
    const counters = server.counters();
    expect(counters.byAction.SendSms).toBe(2000);
    expect(counters.signaturesVerified).toBe(counters.requests);
    expect(counters.signatureFailures).toBe(0);
    expect(counters.connections).toBeLessThanOrEqual(8);
    const byPhone = new Map(server.messages().map((m) => [m.phone, m]));
    for (const row of lastByKey(LOG()).values()) {
      const fields = row.row as Record<string, string>;
      const sms = byPhone.get(fields.phone!)!;
      expect(sms.templateParam).toEqual({ name: fields.name, coupon: fields.code });
      expect(sms.outId).toBe(row.idempotencyKey);
      expect(row.messageId).toBe(sms.bizId);
    }
    expect(JSON.parse(run.stdout)).toMatchObject({ tally: { messages: 2000 } });
    expectNoSecret(server, [run.stdout, run.stderr, readFileSync(LOG(), 'utf8')]);
  });

  it('sends 2,000 rows with --batch 100 in at most 20 API calls, each row its own record', async () => {
    const server = await setUp();
    const run = await herald(['send', csv(2000), ...ARGS, '--batch', '100', '--concurrency', '4'], server.env);
    expect(run.code, run.stderr).toBe(0);
    expect(countStates(LOG())).toEqual({ 'sent/ok': 2000 });
    const { SendBatchSms = 0, SendSms = 0 } = server.counters().byAction;
    // A batch goes out incomplete only when no row comes for a second, so a file fills every batch.
    expect(SendBatchSms + SendSms).toBeLessThanOrEqual(20);
    expect(server.counters().accepted).toBe(2000);
    expect(acceptedTwice(server)).toEqual([]);
  });

  it('classifies faults (exit 3): illegal numbers permanent, system errors and throttling retried until sent', async () => {
    const server = await setUp({
      fault: ['isp.SYSTEM_ERROR=10%', 'Throttling.User=5%'],
      error: ['13800000007=isv.MOBILE_NUMBER_ILLEGAL', '13800000011=isv.BLACK_KEY_CONTROL_LIMIT'],
    });
    const run = await herald(['send', csv(200), ...ARGS, '--retries', '8', '--concurrency', '8'], server.env);
    expect(run.code, run.stderr).toBe(3);
    expect(countStates(LOG())).toEqual({ 'sent/ok': 198, 'failed/permanent': 2 });
    const states = lastByKey(LOG());
    expect(states.get('13800000007')).toMatchObject({ status: 'failed', class: 'permanent', code: 'isv.MOBILE_NUMBER_ILLEGAL' });
    expect(states.get('13800000011')).toMatchObject({ code: 'isv.BLACK_KEY_CONTROL_LIMIT' });
    expect(server.counters().faults['isp.SYSTEM_ERROR']).toBeGreaterThan(0);
    expect(server.counters().faults['Throttling.User']).toBeGreaterThan(0);
    expect(acceptedTwice(server)).toEqual([]);
  });

  it('a day-level per-number limit fails that row only (permanent); the run goes on', async () => {
    const server = await setUp({ perMinute: '0', perDay: '1' });
    const name = csv(6, (i) => (i < 2 ? '13900000000' : `1390000000${i}`));
    const run = await herald(['send', name, ...ARGS, '--key', 'id'], server.env);
    expect(run.code, run.stderr).toBe(3);
    expect(countStates(LOG())).toEqual({ 'sent/ok': 5, 'failed/permanent': 1 });
    expect([...lastByKey(LOG()).values()].find((r) => r.status === 'failed')).toMatchObject({ code: 'isv.BUSINESS_LIMIT_CONTROL' });
  });

  it('stops at isv.AMOUNT_NOT_ENOUGH (exit 1) after no more than the requests in flight, saying to top up', async () => {
    const server = await setUp({ fault: ['isv.AMOUNT_NOT_ENOUGH=after:50'] });
    const run = await herald(['send', csv(500), ...ARGS, '--concurrency', '4', '--quiet', '--json'], server.env);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toContain('top up the Aliyun account');
    // --quiet silences the summary, never how to go on.
    expect(run.stderr).toMatch(/to resume: herald send .*--resume/);
    // Messages counted are the ones that went out, not rows read ahead of the stop.
    const summary = JSON.parse(run.stdout) as { status: { sent: number }; tally: { messages: number } };
    expect(summary.tally.messages).toBe(summary.status.sent);
    expect(server.counters().accepted).toBe(50);
    expect(server.counters().answers['isv.AMOUNT_NOT_ENOUGH']).toBeLessThanOrEqual(4);
    expect(server.counters().byAction.SendSms).toBeLessThanOrEqual(54);
    expect(countStates(LOG())['sent/ok']).toBe(50);
    expectNoSecret(server, [run.stdout, run.stderr, readFileSync(LOG(), 'utf8')]);
  });

  it('stops before any send when the secret is wrong (exit 1), naming the variable and never the secret', async () => {
    const server = await setUp();
    const wrong = 'wrong-secret-value-123';
    const run = await herald(['send', csv(20), ...ARGS, '--json'], { ...server.env, ALIBABA_CLOUD_ACCESS_KEY_SECRET: wrong });
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toContain('ALIBABA_CLOUD_ACCESS_KEY_SECRET');
    // --json still prints one summary object a script can read.
    expect(JSON.parse(run.stdout)).toMatchObject({ rows: 0, stopped: 'fatal', exitCode: 1 });
    expect(server.counters().byAction.SendSms ?? 0).toBe(0);
    expect(server.counters().accepted).toBe(0);
    for (const text of [run.stdout, run.stderr]) {
      expect(text).not.toContain(wrong);
      expect(text).not.toContain(server.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET);
    }
  });

  it('reaches Aliyun through a proxy under a path prefix (HERALD_ALIYUN_ENDPOINT=https://gateway/sms)', async () => {
    const server = await setUp();
    const target = server.env['HERALD_ALIYUN_ENDPOINT']!;
    const paths: string[] = [];
    const proxy = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        paths.push(req.url ?? '');
        const forwarded = (req.url ?? '').replace(/^\/gw\/sms/, '');
        void fetch(target + forwarded, { method: req.method ?? 'POST', headers: { 'content-type': String(req.headers['content-type']) }, body: Buffer.concat(chunks) })
          .then(async (answer) => {
            res.writeHead(answer.status, { 'content-type': 'application/json' });
            res.end(await answer.text());
          })
          .catch(() => res.destroy());
      });
    });
    ws.own({ close: () => new Promise<void>((resolve) => proxy.close(() => resolve())) });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const { port } = proxy.address() as AddressInfo;
    const run = await herald(['send', csv(3), ...ARGS], { ...server.env, HERALD_ALIYUN_ENDPOINT: `http://127.0.0.1:${port}/gw/sms/` });
    expect(run.code, run.stderr).toBe(0);
    expect(countStates(LOG())).toEqual({ 'sent/ok': 3 });
    // The preflight check and the three sends, all under the prefix.
    expect(paths.length).toBeGreaterThanOrEqual(3);
    expect(new Set(paths)).toEqual(new Set(['/gw/sms/']));
    expect(server.counters().accepted).toBe(3);
  });

  it('a connection dropped under a short --timeout is checked once Aliyun could list it, then sent once', async () => {
    const server = await setUp({ fault: ['drop=first:1'] });
    const run = await herald(['send', csv(5), ...ARGS, '--timeout', '1s', '--concurrency', '1'], server.env);
    expect(run.code, run.stderr).toBe(0);
    expect(countStates(LOG())).toEqual({ 'sent/ok': 5 });
    expect(server.counters().accepted).toBe(5);
    expect(acceptedTwice(server)).toEqual([]);
  });

  it('refuses a missing --sign-name with exit 2 and one line', async () => {
    const server = await setUp();
    const run = await herald(['send', csv(2), '--channel', 'aliyun-sms', '--template-code', 'SMS_1'], server.env);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('--sign-name is required');
  });

  it('--dry-run without credentials shows the first SMS and the billed segments', async () => {
    const template = join(FIXTURES, 'aliyun-template.txt');
    const run = await herald(['send', csv(3), ...ARGS.slice(0, -2), '--param', 'code=code', '--template-text', template, '--dry-run'], {});
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout + run.stderr).toContain('【某某商城】您的验证码为C0，会员0，5分钟内有效，请勿泄露。');
    expect(run.stdout + run.stderr).toMatch(/segments\s+3/);
  });

  it('timeouts after the simulator accepted, then herald retry: reconciled through QuerySendDetails, no number sent twice', async () => {
    // The first run cannot check (QuerySendDetails fails: verify + 5 reconciles), so 5 rows end in doubt.
    const server = await setUp({ fault: ['hang=first:5'], queryFault: ['isp.SYSTEM_ERROR=first:6'] });
    const first = await herald(['send', csv(40), ...ARGS, '--timeout', '1s', '--concurrency', '8'], server.env);
    expect(first.code).toBe(3);
    expect(countStates(LOG())).toEqual({ 'sent/ok': 35, 'failed/in-doubt': 5 });
    expect(server.counters().accepted).toBe(40);
    const retry = await herald(['retry', LOG()], server.env);
    expect(retry.code).toBe(0);
    expect(countStates(LOG())).toEqual({ 'sent/ok': 40 });
    expect([...lastByKey(LOG()).values()].filter((r) => r.code === 'RECONCILED')).toHaveLength(5);
    expect(server.counters().byAction.SendSms).toBe(40);
    expect(acceptedTwice(server)).toEqual([]);
  });

  it('a run killed (kill -9) while requests hang, then --resume: the rows in doubt are checked, none is sent twice', async () => {
    const server = await setUp({ fault: ['hang=first:3'] });
    const child = spawnHerald(['send', csv(40), ...ARGS, '--timeout', '60s', '--concurrency', '4'], { cwd: ws.dir, env: { ...NO_ALIYUN, ...server.env } });
    const done = finished(child, 60_000);
    for (let waited = 0; server.counters().accepted < 40 && waited < 30_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    expect(server.counters().accepted).toBe(40);
    child.kill('SIGKILL');
    await done;
    const resumed = await herald(['send', 'members.csv', ...ARGS, '--resume'], server.env);
    expect(resumed.code).toBe(0);
    expect(countStates(LOG())).toEqual({ 'sent/ok': 40 });
    expect(server.counters().byAction.SendSms).toBe(40);
    expect(acceptedTwice(server)).toEqual([]);
  });

  it('a batch answered too late is reconciled in groups of --concurrency, each within its own --timeout: all sent, none twice', async () => {
    const server = await setUp({ fault: ['late=first:1'], lateMs: '5000', latencyMs: '300' });
    const run = await herald(['send', csv(20), ...ARGS, '--batch', '20', '--concurrency', '2', '--timeout', '2s'], server.env);
    expect(run.code, run.stderr).toBe(0);
    expect(countStates(LOG())).toEqual({ 'sent/ok': 20 });
    expect(server.counters().byAction.SendBatchSms).toBe(1);
    expect(acceptedTwice(server)).toEqual([]);
  });

  it('a run killed while a SendBatchSms of 100 hangs, then --resume: its rows are checked together within --timeout, none is sent twice', async () => {
    const server = await setUp({ fault: ['hang=first:1'], latencyMs: '100' });
    const child = spawnHerald(['send', csv(300), ...ARGS, '--batch', '100', '--timeout', '60s', '--concurrency', '4'], { cwd: ws.dir, env: { ...NO_ALIYUN, ...server.env } });
    const done = finished(child, 60_000);
    for (let waited = 0; server.counters().accepted < 300 && waited < 30_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    expect(server.counters().accepted).toBe(300);
    child.kill('SIGKILL');
    await done;
    // 100 rows in doubt, each looked up with QuerySendDetails at 100 ms: one after another they
    // would need 10 s, twice the --timeout.
    const resumed = await herald(['send', 'members.csv', ...ARGS, '--batch', '100', '--resume', '--timeout', '5s'], server.env);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(countStates(LOG())).toEqual({ 'sent/ok': 300 });
    expect(server.counters().byAction.SendBatchSms).toBe(3);
    expect(acceptedTwice(server)).toEqual([]);
  });
});

describe('herald mock aliyun-sms', () => {
  it('prints the exports that point herald at it, serves a send, and stops on SIGINT with its counters', async () => {
    const mock = spawnHerald(['mock', 'aliyun-sms', '--port', '0'], { cwd: ws.dir });
    const output = finished(mock, 30_000);
    let exports = '';
    mock.stdout?.on('data', (chunk: Buffer) => (exports += chunk.toString('utf8')));
    for (let waited = 0; !exports.includes('ALIBABA_CLOUD_ACCESS_KEY_SECRET') && waited < 10_000; waited += 50) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const env = Object.fromEntries([...exports.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
    expect(env.HERALD_ALIYUN_ENDPOINT).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const run = await herald(['send', csv(5), ...ARGS], env);
    expect(run.code, run.stderr).toBe(0);
    mock.kill('SIGINT');
    const { stderr, code } = await output;
    expect(code).toBe(0);
    expect(stderr).toContain('5 SMS accepted');
  });
});
