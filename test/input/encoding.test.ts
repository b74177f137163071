import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import {
  EncodingSniffer,
  MIN_UTF8_EVIDENCE_BYTES,
  bomEncoding,
  incompleteUtf8Tail,
  type ResolvedEncoding,
} from '../../src/input/encoding.js';

const bytes = (...values: number[]): Buffer => Buffer.from(values);
const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');
const gbk = (text: string): Buffer => iconv.encode(text, 'gbk');

describe('bomEncoding', () => {
  const cases: [string, Buffer, ResolvedEncoding | undefined][] = [
    // UTF-8 BOM, then text
    ['utf-8 bom', bytes(0xef, 0xbb, 0xbf, 0x61), 'utf8'],
    // UTF-16LE BOM (Excel "Unicode text")
    ['utf-16le bom', bytes(0xff, 0xfe, 0x61, 0x00), 'utf16le'],
    // UTF-16BE BOM
    ['utf-16be bom', bytes(0xfe, 0xff, 0x00, 0x61), 'utf16be'],
    // two of the three UTF-8 BOM bytes are no BOM
    ['cut utf-8 bom', bytes(0xef, 0xbb), undefined],
    // plain ASCII
    ['ascii', utf8('email'), undefined],
    // GBK text starts with bytes that are no BOM
    ['gbk', gbk('姓名'), undefined],
    // nothing at all
    ['empty', bytes(), undefined],
  ];
  it.each(cases)('%s', (_name, head, expected) => {
    expect(bomEncoding(head)).toBe(expected);
  });
});

describe('incompleteUtf8Tail', () => {
  const cases: [string, Buffer, number][] = [
    // ends after a whole ASCII character
    ['ascii', utf8('ab'), 0],
    // ends after a whole 3-byte character
    ['whole 中', utf8('a中'), 0],
    // 中 = e4 b8 ad cut after its lead byte
    ['中 cut after 1 byte', bytes(0x61, 0xe4), 1],
    // 中 cut after 2 of its 3 bytes
    ['中 cut after 2 bytes', bytes(0x61, 0xe4, 0xb8), 2],
    // a 4-byte emoji cut after 3 bytes
    ['emoji cut after 3 bytes', utf8('😀').subarray(0, 3), 3],
    // a whole 4-byte emoji
    ['whole emoji', utf8('😀'), 0],
    // é = c3 a9 cut after its lead byte
    ['é cut after 1 byte', bytes(0xc3), 1],
    // GBK 中 = d6 d0: d0 looks like a 2-byte lead, so one byte is held back (then proves invalid)
    ['gbk 中', gbk('中'), 1],
    // continuation bytes with no lead in reach are not a cut sequence
    ['stray continuations', bytes(0x80, 0x80, 0x80, 0x80), 0],
    // empty input
    ['empty', bytes(), 0],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(incompleteUtf8Tail(input)).toBe(expected);
  });
});

/** Feeds chunks to a fresh sniffer; returns the first decision, or end()'s. */
function sniff(chunks: Buffer[]): { encoding: ResolvedEncoding; atChunk: number | 'end' } {
  const sniffer = new EncodingSniffer();
  for (const [i, chunk] of chunks.entries()) {
    const decided = sniffer.push(chunk);
    if (decided !== undefined) return { encoding: decided, atChunk: i };
  }
  return { encoding: sniffer.end(), atChunk: 'end' };
}

describe('EncodingSniffer', () => {
  const chineseNames = '张三,李四,王五,赵六,孙七,周八';
  const utf8Names = utf8(chineseNames);
  const gbkNames = gbk(chineseNames);
  const cases: [string, Buffer[], ResolvedEncoding, number | 'end'][] = [
    // a UTF-8 BOM decides on the first chunk
    ['utf-8 bom', [bytes(0xef, 0xbb, 0xbf, 0x61)], 'utf8', 0],
    // a BOM split across chunks is still a BOM
    ['utf-16le bom split', [bytes(0xff), bytes(0xfe, 0x61, 0x00)], 'utf16le', 1],
    // a UTF-8 BOM split after two bytes
    ['utf-8 bom split', [bytes(0xef, 0xbb), bytes(0xbf, 0x61)], 'utf8', 1],
    // all ASCII: only the end can decide, and it is UTF-8
    ['ascii only', [utf8('email\n'), utf8('a@b.c\n')], 'utf8', 'end'],
    // GBK bytes are invalid UTF-8: GB18030 at the first non-ASCII chunk
    ['gbk after ascii', [utf8('name\n'), gbkNames], 'gb18030', 1],
    // enough valid UTF-8 Chinese decides UTF-8 at once
    ['utf-8 chinese', [utf8('name\n'), utf8Names], 'utf8', 1],
    // a 3-byte character cut between chunks is not taken for invalid UTF-8
    ['utf-8 cut in a character', [Buffer.concat([utf8('x'), utf8Names.subarray(0, 4)]), utf8Names.subarray(4)], 'utf8', 1],
    // GBK 中 (d6 d0) cut after d6, which looks like a UTF-8 lead: held back, then found invalid
    ['gbk cut in a character', [bytes(0x61, 0xd6), Buffer.concat([bytes(0xd0), gbkNames])], 'gb18030', 1],
    // one valid UTF-8 character is too little evidence: wait for more (the end here)
    ['one utf-8 character', [utf8('name\n中\n'), utf8('a\n')], 'utf8', 'end'],
    // GBK 隆 (c2 a1) happens to be valid UTF-8: too little evidence, so reading goes on
    ['gbk 隆 valid as utf-8, then gbk', [Buffer.concat([utf8('a,'), gbk('隆'), utf8('\n')]), gbkNames], 'gb18030', 1],
    // a file that ends inside a UTF-8 sequence is not UTF-8
    ['truncated utf-8 at end', [bytes(0x61, 0xe4, 0xb8)], 'gb18030', 'end'],
    // an empty input is UTF-8
    ['empty', [], 'utf8', 'end'],
  ];
  it.each(cases)('%s', (_name, chunks, encoding, atChunk) => {
    expect(sniff(chunks)).toEqual({ encoding, atChunk });
  });

  it('needs MIN_UTF8_EVIDENCE_BYTES of non-ASCII before settling on UTF-8', () => {
    const sniffer = new EncodingSniffer();
    expect(sniffer.push(utf8('é'.repeat(MIN_UTF8_EVIDENCE_BYTES / 2 - 1)))).toBeUndefined();
    expect(sniffer.push(utf8('é'))).toBe('utf8');
  });
});
