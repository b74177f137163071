// `herald send --channel wechat` as a user runs it: the built command as a process, against the
// WeChat simulator on 127.0.0.1. Asserts exit codes, what is printed, the result log, and what
// the simulator received.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { start, type WechatMockServer } from '../../../src/mock/wechat/server.js';
import { finished, runHerald, spawnHerald } from '../../helpers/cli.js';
import { countStates, lastByKey } from '../../helpers/files.js';
import { useWorkspace } from '../../helpers/workspace.js';
import { openids } from './drive.js';

const TEMPLATE_ARGS = ['--channel', 'wechat', '--template-id', 'TPL_ORDER_1', '--data', 'keyword1=order_no', '--data', 'thing2=Order for {{name}}'];
/** Variables of the developer's shell that must not leak into a run. */
const NO_WECHAT = { WECHAT_APPID: undefined, WECHAT_APPSECRET: undefined, HERALD_WECHAT_ENDPOINT: undefined };

/** Run herald in the test's directory with the given WeChat variables only. */
function herald(args: readonly string[], env: Readonly<Record<string, string>>) {
  return runHerald(args, { cwd: ws.dir, env: { ...NO_WECHAT, ...env }, timeoutMs: 50_000 });
}

/** A CSV of followers in the test's directory; returns its name. */
function csv(ids: readonly string[]): string {
  const lines = ['openid,name,order_no', ...ids.map((id, i) => `${id},Fan ${i},A${String(i).padStart(6, '0')}`)];
  writeFileSync(join(ws.dir, 'fans.csv'), `${lines.join('\n')}\n`);
  return 'fans.csv';
}

