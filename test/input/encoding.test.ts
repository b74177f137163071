import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { bomEncoding, describeEncoding, incompleteUtf8Tail, parseEncodingOption, type ResolvedEncoding } from '../../src/input/encoding.js';

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

describe('parseEncodingOption', () => {
  const cases: [string, string][] = [
    // auto, in any case
    ['AUTO', 'auto'],
    // the usual spellings of UTF-8 end up as utf8 (the fast path that skips decoding)
    ['UTF-8', 'utf8'],
    // Windows code page names and their aliases
    ['CP1252', 'windows-1252'],
    ['Windows-1252', 'windows-1252'],
    // GBK's code page
    ['cp936', 'gbk'],
    // Japanese and Korean
    ['Shift_JIS', 'shift_jis'],
    ['EUC-KR', 'euc-kr'],
    // UTF-16 little-endian, as Excel's "Unicode text"
    ['UTF-16LE', 'utf16le'],
    // a name iconv-lite knows that needs no canonical spelling: lower-cased
    ['KOI8-R', 'koi8-r'],
  ];
  it.each(cases)('%s -> %s', (given, expected) => {
    expect(parseEncodingOption(given)).toBe(expected);
  });

  it.each(['latin-42', '', 'utf9'])('refuses %j with a ConfigError listing valid names', (given) => {
    expect(() => parseEncodingOption(given)).toThrow(ConfigError);
    expect(() => parseEncodingOption(given)).toThrow(/use auto or one of utf8, gb18030, gbk, big5, shift_jis, euc-kr, windows-1252, latin1, utf16le/);
  });
});

describe('describeEncoding', () => {
  it('names the encoding as users know it, and says when it was a guess', () => {
    expect(describeEncoding('list.csv', { encoding: 'utf8', guessed: false })).toBe('list.csv is read as UTF-8');
    expect(describeEncoding('list.csv', { encoding: 'utf16le', guessed: false })).toBe('list.csv is read as UTF-16LE');
    expect(describeEncoding('list.csv', { encoding: 'gb18030', guessed: true })).toBe(
      'list.csv is read as GB18030 (guessed from its bytes: name the encoding with --encoding if the text looks wrong)',
    );
    expect(describeEncoding('stdin', { encoding: 'windows-1252', guessed: true })).toMatch(/^stdin is read as Windows-1252 \(guessed/);
    expect(describeEncoding('a.csv', { encoding: 'shift_jis', guessed: false })).toBe('a.csv is read as SHIFT_JIS');
  });
});
