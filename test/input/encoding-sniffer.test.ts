import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { EncodingSniffer, MIN_UTF8_EVIDENCE_BYTES, type EncodingChoice } from '../../src/input/encoding-sniffer.js';

const bytes = (...values: number[]): Buffer => Buffer.from(values);
const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');
const gbk = (text: string): Buffer => iconv.encode(text, 'gbk');

/** Feeds chunks to a fresh sniffer; returns the first decision, or end()'s. */
function sniff(chunks: Buffer[]): EncodingChoice & { atChunk: number | 'end' } {
  const sniffer = new EncodingSniffer();
  for (const [i, chunk] of chunks.entries()) {
    const decided = sniffer.push(chunk);
    if (decided !== undefined) return { ...decided, atChunk: i };
  }
  return { ...sniffer.end(), atChunk: 'end' };
}

describe('EncodingSniffer', () => {
  const names = '张三,李四,王五,赵六,孙七,周八\n';
  const cases: [string, Buffer[], string, boolean, number | 'end'][] = [
    // a UTF-8 BOM decides on the first chunk, no guess
    ['utf-8 bom', [bytes(0xef, 0xbb, 0xbf, 0x61)], 'utf8', false, 0],
    // a BOM split across chunks is still a BOM
    ['utf-16le bom split', [bytes(0xff), bytes(0xfe, 0x61, 0x00)], 'utf16le', false, 1],
    ['utf-8 bom split', [bytes(0xef, 0xbb), bytes(0xbf, 0x61)], 'utf8', false, 1],
    // all ASCII: only the end can decide, and it is UTF-8
    ['ascii only', [utf8('email\n'), utf8('a@b.c\n')], 'utf8', false, 'end'],
    // enough valid UTF-8 Chinese in whole lines decides UTF-8 at once
    ['utf-8 chinese', [utf8('name\n'), utf8(names)], 'utf8', false, 1],
    // a line cut between chunks (inside a character) is judged once whole
    ['utf-8 cut in a character', [utf8(names).subarray(0, 4), utf8(names).subarray(4)], 'utf8', false, 1],
    // GBK lines: not UTF-8; judged at the end of a short input: GB18030, the documented default (no warning)
    ['gbk', [utf8('name\n'), gbk(names)], 'gb18030', false, 'end'],
    // GBK 隆 (C2 A1) happens to be valid UTF-8: one such line does not outweigh a GBK line
    ['gbk 隆 valid as utf-8, then gbk', [Buffer.concat([utf8('a,'), gbk('隆'), utf8('\n')]), gbk(names)], 'gb18030', false, 'end'],
    // one valid UTF-8 character is too little evidence to decide early; the end says UTF-8
    ['one utf-8 character', [utf8('name\n中\n'), utf8('a\n')], 'utf8', false, 'end'],
    // a UTF-8 file whose first non-ASCII row is GBK: mostly UTF-8, so UTF-8 (a guess; that row is invalid later)
    ['one gbk row first, then utf-8', [gbk('u0,张伟\n'), utf8('u1,李娜\nu2,王芳\nu3,赵六\n')], 'utf8', true, 'end'],
    // Windows-1252 names (what Excel writes in Western locales) are not read as GB18030
    ['windows-1252', [iconv.encode('email,name\nzoe@example.com,Zoë Müller\n', 'windows-1252')], 'windows-1252', true, 'end'],
    // an input that ends inside a UTF-8 sequence is not UTF-8
    ['truncated utf-8 at end', [bytes(0x61, 0xe4, 0xb8)], 'gb18030', false, 'end'],
    // an empty input is UTF-8
    ['empty', [], 'utf8', false, 'end'],
  ];
  it.each(cases)('%s', (_name, chunks, encoding, guessed, atChunk) => {
    expect(sniff(chunks)).toEqual({ encoding, guessed, atChunk });
  });

  it('needs MIN_UTF8_EVIDENCE_BYTES of non-ASCII in valid lines before settling on UTF-8', () => {
    const sniffer = new EncodingSniffer();
    expect(sniffer.push(utf8(`${'é'.repeat(MIN_UTF8_EVIDENCE_BYTES / 2 - 1)}\n`))).toBeUndefined();
    expect(sniffer.push(utf8('é\n'))).toEqual({ encoding: 'utf8', guessed: false });
  });

  it('decides a GBK input once it has a full sample, without reading to its end', () => {
    const sniffer = new EncodingSniffer();
    const chunk = gbk('u@example.com,张伟,北京\n'.repeat(1000));
    let decided: EncodingChoice | undefined;
    for (let i = 0; i < 10 && decided === undefined; i++) decided = sniffer.push(chunk);
    expect(decided).toEqual({ encoding: 'gb18030', guessed: false });
  });
});
