/**
 * Input hardening seen from the command line (issues 14 and 15): the built `herald send` (run
 * `npm run build` first; `npm test` does) as a user runs it, sending through the webhook channel to
 * a real HTTP receiver on 127.0.0.1. Broken input never costs a row before it, never prints a stack
 * trace, and stops with a message that says where and how to go on when it cannot be read further.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MAX_RECORD_BYTES } from '../../src/input/csv-items.js';
import { runHerald } from '../helpers/cli.js';
import { startSink, type Sink } from '../helpers/sink.js';
import { fuzz, seeded } from './fuzz-files.js';
import { scratch } from './helpers.js';

const tmp = scratch();
let sink: Sink;

beforeAll(async () => {
  sink = await startSink();
});
afterAll(() => sink.close());
beforeEach(() => {
  sink.requests.length = 0;
});

/** Runs herald send with the webhook flags, the log written to `log` (for stdin: `-` and --format csv). */
function send(input: string, log: string, extra: string[] = [], stdin?: Buffer) {
  const args = ['send', input, '--channel', 'webhook', '--url', `${sink.url}/hook`, '--key', 'email', '--out', join(tmp.dir, log), '--quiet', ...extra];
  return runHerald(input === '-' ? [...args, '--format', extra.includes('--format') ? '' : 'csv'].filter(Boolean) : args, { cwd: tmp.dir, ...(stdin ? { stdin } : {}), timeoutMs: 60_000 });
}

/** The emails the receiver got, sorted. */
function delivered(): string[] {
  return sink.requests.map((request) => String((JSON.parse(request.body) as Record<string, unknown>)['email'])).sort();
}

