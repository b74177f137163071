import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { COUNT_CHUNK_BYTES, countRecords, lineBreakOf } from '../../src/input/count-records.js';
import type { EncodingOption } from '../../src/input/encoding.js';
import type { InputFormat } from '../../src/input/format.js';
import { CONTACTS_VARIANTS } from './contacts.js';
import { readInput, scratch } from './helpers.js';

const tmp = scratch();
const FIXTURES = join(import.meta.dirname, '../../fixtures/input');

/** `n` CSV rows with Chinese names; 上 (U+4E0A) is 0a 4e in UTF-16LE, a trap for a byte count. */
function rows(n: number, eol = '\n'): string {
  return Array.from({ length: n }, (_, i) => `u${i}@example.com,上官${i}`).join(eol);
}

describe('countRecords', () => {
  const cases: [string, string, Buffer, InputFormat, EncodingOption, number][] = [
    // LF, final line break
    ['lf', 'lf.csv', Buffer.from(`email,name\n${rows(5)}\n`), 'csv', 'auto', 5],
    // no final line break: the last line still counts
    ['no final break', 'nofinal.csv', Buffer.from(`email,name\n${rows(5)}`), 'csv', 'auto', 5],
    // CRLF
    ['crlf', 'crlf.csv', Buffer.from(`email,name\r\n${rows(5, '\r\n')}\r\n`), 'csv', 'auto', 5],
    // CR only (old Mac exports)
    ['cr only', 'cr.csv', Buffer.from(`email,name\r${rows(5, '\r')}\r`), 'csv', 'auto', 5],
    // header only
    ['header only', 'header.csv', Buffer.from('email,name\n'), 'csv', 'auto', 0],
    // empty file: never negative
    ['empty', 'empty.csv', Buffer.alloc(0), 'csv', 'auto', 0],
    // a UTF-8 BOM and nothing else
    ['bom only', 'bom.csv', Buffer.from([0xef, 0xbb, 0xbf]), 'csv', 'auto', 0],
    // GBK: no GBK character contains the byte 0a
    ['gbk', 'gbk.csv', iconv.encode(`email,name\n${rows(7)}\n`, 'gbk'), 'csv', 'auto', 7],
    // UTF-16LE with BOM (auto): 上 does not count as a line break
    ['utf-16le', 'le.tsv', iconv.encode(`email\tname\r\n${rows(6, '\r\n')}`, 'utf16le', { addBOM: true }), 'tsv', 'auto', 6],
    // UTF-16LE without BOM, named explicitly
    ['utf-16le no bom', 'le2.tsv', iconv.encode(`email\tname\n${rows(6)}\n`, 'utf16le'), 'tsv', 'utf16le', 6],
    // UTF-16BE with BOM
    ['utf-16be', 'be.tsv', iconv.encode(`\uFEFFemail\tname\n${rows(4)}\n`, 'utf16be'), 'tsv', 'auto', 4],
    // JSONL has no header
    ['jsonl', 'rows.jsonl', Buffer.from('{"a":1}\n{"a":2}\n{"a":3}'), 'jsonl', 'auto', 3],
  ];
  it.each(cases)('%s', async (_name, file, bytes, format, encoding, expected) => {
    expect(await countRecords(tmp.write(file, bytes), format, encoding)).toBe(expected);
  });

  it.each(CONTACTS_VARIANTS)('matches what openInput reads for fixtures/input/$file', async ({ file }) => {
    const path = join(FIXTURES, file);
    const { input, items } = await readInput({ path });
    expect(await countRecords(path, input.format, input.encoding)).toBe(items.length);
  });

  it('counts exactly across many read chunks (UTF-8 and UTF-16LE)', async () => {
    const n = Math.ceil((3 * COUNT_CHUNK_BYTES) / 20);
    const text = `email,name\n${rows(n)}\n`;
    expect(await countRecords(tmp.write('many.csv', Buffer.from(text)), 'csv', 'auto')).toBe(n);
    const utf16 = iconv.encode(text, 'utf16le', { addBOM: true });
    expect(utf16.length).toBeGreaterThan(3 * COUNT_CHUNK_BYTES);
    expect(await countRecords(tmp.write('many16.csv', utf16), 'csv', 'auto')).toBe(n);
  });

  it('throws a ConfigError naming a missing file', async () => {
    await expect(countRecords(join(tmp.dir, 'nope.csv'), 'csv', 'auto')).rejects.toThrow(ConfigError);
  });
});

describe('lineBreakOf', () => {
  const cases: [string, Buffer, EncodingOption, string, number, number][] = [
    // ASCII-compatible, LF
    ['lf', Buffer.from('a\nb\n'), 'auto', '0a', 1, 0],
    // CRLF is counted by its LF
    ['crlf', Buffer.from('a\r\nb\r\n'), 'auto', '0a', 1, 0],
    // a CR not followed by LF first: CR-only line ends
    ['cr', Buffer.from('a\rb\r'), 'auto', '0d', 1, 0],
    // UTF-8 BOM: three bytes that are not a line
    ['utf-8 bom', Buffer.from('\uFEFFa\n'), 'auto', '0a', 1, 3],
    // UTF-16LE BOM: two-byte units
    ['utf-16le bom', iconv.encode('a\r\n', 'utf16le', { addBOM: true }), 'auto', '0a00', 2, 2],
    // UTF-16BE BOM
    ['utf-16be bom', iconv.encode('\uFEFFa\n', 'utf16be'), 'auto', '000a', 2, 2],
    // UTF-16LE named, no BOM, CR only
    ['utf-16le cr', iconv.encode('a\rb\r', 'utf16le'), 'utf16le', '0d00', 2, 0],
    // no line break at all in the head: LF
    ['none', Buffer.from('abc'), 'gbk', '0a', 1, 0],
  ];
  it.each(cases)('%s', (_name, head, encoding, bytes, unit, bomLength) => {
    const lineBreak = lineBreakOf(head, encoding);
    expect([lineBreak.bytes.toString('hex'), lineBreak.unit, lineBreak.bomLength]).toEqual([bytes, unit, bomLength]);
  });
});
