/**
 * A result log that cannot be what --out names (a folder, someone's CSV) is one line, never a
 * stack trace or a CSV with records appended; a test send to yourself reaches only you and
 * records nothing; a dry run shows rows from across the file and what the send would take.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { start as startEmail } from '../../src/mock/email/simulator.js';
import { runHerald } from '../helpers/cli.js';
import { countStates, writeCsv } from '../helpers/files.js';
import { useWorkspace } from '../helpers/workspace.js';

const ws = useWorkspace();

function expectOneLine(stderr: string, pattern: RegExp): void {
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe('--out that is no result log', () => {
  it.each([
    // a folder, with --force or without, and as the log herald retry reads
    ['send --out FOLDER', (dir: string, csv: string) => ['send', csv, '--channel', 'webhook', '--url', 'http://127.0.0.1:9/x', '--out', dir], /--out .* is a folder: name a file for the result log, e\.g\. .*results\.jsonl/],
    ['send --out FOLDER --force', (dir: string, csv: string) => ['send', csv, '--channel', 'webhook', '--url', 'http://127.0.0.1:9/x', '--out', dir, '--force'], /is a folder/],
    ['retry FOLDER', (dir: string) => ['retry', dir], /is a folder/],
  ])('%s is one line, exit 2', async (_name, args, pattern) => {
    const dir = join(ws.dir, 'out');
    mkdirSync(dir);
    const csv = writeCsv(ws.dir, 2);
    const result = await runHerald(args(dir, csv));
    expect(result.code).toBe(2);
    expectOneLine(result.stderr, pattern);
    expect(readdirSync(ws.dir).sort()).toEqual(['out', 'rows.csv']);
  });

  it('--force never appends to a file that is not a herald log: it is refused, named, and left as it was', async () => {
    const sink = await ws.startSink();
    const csv = writeCsv(ws.dir, 3);
    const other = join(ws.dir, 'customers.csv');
    writeFileSync(other, 'id,name\n1,Ann\n');
    const result = await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--out', other, '--force']);
    expect(result.code).toBe(2);
    expectOneLine(result.stderr, /customers\.csv is not a herald result log \(its first line is not a herald record\): --force appends only to a herald log; name another --out/);
    expect(readFileSync(other, 'utf8')).toBe('id,name\n1,Ann\n');
    expect(sink.requests).toHaveLength(0);
  });
});

describe('a test send to yourself (--test-to)', () => {
  function campaign(rows: number): { csv: string; template: string } {
    const lines = ['email,name', ...Array.from({ length: rows }, (_, i) => `customer${i + 1}@example.com,Customer ${i + 1}`)];
    writeFileSync(join(ws.dir, 'list.csv'), lines.join('\n') + '\n');
    writeFileSync(join(ws.dir, 'hello.txt'), 'From: Shop <shop@example.com>\nSubject: Hello {{name}}\n\nHi {{name}}\n');
    return { csv: 'list.csv', template: 'hello.txt' };
  }

  it('--sample 3 renders three rows from across the file, every message to the tester, nothing recorded; the real send then starts fresh', async () => {
    const outbox = join(ws.dir, 'outbox');
    const server = ws.own(await startEmail({ save: outbox }, () => undefined));
    const { csv, template } = campaign(30);
    const env = { HERALD_SMTP_URL: server.env.HERALD_SMTP_URL! };
    const test = await runHerald(['send', csv, '--channel', 'email', '--template', template, '--test-to', 'me@test.example', '--sample', '3', '--json'], { cwd: ws.dir, env });
    expect(test.code).toBe(0);
    expect(server.received().map((m) => m.rcptTo)).toEqual([['me@test.example'], ['me@test.example'], ['me@test.example']]);
    const subjects = readdirSync(outbox).map((file) => /^Subject: (.*)$/m.exec(readFileSync(join(outbox, file), 'utf8'))![1]).sort();
    expect(subjects).toEqual(['Hello Customer 1', 'Hello Customer 11', 'Hello Customer 21']);
    expect(existsSync(join(ws.dir, 'list.csv.results.jsonl'))).toBe(false);
    const json = JSON.parse(test.stdout) as { testTo: string; log: string | null; nextCommand: string };
    expect(json).toMatchObject({ testTo: 'me@test.example', log: null });
    expect(json.nextCommand).toBe('herald send list.csv --channel email --template hello.txt --json');
    expect(test.stderr).toContain("every message to me@test.example; nothing recorded in the campaign's log");
    const real = await runHerald(['send', csv, '--channel', 'email', '--template', template, '--quiet'], { cwd: ws.dir, env });
    expect(real.code).toBe(0);
    expect(countStates(join(ws.dir, 'list.csv.results.jsonl'))).toEqual({ 'sent/ok': 30 });
    expect(server.received().filter((m) => m.rcptTo[0] === 'customer1@example.com')).toHaveLength(1);
  });

  it('a row the campaign would refuse (a malformed recipient) is refused by the test too, not delivered to the tester', async () => {
    const server = ws.own(await startEmail({}, () => undefined));
    writeFileSync(join(ws.dir, 'list.csv'), 'email,name\ncustomer1@example.com,One\nnot-an-address,Broken\ncustomer3@example.com,Three\n');
    writeFileSync(join(ws.dir, 'hello.txt'), 'From: Shop <shop@example.com>\nSubject: Hello {{name}}\n\nHi {{name}}\n');
    const test = await runHerald(['send', 'list.csv', '--channel', 'email', '--template', 'hello.txt', '--test-to', 'me@test.example', '--limit', '3', '--json'], { cwd: ws.dir, env: { HERALD_SMTP_URL: server.env.HERALD_SMTP_URL! } });
    expect(test.code, test.stderr).toBe(3);
    expect(JSON.parse(test.stdout)).toMatchObject({ status: { sent: 2, invalid: 1 } });
    expect(server.received()).toHaveLength(2);
    expect(test.stderr).toContain("'not-an-address'");
  });

  it('sends one row by default; a channel without a recipient field refuses --test-to (exit 2)', async () => {
    const server = ws.own(await startEmail({}, () => undefined));
    const { csv, template } = campaign(5);
    const one = await runHerald(['send', csv, '--channel', 'email', '--template', template, '--test-to', 'me@test.example', '--quiet'], { cwd: ws.dir, env: { HERALD_SMTP_URL: server.env.HERALD_SMTP_URL! } });
    expect(one.code).toBe(0);
    expect(server.received()).toHaveLength(1);
    const webhook = await runHerald(['send', csv, '--channel', 'webhook', '--url', 'http://127.0.0.1:9/x', '--test-to', 'me@test.example'], { cwd: ws.dir });
    expect(webhook.code).toBe(2);
    expectOneLine(webhook.stderr, /--test-to replaces the recipient field, and the webhook channel has none/);
  });
});

describe('--dry-run --sample and estimates', () => {
  it('prints K messages from across the file, the time at --rate, and for SMS the cost of the billed segments at --price', async () => {
    const lines = ['phone,name', ...Array.from({ length: 40 }, (_, i) => `+1415555${String(2600 + i).padStart(4, '0')},Person ${i + 1}`)];
    writeFileSync(join(ws.dir, 'sms.csv'), lines.join('\n') + '\n');
    writeFileSync(join(ws.dir, 'body.txt'), 'Hi {{name}}, your coupon is ready. Reply STOP to opt out.\n');
    const env = { TWILIO_ACCOUNT_SID: undefined, TWILIO_AUTH_TOKEN: undefined };
    const result = await runHerald(['send', 'sms.csv', '--channel', 'twilio', '--from', '+15005550006', '--template', 'body.txt', '--dry-run', '--sample', '4', '--rate', '10/s', '--price', '0.0079USD'], { cwd: ws.dir, env });
    expect(result.code).toBe(0);
    const headers = result.stdout.split('\n').filter((line) => line.startsWith('--- message'));
    expect(headers).toEqual(['--- message 1 of 4 (record 1, key +14155552600) ---', '--- message 2 of 4 (record 11, key +14155552610) ---', '--- message 3 of 4 (record 21, key +14155552620) ---', '--- message 4 of 4 (record 31, key +14155552630) ---']);
    expect(result.stderr).toMatch(/^ {2}time {7}~4\.0s at 10\/s \(--rate\)$/m);
    expect(result.stderr).toMatch(/^ {2}cost {7}~0\.3160 USD \(40 segments × 0\.0079 USD\)$/m);
    const refused = await runHerald(['send', 'sms.csv', '--channel', 'twilio', '--from', '+15005550006', '--template', 'body.txt', '--sample', '4'], { cwd: ws.dir, env });
    expect(refused.code).toBe(2);
    expectOneLine(refused.stderr, /--sample chooses rows for --dry-run or --test-to/);
  });
});
