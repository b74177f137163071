// `herald send --channel wechat` as a user runs it: the built command as a process, against the
// WeChat simulator on 127.0.0.1. Asserts exit codes, what is printed, the result log, and what
// the simulator received.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { start, type WechatMockServer } from '../../../src/mock/wechat/server.js';
import { openids } from './drive.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const HERALD = join(ROOT, 'bin/herald.js');
const TEMPLATE_ARGS = ['--channel', 'wechat', '--template-id', 'TPL_ORDER_1', '--data', 'keyword1=order_no', '--data', 'thing2=Order for {{name}}'];

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run the built herald with only the given environment (plus PATH), bounded in time. */
function herald(args: readonly string[], env: Readonly<Record<string, string>>, cwd: string): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [HERALD, ...args], {
      cwd,
      env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 50_000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

interface Row {
  readonly key: string;
  readonly status: string;
  readonly class: string | null;
  readonly code: string | null;
  readonly messageId: string | null;
}

/** The result log's row records, and each key's last state (skipped/duplicate records aside). */
async function readLog(path: string): Promise<{ text: string; rows: Row[]; last: Map<string, Row> }> {
  const text = await readFile(path, 'utf8');
  const rows = text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Row & { type: string })
    .filter((record) => record.type === 'row');
  const last = new Map<string, Row>();
  for (const row of rows) if (row.status !== 'skipped') last.set(row.key, row);
  return { text, rows, last };
}

function countBy(rows: Iterable<Row>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const row of rows) counts[`${row.status}/${row.class}`] = (counts[`${row.status}/${row.class}`] ?? 0) + 1;
  return counts;
}

async function csv(dir: string, name: string, ids: readonly string[]): Promise<string> {
  const lines = ['openid,name,order_no', ...ids.map((id, i) => `${id},Fan ${i},A${String(i).padStart(6, '0')}`)];
  await writeFile(join(dir, name), `${lines.join('\n')}\n`);
  return name;
}

