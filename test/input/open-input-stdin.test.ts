import { PassThrough, Readable } from 'node:stream';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { ConfigError, InputStoppedError } from '../../src/errors.js';
import { openInput } from '../../src/input/open-input.js';
import { STDIN_SNIFF_LIMIT_BYTES } from '../../src/input/sniff-source.js';
import { CONTACTS_COLUMNS, CONTACTS_CSV, CONTACTS_FIELDS } from './contacts.js';
import { readInput } from './helpers.js';

/** A stdin stand-in that delivers `bytes` in chunks of `size`. */
function stdinOf(bytes: Buffer, size = 1000): Readable {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  return Readable.from(chunks, { objectMode: false });
}

describe('stdin', () => {
  it('needs --format', async () => {
    const error = await openInput({ path: '-', stdin: stdinOf(Buffer.from('email\n')) }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe('reading stdin needs --format csv|tsv|jsonl');
  });

  it('reads GBK CSV from stdin with --format csv, detected and decoded', async () => {
    const stdin = stdinOf(iconv.encode(CONTACTS_CSV, 'gbk'), 7);
    const { input, items } = await readInput({ path: '-', format: 'csv', stdin });
    expect(input.encoding).toBe('gb18030');
    expect(input.columns).toEqual(CONTACTS_COLUMNS);
    expect(items.map((item) => ({ ...item.fields }))).toEqual(CONTACTS_FIELDS);
    expect(input.bytesRead()).toBe(iconv.encode(CONTACTS_CSV, 'gbk').length);
  });

  it('reads UTF-8 JSONL from a stdin that stays open past the sniffed prefix', async () => {
    const stdin = new PassThrough();
    const reading = readInput({ path: '-', format: 'jsonl', stdin });
    stdin.write('{"姓名":"张三","email":"zs@example.com"}\n'.repeat(2));
    await new Promise((resolve) => setImmediate(resolve));
    stdin.end('{"姓名":"李四","email":"ls@example.com"}\n');
    const { input, items } = await reading;
    expect(input.encoding).toBe('utf8');
    expect(items.map((item) => item.fields['姓名'])).toEqual(['张三', '张三', '李四']);
  });

  it('decides from a bounded prefix when stdin starts with more ASCII than the limit, and replays it', async () => {
    const row = 'filler@example.com,Filler,Oslo,-\n';
    const fillers = Math.ceil((STDIN_SNIFF_LIMIT_BYTES + 1) / row.length);
    const bytes = Buffer.from('email,name,city,note\n' + row.repeat(fillers) + 'li@example.com,李娜,成都,\n');
    const { input, items } = await readInput({ path: '-', format: 'csv', stdin: stdinOf(bytes, 64 * 1024) });
    expect(input.encoding).toBe('utf8');
    expect(items).toHaveLength(fillers + 1);
    expect(items.every((item) => item.kind === 'row')).toBe(true);
    expect(items.at(-1)?.fields['name']).toBe('李娜');
  });

  it('a stdin that fails while its encoding is being decided is a ConfigError', async () => {
    const stdin = new Readable({
      read() {
        this.destroy(new Error('EIO: i/o error, read'));
      },
    });
    await expect(openInput({ path: '-', format: 'csv', stdin })).rejects.toThrow(new ConfigError('cannot read stdin: EIO: i/o error, read'));
  });

  it('takes an explicit --encoding without sniffing', async () => {
    const stdin = stdinOf(iconv.encode(CONTACTS_CSV.replace(/,/g, '\t'), 'utf16le', { addBOM: true }));
    const { input, items } = await readInput({ path: '-', format: 'tsv', encoding: 'utf16le', stdin });
    expect(input.encoding).toBe('utf16le');
    expect(items[2]?.fields['姓名']).toBe('欧阳娜娜');
  });

  it.each([
    // CSV: the header and two records arrive, then the pipe breaks
    ['csv', 'email\na@b.c\nb@b.c\n'],
    // JSONL: two records arrive, then the pipe breaks
    ['jsonl', '{"email":"a@b.c"}\n{"email":"b@b.c"}\n'],
  ])('a read error mid-stream (%s) stops reading with an InputStoppedError naming stdin and the last line read', async (format, text) => {
    const stdin = new PassThrough();
    stdin.write(text);
    const input = await openInput({ path: '-', format, encoding: 'utf8', stdin });
    const items = input.items[Symbol.asyncIterator]();
    expect((await items.next()).value).toMatchObject({ fields: { email: 'a@b.c' } });
    stdin.destroy(new Error('pipe broke'));
    const error = await drainError(items);
    expect(error).toBeInstanceOf(InputStoppedError);
    expect((error as Error).message).toMatch(/^stdin: reading stopped after line [1-3]: pipe broke; run again with --resume to go on from there$/);
    await input.close();
  });
});

/** Pulls items until the iterator throws (bounded); returns what it threw. */
async function drainError(items: AsyncIterator<unknown>): Promise<unknown> {
  for (let i = 0; i < 10; i++) {
    try {
      if ((await items.next()).done === true) return undefined;
    } catch (err) {
      return err;
    }
  }
  return undefined;
}