/** The row records of a log (the run records left out). */
function rowRecords(log: string): Record<string, unknown>[] {
  return readFileSync(join(tmp.dir, log), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((record) => record['type'] !== 'run');
}

/** A CSV of `rows` data rows (u1 … uN), then `tail`. */
function csv(rows: number, tail = ''): string {
  let text = 'email,name\n';
  for (let i = 1; i <= rows; i++) text += `u${i}@example.com,Name ${i}\n`;
  return text + tail;
}

/** No stack trace nor internal error in what a user sees. */
function expectNoStack(stderr: string): void {
  expect(stderr).not.toMatch(/internal error|\n\s+at |RangeError|TypeError/);
}

const emails = (from: number, to: number): string[] => Array.from({ length: to - from + 1 }, (_, i) => `u${from + i}@example.com`).sort();

describe('a quote never closed', () => {
  const text = csv(200, 'bad@example.com,"broken\nu202@example.com,After\n');
  const reason = 'a quote opened in this record is never closed, so the lines after it (from line 203) could not be read as rows and none was sent; fix the file, then run again with --resume';

  it.each([
    ['a file', false],
    ['stdin', true],
  ])('from %s: the 200 rows before it are sent, that record is recorded invalid naming its line, exit 3', async (_name, fromStdin) => {
    const log = fromStdin ? 'quote-stdin.log' : 'quote-file.log';
    const result = fromStdin ? await send('-', log, [], Buffer.from(text)) : await send(tmp.write('quote.csv', text), log);
    expect(result.code, result.stderr).toBe(3);
    expectNoStack(result.stderr);
    expect(delivered()).toEqual(emails(1, 200));
    const records = rowRecords(log);
    expect(records.filter((record) => record['status'] === 'sent').map((record) => record['key']).sort()).toEqual(emails(1, 200));
    expect(records.filter((record) => record['status'] === 'invalid')).toEqual([
      expect.objectContaining({ key: null, class: 'invalid', line: 201, error: `record 201 (line 202): ${reason}` }),
    ]);
  });

  it('from stdin with 5 rows: the 5 are sent (it once failed with "cannot read the header row")', async () => {
    const result = await send('-', 'quote-short.log', [], Buffer.from(csv(5, 'bad@example.com,"broken\nu7@example.com,Seven\n')));
    expect(result.code).toBe(3);
    expect(delivered()).toEqual(emails(1, 5));
    expect(rowRecords('quote-short.log').filter((record) => record['status'] === 'invalid')).toEqual([
      expect.objectContaining({ line: 6, error: expect.stringContaining('record 6 (line 7): a quote opened in this record is never closed') }),
    ]);
  });

  it('fixed, then --resume: the record and every row after it are sent, nothing sent twice', async () => {
    const path = tmp.write('quote-fix.csv', text);
    expect((await send(path, 'quote-fix.log')).code).toBe(3);
    writeFileSync(path, text.replace('"broken', '"broken"'));
    const resumed = await send(path, 'quote-fix.log', ['--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(delivered().sort()).toEqual([...emails(1, 200), 'bad@example.com', 'u202@example.com'].sort());
  });
});

describe('rows that are invalid, and reading goes on', () => {
  it('an unquoted CSV record over 1 MiB is recorded invalid, and the rows after it are sent (exit 3)', async () => {
    const path = tmp.write('long.csv', csv(3, `long@example.com,${'y'.repeat(MAX_RECORD_BYTES + 100)}\nu5@example.com,Five\n`));
    const result = await send(path, 'long.log');
    expect(result.code).toBe(3);
    expectNoStack(result.stderr);
    expect(delivered()).toEqual([...emails(1, 3), 'u5@example.com'].sort());
    const invalid = rowRecords('long.log').filter((record) => record['status'] === 'invalid');
    expect(invalid).toMatchObject([{ line: 4, error: 'record 4 (line 5): this record is longer than 1048576 bytes; it was skipped and reading went on at the next line' }]);
  });

  it('a JSONL row nested 4,500 levels is invalid in --dry-run, in a send and on --resume; never a stack trace', async () => {
    const deep = `{"email":"deep@example.com","x":${'{"a":'.repeat(4500)}1${'}'.repeat(4500)}}`;
    const path = tmp.write('deep.jsonl', `{"email":"u1@example.com"}\n${deep}\n{"email":"u3@example.com"}\n`);
    const dry = await runHerald(['send', path, '--channel', 'webhook', '--url', `${sink.url}/hook`, '--key', 'email', '--dry-run'], { cwd: tmp.dir });
    expect(dry.code).toBe(3);
    expectNoStack(dry.stderr);
    expect(dry.stderr).toContain('record 2 (line 2): nested deeper than 64 levels of objects and arrays');
    const sent = await send(path, 'deep.log');
    expect(sent.code).toBe(3);
    expectNoStack(sent.stderr);
    expect(delivered()).toEqual(['u1@example.com', 'u3@example.com']);
    expect(rowRecords('deep.log').filter((record) => record['status'] === 'invalid')).toMatchObject([{ line: 2, error: 'record 2 (line 2): nested deeper than 64 levels of objects and arrays' }]);
    // --resume once stopped on that row every time; now it finishes (the row is settled, nothing to send).
    const resumed = await send(path, 'deep.log', ['--resume']);
    expectNoStack(resumed.stderr);
    expect(resumed.code).toBe(0);
    expect(sink.requests).toHaveLength(2);
  });

  it('a CRLF file with LF rows appended sends every row, and an LF file with CRLF rows leaves no \\r in values', async () => {
    const path = tmp.write('mixed.csv', 'email,name\r\nu1@example.com,One\r\nu2@example.com,Two\nu3@example.com,Three\r\nu4@example.com,Four\n');
    const result = await send(path, 'mixed.log');
    expect(result.code).toBe(0);
    expect(sink.requests.map((request) => JSON.parse(request.body) as unknown).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual([
      { email: 'u1@example.com', name: 'One' },
      { email: 'u2@example.com', name: 'Two' },
      { email: 'u3@example.com', name: 'Three' },
      { email: 'u4@example.com', name: 'Four' },
    ]);
  });

  it('--encoding utf8 on GBK bytes records those rows invalid, naming the bytes and the line, not mojibake', async () => {
    const path = tmp.write('gbk.csv', Buffer.concat([Buffer.from('email,name\nu1@example.com,Ann\nu2@example.com,'), iconv.encode('张三', 'gbk'), Buffer.from('\n')]));
    const result = await send(path, 'gbk.log', ['--encoding', 'utf8']);
    expect(result.code).toBe(3);
    expect(delivered()).toEqual(['u1@example.com']);
    expect(rowRecords('gbk.log').filter((record) => record['status'] === 'invalid')).toMatchObject([
      { line: 2, error: 'record 2 (line 3): bytes that are not UTF-8: D5 C5 C8 FD (is the file in another encoding? name it with --encoding)' },
    ]);
  });
});

describe('encodings', () => {
  it('auto reads a Windows-1252 file as Windows-1252 (Zoë Müller, not mojibake)', async () => {
    const path = tmp.write('western.csv', iconv.encode('email,name\nzoe@example.com,Zoë Müller\njose@example.com,José García\n', 'windows-1252'));
    const result = await send(path, 'western.log');
    expect(result.code).toBe(0);
    expect(sink.requests.map((request) => (JSON.parse(request.body) as Record<string, unknown>)['name']).sort()).toEqual(['José García', 'Zoë Müller']);
  });

  it('--encoding takes any name iconv-lite knows (shift_jis here); an unknown one is one line, exit 2', async () => {
    const path = tmp.write('japanese.csv', iconv.encode('email,name\nyamada@example.com,山田太郎\n', 'shift_jis'));
    const result = await send(path, 'japanese.log', ['--encoding', 'Shift_JIS']);
    expect(result.code).toBe(0);
    expect((JSON.parse(sink.requests[0]?.body ?? '{}') as Record<string, unknown>)['name']).toBe('山田太郎');
    const unknown = await send(path, 'unknown.log', ['--encoding', 'latin-42']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
    expect(unknown.stderr).toMatch(/--encoding "latin-42" is not an encoding herald knows; use auto or one of utf8, gb18030, gbk, big5, shift_jis, euc-kr, windows-1252/);
  });
});

describe('fuzzed files through the CLI', () => {
  it.each(['csv', 'jsonl'] as const)('a fuzzed %s in --dry-run ends with a summary or a one-line stop, never a stack trace', async (format) => {
    const random = seeded(format === 'csv' ? 99 : 98);
    let fuzzed = fuzz(format, random, 0);
    while (fuzzed.made.length < 3) fuzzed = fuzz(format, random, 0);
    const path = tmp.write(`fuzzed.${format}`, fuzzed.bytes);
    const result = await runHerald(['send', path, '--channel', 'webhook', '--url', `${sink.url}/hook`, '--key', 'email', '--dry-run'], { cwd: tmp.dir });
    expectNoStack(result.stderr);
    expect([0, 1, 3]).toContain(result.code);
    if (result.code === 1) expect(result.stderr).toMatch(/^herald: error: .*: reading stopped at line \d+: .*--resume to go on from there\n$/);
    else expect(result.stderr).toContain('herald send --dry-run: nothing sent, no log written');
    expect(sink.requests).toHaveLength(0);
  });
});
