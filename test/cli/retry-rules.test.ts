/**
 * No nudge into duplicates or unwanted sends, as processes against the simulators: recipients who
 * opted out are never offered to --all, mailboxes that do not exist only with a flag, and rows in
 * doubt on a channel that can neither be asked nor drops duplicates are resent only on request.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { start as startEmail } from '../../src/mock/email/simulator.js';
import { start as startWechat } from '../../src/mock/wechat/server.js';
import { runHerald } from '../helpers/cli.js';
import { countStates } from '../helpers/files.js';
import { useWorkspace } from '../helpers/workspace.js';

const ws = useWorkspace();
const quiet = () => undefined;
const NO_SECRETS = { WECHAT_APPID: undefined, WECHAT_APPSECRET: undefined, HERALD_WECHAT_ENDPOINT: undefined, HERALD_SMTP_URL: undefined };
const OPENIDS = ['oLVPpjqs9BhvzwPj5A-vTYAX3GLc', 'oLVPpjsJ3uTq1bXg6cWm0aHk2Fd4', 'oLVPpjkT8rNw5ZyQ2hVx7LmC4Pe1'];
const WECHAT = ['--channel', 'wechat', '--template-id', 'TPL', '--data', 'keyword1=name'];

function herald(args: readonly string[], env: Readonly<Record<string, string>>) {
  return runHerald(args, { cwd: ws.dir, env: { ...NO_SECRETS, ...env }, timeoutMs: 30_000 });
}

function fans(): string {
  writeFileSync(join(ws.dir, 'fans.csv'), ['openid,name', ...OPENIDS.map((id, i) => `${id},Fan ${i}`)].join('\n') + '\n');
  return 'fans.csv';
}

describe('recipients who opted out or do not exist', () => {
  it('WeChat 43004 and 43101 are never offered to --all, and retry --all leaves them, saying why', async () => {
    const server = ws.own(await startWechat({ unsubscribed: [OPENIDS[0]], refused: [OPENIDS[1]] }, quiet));
    const run = await herald(['send', fans(), ...WECHAT], server.env);
    expect(run.code).toBe(3);
    expect(countStates(join(ws.dir, 'fans.csv.results.jsonl'))).toEqual({ 'failed/permanent': 2, 'sent/ok': 1 });
    expect(run.stderr).toMatch(/^ {2}opted out +2 {2}recipients who opted out \(Twilio 21610, WeChat 43004\/43101\): herald never sends to them again$/m);
    expect(run.stderr).not.toContain('--all');
    const retried = await herald(['retry', 'fans.csv.results.jsonl', '--all'], server.env);
    expect(retried.code).toBe(0);
    expect(retried.stderr).toContain('nothing to retry in fans.csv.results.jsonl: 2 recipients opted out (herald never sends to them again)');
    expect(server.counters.sends).toBe(3);
  });

  it('SMTP 5.1.1 unknown mailboxes stay out of --all unless --include-unknown-mailboxes names them', async () => {
    const server = ws.own(await startEmail({ rejectRate: 1 }, quiet));
    writeFileSync(join(ws.dir, 'list.csv'), 'email,name\nann@nowhere.example,Ann\nbo@nowhere.example,Bo\n');
    writeFileSync(join(ws.dir, 'hello.txt'), 'From: Shop <shop@example.com>\nSubject: Hello {{name}}\n\nHi {{name}}\n');
    const env = server.env;
    const run = await herald(['send', 'list.csv', '--channel', 'email', '--template', 'hello.txt'], env);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^ {2}no mailbox +2 {2}mailboxes that do not exist \(SMTP 5\.1\.1\): herald retry leaves them out$/m);
    expect(run.stderr).not.toContain('--all');
    const plain = await herald(['retry', 'list.csv.results.jsonl', '--all'], env);
    expect(plain.code).toBe(0);
    expect(plain.stderr).toContain('2 mailboxes do not exist (herald retry leaves them out)');
    const alone = await herald(['retry', 'list.csv.results.jsonl', '--include-unknown-mailboxes'], env);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('--include-unknown-mailboxes widens --all');
    const named = await herald(['retry', 'list.csv.results.jsonl', '--all', '--include-unknown-mailboxes', '--quiet'], env);
    expect(named.code).toBe(3);
    expect(server.counters().rejected).toBe(4);
  });
});

describe('rows in doubt', () => {
  it('on WeChat (no query, duplicates dropped for 10 minutes only) they are "may already be delivered", and retry resends them only with --in-doubt resend', async () => {
    // Every answer comes 2 s late: with --timeout 500ms the outcome is unknown.
    const slow = ws.own(await startWechat({ delayRate: 1, delay: 2000 }, quiet));
    const run = await herald(['send', fans(), ...WECHAT, '--timeout', '500ms'], slow.env);
    expect(run.code).toBe(3);
    expect(countStates(join(ws.dir, 'fans.csv.results.jsonl'))).toEqual({ 'failed/in-doubt': 3 });
    expect(run.stderr).toMatch(/^ {2}failed +3 {2}in-doubt 3 \(may already be delivered\)$/m);
    const fresh = ws.own(await startWechat({}, quiet));
    const left = await herald(['retry', 'fans.csv.results.jsonl'], fresh.env);
    expect(left.code).toBe(0);
    expect(left.stderr).toContain(
      'nothing sent from fans.csv.results.jsonl: left 3 rows in doubt (they may already be delivered: wechat cannot be asked whether they arrived and does not drop duplicates); herald retry fans.csv.results.jsonl --in-doubt resend sends them anyway, at the risk of a duplicate',
    );
    expect(fresh.counters.sends).toBe(0);
    const resent = await herald(['retry', 'fans.csv.results.jsonl', '--in-doubt', 'resend', '--quiet'], fresh.env);
    expect(resent.code).toBe(0);
    expect(fresh.counters.deliveries).toBe(3);
    expect(countStates(join(ws.dir, 'fans.csv.results.jsonl'))).toEqual({ 'sent/ok': 3 });
  });
});
