/**
 * The input stage seen from the command line: the built `herald send` (run `npm run build` first;
 * `npm test` does) reads each encoding fixture, stdin and broken files, and sends through the
 * webhook channel to a real HTTP receiver on 127.0.0.1.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CONTACTS_CSV, CONTACTS_FIELDS, CONTACTS_VARIANTS } from './contacts.js';
import { scratch } from './helpers.js';

const ROOT = join(import.meta.dirname, '../..');
const FIXTURES = join(ROOT, 'fixtures/input');
const tmp = scratch();

/** Bodies the receiver got, parsed as JSON. */
let received: Record<string, unknown>[] = [];
let server: Server;
let url = '';

beforeAll(async () => {
  expect(existsSync(join(ROOT, 'dist/cli.js')), 'dist/cli.js is missing: run npm run build').toBe(true);
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  received = [];
});

/** Runs the built herald with `args` (and `stdin`), bounded in time; returns what a user sees. */
function herald(args: string[], stdin?: Buffer): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/herald.js'), ...args], {
      cwd: tmp.dir,
      env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1' },
      timeout: 30_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? Buffer.alloc(0));
  });
}

/** The webhook flags every run here uses, with the log written to `log`. */
function webhookArgs(log: string): string[] {
  return ['--channel', 'webhook', '--url', url, '--key', 'email', '--out', join(tmp.dir, log), '--quiet'];
}

/** Bodies sorted by email, so runs with concurrency compare equal. */
function byEmail(bodies: Record<string, unknown>[]): Record<string, unknown>[] {
  return [...bodies].sort((a, b) => String(a['email']).localeCompare(String(b['email'])));
}

describe('herald send reads every encoding the same', () => {
  const expected = byEmail(CONTACTS_FIELDS);

  it.each(CONTACTS_VARIANTS)('$file delivers the same bodies, Chinese names intact', async ({ file }) => {
    const result = await herald(['send', join(FIXTURES, file), ...webhookArgs(`${file}.log`)]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(byEmail(received)).toEqual(expected);
  });

  it('reads GBK CSV from stdin with --format csv', async () => {
    const result = await herald(['send', '-', '--format', 'csv', ...webhookArgs('stdin.log')], iconv.encode(CONTACTS_CSV, 'gbk'));
    expect(result.code).toBe(0);
    expect(byEmail(received)).toEqual(expected);
  });
});

describe('herald send with broken input', () => {
  it('records a row with the wrong number of fields as invalid, with its line, and sends the rest (exit 3)', async () => {
    const path = tmp.write('short.csv', 'email,name,city\na@b.c,张三,北京\nb@b.c,李四\nc@b.c,王五,上海\n');
    const result = await herald(['send', path, ...webhookArgs('short.log')]);
    expect(result.code).toBe(3);
    expect(byEmail(received).map((body) => body['name'])).toEqual(['张三', '王五']);
    const records = readFileSync(join(tmp.dir, 'short.log'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const invalid = records.filter((record) => record['status'] === 'invalid');
    expect(invalid).toHaveLength(1);
    expect(invalid[0]).toMatchObject({ line: 2, error: 'record 2 (line 3): expected 3 fields, found 2', row: { email: 'b@b.c', name: '李四' } });
  });

  const refused: [string, () => string[], RegExp][] = [
    // a file that is not there
    ['missing file', () => ['send', join(tmp.dir, 'nope.csv')], /^herald: error: input file .*nope\.csv not found\n$/],
    // an extension that names no format
    ['unknown extension', () => ['send', tmp.write('list.txt', 'email\na@b.c\n')], /list\.txt from its extension \(\.txt; .*use --format csv\|tsv\|jsonl\n$/],
    // stdin without --format
    ['stdin without --format', () => ['send', '-'], /^herald: error: reading stdin needs --format csv\|tsv\|jsonl\n$/],
    // a header naming a field twice
    ['duplicate header', () => ['send', tmp.write('dup.csv', 'email,name,email\n')], /dup\.csv: header names "email" twice \(columns 1 and 3\)\n$/],
  ];
  it.each(refused)('%s: exit 2 with one line naming the problem, nothing sent', async (name, args, message) => {
    const result = await herald([...args(), ...webhookArgs(`${name}.log`)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(received).toEqual([]);
  });
});