/** The token the simulator hands out now (stable_token returns the same one while it is valid). */
async function currentToken(server: WechatMockServer): Promise<string> {
  const response = await fetch(`${server.url}/cgi-bin/stable_token`, {
    method: 'POST',
    body: JSON.stringify({ grant_type: 'client_credential', appid: server.env['WECHAT_APPID'], secret: server.env['WECHAT_APPSECRET'] }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

let dir: string;
let sim: WechatMockServer | null = null;

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist/cli.js'))) throw new Error('dist/cli.js is missing: run `npm run build` before the CLI tests');
});

afterEach(async () => {
  await sim?.close();
  sim = null;
  await rm(dir, { recursive: true, force: true });
});

async function setUp(options: Record<string, unknown>): Promise<WechatMockServer> {
  dir = await mkdtemp(join(tmpdir(), 'herald-wechat-cli-'));
  sim = await start({ seed: 11, ...options }, () => undefined);
  return sim;
}

describe('herald send --channel wechat', () => {
  it('sends 3,000 rows at --concurrency 32 with one token, exit 0, and no secret or token in any output', async () => {
    const server = await setUp({ tokenDelay: 20 });
    const input = await csv(dir, 'fans.csv', openids(3000));
    const run = await herald(['send', input, ...TEMPLATE_ARGS, '--concurrency', '32', '--json'], server.env, dir);
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    const log = await readLog(join(dir, 'fans.csv.results.jsonl'));
    expect(countBy(log.last.values())).toEqual({ 'sent/ok': 3000 });
    expect(server.counters).toMatchObject({ deliveries: 3000, deliveredTwice: 0, tokenFetches: 1 });
    expect(server.counters.maxOpenConnections).toBeLessThanOrEqual(33);
    const token = await currentToken(server);
    for (const text of [run.stdout, run.stderr, log.text]) {
      expect(text).not.toContain(server.env['WECHAT_APPSECRET']);
      expect(text).not.toContain(token);
    }
  });

  it('keeps every row sent when tokens expire every 500 uses, fetching one at a time', async () => {
    const server = await setUp({ tokenUses: 500, tokenDelay: 20 });
    const input = await csv(dir, 'fans.csv', openids(3000));
    const run = await herald(['send', input, ...TEMPLATE_ARGS, '--concurrency', '32', '--retries', '0'], server.env, dir);
    expect(run.code).toBe(0);
    const log = await readLog(join(dir, 'fans.csv.results.jsonl'));
    expect(countBy(log.last.values())).toEqual({ 'sent/ok': 3000 });
    expect(server.counters.errcodes['42001']).toBeGreaterThan(0);
    expect(server.counters.tokenFetches).toBeLessThanOrEqual(3000 / 500 + 1);
    expect(server.counters.maxParallelTokenFetches).toBe(1);
  });

  it('stops at a daily quota of 1,000 (exit 1), and --resume the next day finishes the run', async () => {
    const server = await setUp({ dailyQuota: 1000 });
    const ids = openids(1500);
    const input = await csv(dir, 'fans.csv', ids);
    const first = await herald(['send', input, ...TEMPLATE_ARGS, '--concurrency', '32'], server.env, dir);
    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(/daily quota .* used up \(45009\).*--resume tomorrow/);
    expect(first.stderr).toContain('--resume');
    const stopped = await readLog(join(dir, 'fans.csv.results.jsonl'));
    const counts = countBy(stopped.last.values());
    expect(counts['sent/ok']).toBe(1000);
    expect(server.counters.deliveries).toBe(1000);
    // The rest are unsent: no record, or failed/fatal (in flight when the quota ran out).
    for (const row of stopped.last.values()) expect(['sent/ok', 'failed/fatal']).toContain(`${row.status}/${row.class}`);

    server.newDay();
    const second = await herald(['send', input, ...TEMPLATE_ARGS, '--concurrency', '32', '--resume'], server.env, dir);
    expect(second.code).toBe(0);
    const finished = await readLog(join(dir, 'fans.csv.results.jsonl'));
    expect(finished.last.size).toBe(1500);
    expect(countBy(finished.last.values())).toEqual({ 'sent/ok': 1500 });
    expect(server.counters).toMatchObject({ deliveries: 1500, deliveredTwice: 0 });
  });

  it('exits 1 before any send when the secret or appid is wrong, naming the variable and never the secret', async () => {
    const server = await setUp({});
    const input = await csv(dir, 'fans.csv', openids(20));
    const wrongSecret = 'c0ffeec0ffeec0ffeec0ffeec0ffee99';
    const bySecret = await herald(['send', input, ...TEMPLATE_ARGS], { ...server.env, WECHAT_APPSECRET: wrongSecret }, dir);
    expect(bySecret.code).toBe(1);
    expect(bySecret.stderr).toMatch(/WECHAT_APPSECRET/);
    const log = existsSync(join(dir, 'fans.csv.results.jsonl')) ? await readFile(join(dir, 'fans.csv.results.jsonl'), 'utf8') : '';
    for (const text of [bySecret.stdout, bySecret.stderr, log]) expect(text).not.toContain(wrongSecret);
    expect(log).not.toMatch(/"type":"row"/);

    const byAppid = await herald(['send', input, ...TEMPLATE_ARGS, '--out', 'other.jsonl'], { ...server.env, WECHAT_APPID: 'wx0000000000000bad' }, dir);
    expect(byAppid.code).toBe(1);
    expect(byAppid.stderr).toMatch(/WECHAT_APPID/);
    expect(server.counters.sends).toBe(0);
  });

  it('records unsubscribed followers permanent and exits 3', async () => {
    const ids = openids(30);
    const server = await setUp({ unsubscribed: [ids[4], ids[17]] });
    const input = await csv(dir, 'fans.csv', ids);
    const run = await herald(['send', input, ...TEMPLATE_ARGS], server.env, dir);
    expect(run.code).toBe(3);
    const log = await readLog(join(dir, 'fans.csv.results.jsonl'));
    expect(countBy(log.last.values())).toEqual({ 'sent/ok': 28, 'failed/permanent': 2 });
    expect(log.last.get(ids[4]!)).toMatchObject({ code: '43004' });
  });

  it('resends answers lost to a timeout after the simulator accepted them: every follower gets one message', async () => {
    const server = await setUp({ delayRate: 0.1, delay: 3000 });
    const ids = openids(200);
    const input = await csv(dir, 'fans.csv', ids);
    const run = await herald(['send', input, ...TEMPLATE_ARGS, '--timeout', '300ms', '--concurrency', '16'], server.env, dir);
    expect(run.code).toBe(0);
    const log = await readLog(join(dir, 'fans.csv.results.jsonl'));
    expect(countBy(log.last.values())).toEqual({ 'sent/ok': 200 });
    expect(server.counters.delayed).toBeGreaterThan(5);
    expect(server.counters.duplicates).toBe(server.counters.delayed);
    expect(server.counters).toMatchObject({ deliveries: 200, deliveredTwice: 0 });
  });

  it('refuses a missing --template-id with exit 2 and one line', async () => {
    const server = await setUp({});
    const input = await csv(dir, 'fans.csv', openids(2));
    const run = await herald(['send', input, '--channel', 'wechat', '--data', 'keyword1=order_no'], server.env, dir);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/--template-id is required/);
  });

  it('shows the first message in --dry-run without credentials, and marks rows lacking a field invalid', async () => {
    dir = await mkdtemp(join(tmpdir(), 'herald-wechat-cli-'));
    await writeFile(join(dir, 'fans.csv'), 'openid,name\noLVPpjqs9BhvzwPj5A-vTYAX3GLc,Ann\nnot an openid,Bo\n');
    const run = await herald(['send', 'fans.csv', '--channel', 'wechat', '--template-id', 'TPL_1', '--data', 'keyword1=name', '--dry-run'], {}, dir);
    // Some rows invalid: exit 3, as for a real run.
    expect(run.code).toBe(3);
    const out = run.stdout + run.stderr;
    expect(out).toContain('cgi-bin/message/template/send?access_token=ACCESS_TOKEN');
    expect(out).toContain('"touser": "oLVPpjqs9BhvzwPj5A-vTYAX3GLc"');
    expect(out).toMatch(/record 2 \(line 3\): openid 'not an openid' is not an openid/);
  });
});

describe('herald mock wechat', () => {
  it('prints the exports that point herald at it, serves, and stops on SIGINT with its counters', async () => {
    dir = await mkdtemp(join(tmpdir(), 'herald-wechat-cli-'));
    const child = spawn(process.execPath, [HERALD, 'mock', 'wechat', '--secret', 'mocksecret', '--daily-quota', '5'], {
      env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const env = await new Promise<Record<string, string>>((done) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const exports = [...stdout.matchAll(/^export (\w+)=(\S+)$/gm)];
        if (exports.length === 3) done(Object.fromEntries(exports.map((m) => [m[1]!, m[2]!])));
      });
    });
    expect(env).toMatchObject({ WECHAT_APPID: 'wxd0c0ffee00000001', WECHAT_APPSECRET: 'mocksecret' });
    const input = await csv(dir, 'fans.csv', openids(3));
    const run = await herald(['send', input, ...TEMPLATE_ARGS], env, dir);
    expect(run.code).toBe(0);
    const exited = new Promise<number | null>((done) => child.on('close', done));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    clearTimeout(killer);
    expect(stderr).toMatch(/3 sends, 3 delivered \(3 today\)/);
  });
});
