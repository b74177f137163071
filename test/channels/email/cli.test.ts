/** `herald send --channel email` and `herald mock email` as processes, against the simulator on 127.0.0.1. */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { finished, runHerald, spawnHerald, tempDir } from '../../helpers/cli.js';
import { lastByKey, readLog, rowRecords } from '../../helpers/files.js';
import { parseEml, simulator } from './helpers.js';

const FIXTURES = fileURLToPath(new URL('../../../fixtures/email/', import.meta.url));

let dir: string;
let cleanup: () => void;
let closers: (() => Promise<void>)[] = [];
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(async () => {
  for (const close of closers) await close();
  closers = [];
  cleanup();
});

async function started(options: Readonly<Record<string, unknown>> = {}) {
  const sim = await simulator(options);
  closers.push(() => sim.close());
  return sim;
}

/** Copy fixtures/email files into the test folder. */
function fixtures(...names: string[]): void {
  for (const name of names) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    copyFileSync(join(FIXTURES, name), join(dir, name));
  }
}

function subscribers(count: number, name = 'subs.csv'): string {
  const lines = ['email,name,code'];
  for (let i = 0; i < count; i++) lines.push(`user${i}@example.com,${i % 3 === 0 ? `张三${i}` : i % 3 === 1 ? `Zoë ${i}` : `Ann-${i}`},C${1000 + i}`);
  writeFileSync(join(dir, name), lines.join('\n') + '\n');
  return join(dir, name);
}

