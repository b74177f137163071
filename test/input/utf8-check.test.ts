import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { invalidUtf8Runs, notUtf8Reason, toHex, Utf8Checker } from '../../src/input/utf8-check.js';
import { readInput } from './helpers.js';
import { Readable } from 'node:stream';

const bytes = (...values: number[]): Buffer => Buffer.from(values);

describe('invalidUtf8Runs', () => {
  const cases: [string, Buffer, { offset: number; length: number }[]][] = [
    // ASCII and valid multi-byte text: nothing
    ['valid', Buffer.from('a中é😀'), []],
    // GBK 张 (D5 C5): D5 announces two bytes, C5 is no continuation; then C5 alone announces two
    ['gbk 张', bytes(0x61, 0xd5, 0xc5, 0x62), [{ offset: 1, length: 2 }]],
    // a lead cut short by ASCII keeps its maximal subpart (E4 B8) as one run
    ['cut 中', bytes(0xe4, 0xb8, 0x61), [{ offset: 0, length: 2 }]],
    // overlong encodings (C0 80) and surrogates (ED A0 80) are not UTF-8
    ['overlong', bytes(0xc0, 0x80), [{ offset: 0, length: 2 }]],
    ['surrogate', bytes(0x61, 0xed, 0xa0, 0x80), [{ offset: 1, length: 3 }]],
    // a stray continuation byte, and bytes never used in UTF-8
    ['stray', bytes(0x80, 0x61, 0xff), [{ offset: 0, length: 1 }, { offset: 2, length: 1 }]],
    // a NUL byte is valid UTF-8 (it is a character)
    ['nul', bytes(0x61, 0x00), []],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(invalidUtf8Runs(input)).toEqual(expected);
  });
});

describe('notUtf8Reason', () => {
  it('names the bytes in hex, joins runs that touch, and cuts a long list', () => {
    const runs = [{ offset: 0, length: 2, hex: 'D5 C5' }, { offset: 2, length: 1, hex: 'C8' }, { offset: 9, length: 1, hex: 'FF' }];
    expect(notUtf8Reason(runs)).toBe('bytes that are not UTF-8: D5 C5 C8, FF (is the file in another encoding? name it with --encoding)');
    const many = Array.from({ length: 20 }, (_, i) => ({ offset: i * 4, length: 1, hex: 'FF' }));
    expect(notUtf8Reason(many)).toMatch(/^bytes that are not UTF-8: (FF, ){16}… \(/);
  });
});

describe('Utf8Checker', () => {
  it('holds a character cut between chunks and checks it with the next', () => {
    const checker = new Utf8Checker();
    const text = Buffer.from('ab中cd');
    expect(checker.check(text.subarray(0, 3))).toEqual([]);
    expect(checker.check(text.subarray(3))).toEqual([]);
    expect(checker.end()).toEqual([]);
  });

  it('reports bad bytes at their offset in the whole input, across chunks and at the end', () => {
    const checker = new Utf8Checker();
    expect(checker.check(bytes(0x61, 0x62, 0xd5))).toEqual([]);
    expect(checker.check(bytes(0xc5, 0x63))).toEqual([{ offset: 2, length: 2, hex: 'D5 C5' }]);
    expect(checker.check(bytes(0x64, 0xe4, 0xb8))).toEqual([]);
    expect(checker.end()).toEqual([{ offset: 6, length: 2, hex: 'E4 B8' }]);
    expect(toHex(bytes(0x0a, 0xff))).toBe('0A FF');
  });
});

describe('CSV rows with bytes that are not UTF-8', () => {
  it('in a UTF-8 file (auto), each such row is malformed naming its bytes; the others read as UTF-8, whatever the chunk size', async () => {
    const text = Buffer.concat([
      Buffer.from('email,name\nli@example.com,李娜\nwang@example.com,王芳\nzhao@example.com,赵六\nzhang@example.com,'),
      iconv.encode('张三', 'gbk'),
      Buffer.from('\njose@example.com,José\nbad@example.com,\xff'.replace('\xff', ''), 'utf8'),
      bytes(0xff),
      Buffer.from('\n'),
    ]);
    for (const size of [text.length, 5, 1]) {
      const chunks: Buffer[] = [];
      for (let at = 0; at < text.length; at += size) chunks.push(text.subarray(at, at + size));
      const { input, items } = await readInput({ path: '-', format: 'csv', stdin: Readable.from(chunks, { objectMode: false }) });
      expect(input.encoding).toBe('utf8');
      expect(items.map((item) => [item.kind, item.line, item.sourceLine, 'reason' in item ? item.reason.slice(0, 40) : item.fields['name']])).toEqual([
        ['row', 1, 2, '李娜'],
        ['row', 2, 3, '王芳'],
        ['row', 3, 4, '赵六'],
        ['malformed', 4, 5, 'bytes that are not UTF-8: D5 C5 C8 FD (i'],
        ['row', 5, 6, 'José'],
        ['malformed', 6, 7, 'bytes that are not UTF-8: FF (is the fil'],
      ]);
    }
  });
});