/** The token the simulator hands out now (stable_token returns the same one while it is valid). */
async function currentToken(server: WechatMockServer): Promise<string> {
  const response = await fetch(`${server.url}/cgi-bin/stable_token`, {
    method: 'POST',
    body: JSON.stringify({ grant_type: 'client_credential', appid: server.env['WECHAT_APPID'], secret: server.env['WECHAT_APPSECRET'] }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

const ws = useWorkspace();

async function setUp(options: Record<string, unknown>): Promise<WechatMockServer> {
  return ws.own(await start({ seed: 11, ...options }, () => undefined));
}

const LOG = () => join(ws.dir, 'fans.csv.results.jsonl');

describe('herald send --channel wechat', () => {
  it('sends 3,000 rows at --concurrency 32 with one token, exit 0, and no secret or token in any output', async () => {
    const server = await setUp({ tokenDelay: 20 });
    const run = await herald(['send', csv(openids(3000)), ...TEMPLATE_ARGS, '--concurrency', '32', '--json'], server.env);
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    expect(countStates(LOG())).toEqual({ 'sent/ok': 3000 });
    expect(server.counters).toMatchObject({ deliveries: 3000, deliveredTwice: 0, tokenFetches: 1 });
    expect(server.counters.maxOpenConnections).toBeLessThanOrEqual(33);
    const token = await currentToken(server);
    for (const text of [run.stdout, run.stderr, readFileSync(LOG(), 'utf8')]) {
      expect(text).not.toContain(server.env['WECHAT_APPSECRET']);
      expect(text).not.toContain(token);
    }
  });

  it('keeps every row sent when tokens expire every 500 uses, fetching one at a time', async () => {
    const server = await setUp({ tokenUses: 500, tokenDelay: 20 });
    const run = await herald(['send', csv(openids(3000)), ...TEMPLATE_ARGS, '--concurrency', '32', '--retries', '0'], server.env);
    expect(run.code).toBe(0);
    expect(countStates(LOG())).toEqual({ 'sent/ok': 3000 });
    expect(server.counters.errcodes['42001']).toBeGreaterThan(0);
    expect(server.counters.tokenFetches).toBeLessThanOrEqual(3000 / 500 + 1);
    expect(server.counters.maxParallelTokenFetches).toBe(1);
  });

  it('stops at a daily quota of 1,000 (exit 1), and --resume the next day finishes the run', async () => {
    const server = await setUp({ dailyQuota: 1000 });
    const input = csv(openids(1500));
    const first = await herald(['send', input, ...TEMPLATE_ARGS, '--concurrency', '32'], server.env);
    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(/daily quota .* used up \(45009\).*--resume tomorrow/);
    const stopped = countStates(LOG());
    expect(stopped['sent/ok']).toBe(1000);
    expect(server.counters.deliveries).toBe(1000);
    // The rest are unsent: no record, or failed/fatal (in flight when the quota ran out).
    expect(Object.keys(stopped).sort()).toEqual(['failed/fatal', 'sent/ok']);

    server.newDay();
    const second = await herald(['send', input, ...TEMPLATE_ARGS, '--concurrency', '32', '--resume'], server.env);
    expect(second.code).toBe(0);
    expect(lastByKey(LOG()).size).toBe(1500);
    expect(countStates(LOG())).toEqual({ 'sent/ok': 1500 });
    expect(server.counters).toMatchObject({ deliveries: 1500, deliveredTwice: 0 });
  });

  it('exits 1 before any send when the secret or appid is wrong, naming the variable and never the secret', async () => {
    const server = await setUp({});
    const input = csv(openids(20));
    const wrongSecret = 'c0ffeec0ffeec0ffeec0ffeec0ffee99';
    const bySecret = await herald(['send', input, ...TEMPLATE_ARGS], { ...server.env, WECHAT_APPSECRET: wrongSecret });
    expect(bySecret.code).toBe(1);
    expect(bySecret.stderr).toMatch(/WECHAT_APPSECRET/);
    const log = existsSync(LOG()) ? readFileSync(LOG(), 'utf8') : '';
    for (const text of [bySecret.stdout, bySecret.stderr, log]) expect(text).not.toContain(wrongSecret);
    expect(log).not.toMatch(/"type":"row"/);

    const byAppid = await herald(['send', input, ...TEMPLATE_ARGS, '--out', 'other.jsonl'], { ...server.env, WECHAT_APPID: 'wx0000000000000bad' });
    expect(byAppid.code).toBe(1);
    expect(byAppid.stderr).toMatch(/WECHAT_APPID/);
    expect(server.counters.sends).toBe(0);
  });

  it('records unsubscribed followers permanent and exits 3', async () => {
    const ids = openids(30);
    const server = await setUp({ unsubscribed: [ids[4], ids[17]] });
    const run = await herald(['send', csv(ids), ...TEMPLATE_ARGS], server.env);
    expect(run.code).toBe(3);
    expect(countStates(LOG())).toEqual({ 'sent/ok': 28, 'failed/permanent': 2 });
    expect(lastByKey(LOG()).get(ids[4]!)).toMatchObject({ code: '43004' });
  });

  it('records answers lost to a timeout in-doubt by default (WeChat cannot be asked); herald retry leaves them, saying so, and --in-doubt resend finishes them without a second message', async () => {
    const server = await setUp({ delayRate: 0.1, delay: 3000 });
    const run = await herald(['send', csv(openids(200)), ...TEMPLATE_ARGS, '--timeout', '1500ms', '--concurrency', '16'], server.env);
    expect(run.code).toBe(3);
    const states = countStates(LOG());
    expect(states['failed/in-doubt']).toBe(server.counters.delayed);
    expect(states['sent/ok']).toBe(200 - server.counters.delayed);
    expect(server.counters.delayed).toBeGreaterThan(5);
    expect(server.counters.duplicates).toBe(0);
    // The summary does not offer a plain retry (it would send nothing): it says what --in-doubt resend does.
    expect(run.stderr).not.toMatch(/next\s+herald retry/);
    expect(run.stderr).toMatch(new RegExp(`in doubt\\s+${server.counters.delayed}  may already be delivered .*herald retry leaves them; herald retry \\S+ --in-doubt resend sends them anyway`));
    const report = JSON.parse((await herald(['report', LOG(), '--json'], server.env)).stdout) as { retry: Record<string, number> };
    expect(report.retry).toMatchObject({ retry: 0, inDoubt: server.counters.delayed });
    // They may already be delivered: a plain retry leaves them and says how to send them anyway.
    const left = await herald(['retry', LOG()], { ...server.env });
    expect(left.code, left.stderr).toBe(0);
    expect(left.stderr).toContain(`left ${server.counters.delayed} rows in doubt (they may already be delivered`);
    expect(left.stderr).toContain('--in-doubt resend sends them anyway');
    const retried = await herald(['retry', LOG(), '--in-doubt', 'resend', '--quiet'], { ...server.env });
    expect(retried.code, retried.stderr).toBe(0);
    expect(countStates(LOG())).toEqual({ 'sent/ok': 200 });
    expect(server.counters).toMatchObject({ deliveries: 200, deliveredTwice: 0 });
  });

  it('with --in-doubt resend, resends answers lost to a timeout within the 10-minute window: every follower gets one message', async () => {
    const server = await setUp({ delayRate: 0.1, delay: 3000 });
    const run = await herald(['send', csv(openids(200)), ...TEMPLATE_ARGS, '--timeout', '1500ms', '--concurrency', '16', '--in-doubt', 'resend'], server.env);
    expect(run.code).toBe(0);
    expect(countStates(LOG())).toEqual({ 'sent/ok': 200 });
    expect(server.counters.delayed).toBeGreaterThan(5);
    expect(server.counters.duplicates).toBe(server.counters.delayed);
    expect(server.counters).toMatchObject({ deliveries: 200, deliveredTwice: 0 });
  });

  it("refuses what WeChat's keyword rules refuse (47003): a thing over 20 characters, an amount that is no number, a malformed time (exit 3)", async () => {
    const server = await setUp({});
    const ids = openids(4);
    const rows = [
      [ids[0], 'Ann', 'A1', '39.80', '2025-06-01 10:30'], // fine
      [ids[1], 'Bartholomew the Third', 'A2', '12.00', '2025-06-01 10:31'], // "Order for …" is 31 characters
      [ids[2], 'Cai', 'A3', 'free', '2025-06-01 10:32'], // not an amount
      [ids[3], 'Dana', 'A4', '9.90', 'noon-ish'], // not a time
    ];
    writeFileSync(join(ws.dir, 'fans.csv'), `openid,name,order_no,amount,ordered_at\n${rows.map((r) => r.join(',')).join('\n')}\n`);
    const args = [...TEMPLATE_ARGS, '--data', 'amount3=amount', '--data', 'time4=ordered_at'];
    const run = await herald(['send', 'fans.csv', ...args], server.env);
    expect(run.code, run.stderr).toBe(3);
    expect(countStates(LOG())).toEqual({ 'sent/ok': 1, 'failed/permanent': 3 });
    const byId = lastByKey(LOG());
    for (const [id, keyword] of [[ids[1], 'thing2'], [ids[2], 'amount3'], [ids[3], 'time4']] as const) {
      expect(byId.get(id!)).toMatchObject({ code: '47003' });
      expect(String(byId.get(id!)!.error)).toContain(`argument invalid! data.${keyword}.value invalid`);
    }
    expect(server.counters).toMatchObject({ deliveries: 1 });
  });

  it('refuses a missing --template-id with exit 2 and one line', async () => {
    const server = await setUp({});
    const run = await herald(['send', csv(openids(2)), '--channel', 'wechat', '--data', 'keyword1=order_no'], server.env);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/--template-id is required/);
  });

  it('shows the first message in --dry-run without credentials, and marks rows lacking a field invalid', async () => {
    writeFileSync(join(ws.dir, 'fans.csv'), 'openid,name\noLVPpjqs9BhvzwPj5A-vTYAX3GLc,Ann\nnot an openid,Bo\n');
    const run = await herald(['send', 'fans.csv', '--channel', 'wechat', '--template-id', 'TPL_1', '--data', 'keyword1=name', '--dry-run'], {});
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
    const child = spawnHerald(['mock', 'wechat', '--secret', 'mocksecret', '--daily-quota', '5'], { env: NO_WECHAT });
    const done = finished(child, 20_000);
    let stdout = '';
    const env = await new Promise<Record<string, string>>((resolve) => {
      child.stdout?.on('data', (chunk: Buffer | string) => {
        stdout += chunk.toString();
        const exports = [...stdout.matchAll(/^export (\w+)=(\S+)$/gm)];
        if (exports.length === 3) resolve(Object.fromEntries(exports.map((m) => [m[1]!, m[2]!])));
      });
    });
    expect(env).toMatchObject({ WECHAT_APPID: 'wxd0c0ffee00000001', WECHAT_APPSECRET: 'mocksecret' });
    const run = await herald(['send', csv(openids(3)), ...TEMPLATE_ARGS], env);
    expect(run.code).toBe(0);
    child.kill('SIGINT');
    const exited = await done;
    expect(exited.code).toBe(0);
    expect(exited.stderr).toMatch(/3 sends, 3 delivered \(3 today\)/);
  });
});