/** Wait until `check` holds, polling every 20 ms, for at most `ms`. */
async function until(check: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('herald send --channel email', () => {
  it('delivers 500 personalised messages over at most --concurrency connections (exit 0)', async () => {
    const outbox = join(dir, 'outbox');
    const sim = await started({ save: outbox, latency: 2 });
    fixtures('welcome.html', 'welcome.txt');
    const csv = subscribers(500);
    const result = await runHerald(
      ['send', csv, '--channel', 'email', '--template', 'welcome.html', '--text', 'welcome.txt', '--concurrency', '4', '--quiet'],
      { cwd: dir, env: sim.env },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const counts = sim.counters();
    expect(counts).toMatchObject({ messages: 500, duplicates: 0 });
    expect(counts.peakConnections).toBeLessThanOrEqual(4);

    const last = lastByKey(`${csv}.results.jsonl`);
    expect([...last.values()].every((r) => r.status === 'sent' && r.code === '250')).toBe(true);
    const byAddress = new Map([...last.values()].map((r) => [String(r.key), r]));
    for (const file of readdirSync(outbox)) {
      const mail = await parseEml(join(outbox, file));
      const to = Array.isArray(mail.to) ? mail.to[0]! : mail.to!;
      const record = byAddress.get(to.value[0]!.address!)!;
      const row = record.row as Record<string, string>;
      expect(mail.subject).toBe(`欢迎, ${row.name}! Your welcome code inside`);
      expect(mail.text).toContain(`Welcome, ${row.name}!`);
      expect(mail.html).toContain(`<h1>Welcome, ${row.name}!</h1>`);
      expect(mail.messageId).toBe(`<${String(record.idempotencyKey)}@shop.example>`);
      expect(record.messageId).toBe(mail.messageId);
      byAddress.delete(to.value[0]!.address!);
    }
    expect(byAddress.size).toBe(0);
  });

  it('keeps every Message-ID across a kill -9 and --resume, and ends with each row sent once', async () => {
    const sim = await started({ latency: 20 });
    fixtures('welcome.html');
    const csv = subscribers(300);
    const args = ['send', csv, '--channel', 'email', '--template', 'welcome.html', '--concurrency', '5', '--quiet'];
    const child = spawnHerald(args, { cwd: dir, env: sim.env });
    const done = finished(child);
    await until(() => sim.counters().messages >= 60, 30_000);
    child.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');
    const before = sim.counters().messages;
    expect(before).toBeLessThan(300);

    const resumed = await runHerald([...args, '--resume'], { cwd: dir, env: sim.env });
    expect(resumed.code).toBe(0);
    const last = lastByKey(`${csv}.results.jsonl`);
    expect(last.size).toBe(300);
    expect([...last.values()].every((r) => r.status === 'sent')).toBe(true);
    const expected = new Map([...last.values()].map((r) => [String(r.key), `<${String(r.idempotencyKey)}@shop.example>`]));
    for (const message of sim.received()) expect(message.messageId).toBe(expected.get(message.rcptTo[0]!));
    // Rows in flight at the kill may arrive twice, with the same Message-ID: a receiver drops the copy.
    expect(new Set(sim.received().map((m) => m.messageId)).size).toBe(300);
    expect(sim.counters().duplicates).toBeLessThanOrEqual(5);
  });

  it('records 550 as failed/permanent, retries greylisted recipients until sent (exit 3)', async () => {
    const sim = await started({ rejectRate: 0.2, greylist: true, seed: 3 });
    fixtures('welcome.html');
    const csv = subscribers(40);
    const result = await runHerald(['send', csv, '--channel', 'email', '--template', 'welcome.html', '--quiet'], { cwd: dir, env: sim.env });
    expect(result.code).toBe(3);
    const last = [...lastByKey(`${csv}.results.jsonl`).values()];
    const failed = last.filter((r) => r.status === 'failed');
    expect(failed.length).toBe(sim.counters().rejected);
    expect(failed.length).toBeGreaterThan(0);
    for (const record of failed) {
      expect(record).toMatchObject({ class: 'permanent', code: '550', attempts: 1 });
      expect(String(record.error)).toContain('5.1.1');
    }
    const sent = last.filter((r) => r.status === 'sent');
    expect(sent.length + failed.length).toBe(40);
    expect(sent.every((r) => Number(r.attempts) === 2)).toBe(true);
    expect(sim.counters()).toMatchObject({ messages: sent.length, greylisted: sent.length });
  });

  it('slows down under a 421 storm instead of failing rows (exit 0)', async () => {
    const sim = await started({ throttleRate: 0.3, latency: 5, seed: 11 });
    fixtures('welcome.html');
    const csv = subscribers(120);
    const result = await runHerald(['send', csv, '--channel', 'email', '--template', 'welcome.html', '--retries', '12'], {
      cwd: dir,
      env: sim.env,
    });
    expect(result.code).toBe(0);
    // the governor's notice needs a whole second of answers; a fast machine may finish first, the summary always counts them
    expect(result.stderr).toMatch(/throttled\s+\d+\s+answers asked herald to slow down/);
    expect(sim.counters().throttled).toBeGreaterThan(0);
    const last = [...lastByKey(`${csv}.results.jsonl`).values()];
    expect(last.filter((r) => r.status === 'sent')).toHaveLength(120);
  });

  it('slows down for SES deferrals and delivers every row (exit 0)', async () => {
    const sim = await started({ defer: '25%', deferReply: 'ses', seed: 5 });
    fixtures('welcome.html');
    const csv = subscribers(40);
    const result = await runHerald(['send', csv, '--channel', 'email', '--template', 'welcome.html', '--retries', '12'], { cwd: dir, env: sim.env });
    expect(result.code, result.stderr).toBe(0);
    // the governor's notice needs a whole second of answers; a fast machine may finish first, the summary always counts them
    expect(result.stderr).toMatch(/throttled\s+\d+\s+answers asked herald to slow down/);
    expect(sim.counters().slowDowns).toBeGreaterThan(0);
    expect(sim.counters().messages).toBe(40);
    const throttledThenSent = [...lastByKey(`${csv}.results.jsonl`).values()].filter((r) => Number(r.attempts) > 1);
    expect(throttledThenSent.length).toBe(sim.counters().slowDowns > 0 ? throttledThenSent.length : 0);
    expect(throttledThenSent.every((r) => r.status === 'sent')).toBe(true);
  });

  it('sends failed rows again with herald retry, under the same Message-IDs', async () => {
    const busy = await started({ deferRate: 1 });
    fixtures('welcome.html');
    const csv = subscribers(6);
    const first = await runHerald(['send', csv, '--channel', 'email', '--template', 'welcome.html', '--retries', '0', '--quiet'], {
      cwd: dir,
      env: busy.env,
    });
    expect(first.code).toBe(3);
    await busy.close();
    const log = `${csv}.results.jsonl`;
    const failed = [...lastByKey(log).values()];
    expect(failed.every((r) => r.status === 'failed' && r.class === 'retryable' && r.code === '450')).toBe(true);

    const open = await started({ port: busy.port });
    const retried = await runHerald(['retry', log, '--quiet'], { cwd: dir, env: open.env });
    expect(retried.code).toBe(0);
    const last = lastByKey(log);
    expect([...last.values()].every((r) => r.status === 'sent')).toBe(true);
    const expected = new Map(failed.map((r) => [String(r.key), `<${String(r.idempotencyKey)}@shop.example>`]));
    expect(new Map(open.received().map((m) => [m.rcptTo[0]!, m.messageId]))).toEqual(expected);
  });

  it('stops with exit 1 on a wrong password, before any message, and never prints the password', async () => {
    const password = 'n0t-the-Pa55word';
    const sim = await started({ user: 'news@shop.example', password: 'right' });
    fixtures('welcome.html');
    const csv = subscribers(20);
    const url = sim.env['HERALD_SMTP_URL']!.replace(':right@', `:${password}@`);
    const result = await runHerald(['send', csv, '--channel', 'email', '--template', 'welcome.html', '--json'], {
      cwd: dir,
      env: { HERALD_SMTP_URL: url },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`authentication failed for news@shop.example at 127.0.0.1:${sim.port}`);
    expect(sim.counters().messages).toBe(0);
    const log = `${csv}.results.jsonl`;
    for (const text of [result.stdout, result.stderr, existsSync(log) ? readFileSync(log, 'utf8') : '']) {
      expect(text).not.toContain(password);
    }
  });

  it('never lets a field add a header or a recipient; a line break in a header makes the row invalid (exit 3)', async () => {
    const outbox = join(dir, 'outbox');
    const sim = await started({ save: outbox });
    writeFileSync(join(dir, 'note.txt'), 'From: news@shop.example\nSubject: Note for {{subject_name}}\n\nDear {{name}},\nsee you.\n');
    const csv = join(dir, 'evil.csv');
    writeFileSync(csv, 'email,name,subject_name\nann@example.com,"Ann\r\nBcc: x@evil.example",Ann\nbob@example.com,Bob,"Bob\r\nBcc: x@evil.example"\n');
    const result = await runHerald(['send', csv, '--channel', 'email', '--template', 'note.txt', '--quiet'], { cwd: dir, env: sim.env });
    expect(result.code).toBe(3);
    expect(sim.received().map((m) => m.rcptTo)).toEqual([['ann@example.com']]);
    const mail = await parseEml(sim.received()[0]!.file!);
    expect(mail.headers.has('bcc')).toBe(false);
    expect(mail.text).toContain('Bcc: x@evil.example');
    const bob = lastByKey(`${csv}.results.jsonl`).get('bob@example.com')!;
    expect(bob).toMatchObject({ status: 'invalid', class: 'invalid' });
    expect(String(bob.error)).toContain("field 'subject_name' holds a line break");
  });

  it('attaches files from the template folder and refuses a row whose path leaves it (exit 3)', async () => {
    const outbox = join(dir, 'outbox');
    const sim = await started({ save: outbox });
    fixtures('invoice.md', 'invoices.csv', 'invoices/INV-1001.txt', 'invoices/INV-1002.txt');
    const csv = join(dir, 'invoices.csv');
    const result = await runHerald(['send', csv, '--channel', 'email', '--template', 'invoice.md', '--quiet'], { cwd: dir, env: sim.env });
    expect(result.code).toBe(3);
    expect(sim.counters().messages).toBe(2);
    const records = rowRecords(`${csv}.results.jsonl`).filter((r) => r.status === 'invalid');
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ key: 'mallory@example.com', line: 3 });
    expect(String(records[0]!.error)).toContain("is outside the template's folder");
    const mails = await Promise.all(sim.received().map((m) => parseEml(m.file!)));
    const ann = mails.find((m) => m.subject === 'Invoice INV-1001 for Ann')!;
    expect(ann.attachments.map((a) => [a.filename, a.content.toString()])).toEqual([['INV-1001.txt', 'INVOICE INV-1001\nAmount: 12.00 EUR\n']]);
    expect(ann.html).toContain('<strong>INV-1001</strong>');
    expect(ann.text).toContain('your invoice **INV-1001** over 12.00 EUR is attached.');
  });

  it('shows the first message as it would go on the wire with --dry-run, sending nothing', async () => {
    const sim = await started();
    fixtures('welcome.html', 'subscribers.csv');
    const result = await runHerald(['send', 'subscribers.csv', '--channel', 'email', '--template', 'welcome.html', '--dry-run'], {
      cwd: dir,
      env: {},
    });
    const output = result.stdout + result.stderr;
    expect(output).toContain('MAIL FROM:<news@shop.example>\nRCPT TO:<zhangsan@example.com>');
    expect(output).toContain('Subject: =?UTF-8?Q?=E6=AC=A2=E8=BF=8E=2C_=E5=BC=A0=E4=B8=89?=');
    expect(output).toMatch(/Message-ID: <[0-9a-f-]{36}@shop\.example>/);
    expect(output).toContain('Content-Type: multipart/alternative');
    expect(output).toContain("field 'email' is not an email address ('not-an-address')");
    expect(sim.counters().connections).toBe(0);
    expect(existsSync(join(dir, 'subscribers.csv.results.jsonl'))).toBe(false);
  });

  it('verifies TLS certificates unless --insecure-tls', async () => {
    const sim = await started({ tls: true });
    fixtures('welcome.html');
    const csv = subscribers(3);
    const args = ['send', csv, '--channel', 'email', '--template', 'welcome.html', '--quiet'];
    const strict = await runHerald([...args, '--out', join(dir, 'strict.jsonl')], { cwd: dir, env: sim.env });
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain(`TLS with 127.0.0.1:${sim.port} failed`);
    expect(strict.stderr).toContain('--insecure-tls');
    const relaxed = await runHerald([...args, '--insecure-tls'], { cwd: dir, env: sim.env });
    expect(relaxed.stderr).toContain('--insecure-tls: the TLS certificate of 127.0.0.1');
    expect(relaxed.code).toBe(0);
    expect(sim.counters().messages).toBe(3);
    expect(readLog(`${csv}.results.jsonl`)[0]).toMatchObject({ type: 'run', channel: 'email' });
  });
});

describe('herald mock email', () => {
  it('prints HERALD_SMTP_URL, takes messages, and stops on Ctrl-C with its counts', async () => {
    const outbox = join(dir, 'outbox');
    const mock = spawnHerald(['mock', 'email', '--save', outbox, '--user', 'news@shop.example', '--password', 'test-pw']);
    const stopped = finished(mock);
    let stdout = '';
    mock.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    await until(() => stdout.includes('\n'), 15_000);
    const match = /^export HERALD_SMTP_URL=(smtp:\/\/news%40shop\.example:test-pw@127\.0\.0\.1:\d+)$/m.exec(stdout);
    expect(match).not.toBeNull();
    fixtures('welcome.html', 'subscribers.csv');
    const sent = await runHerald(['send', 'subscribers.csv', '--channel', 'email', '--template', 'welcome.html', '--quiet'], {
      cwd: dir,
      env: { HERALD_SMTP_URL: match![1]! },
    });
    expect(sent.code).toBe(3);
    expect(readdirSync(outbox)).toHaveLength(4);
    mock.kill('SIGINT');
    const result = await stopped;
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('messages accepted 4 for 4 recipients');
  });
});
