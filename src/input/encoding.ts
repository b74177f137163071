/**
 * Text encodings of an input file: the names `--encoding` accepts (`auto`, or any encoding
 * iconv-lite knows), how they are spelled once resolved, and pure helpers over bytes (byte order
 * marks, a UTF-8 sequence cut at a chunk's end). How `auto` decides lives in `encoding-sniffer.ts`.
 */
import iconv from 'iconv-lite';
import { ConfigError } from '../errors.js';

/** The `--encoding` value that lets herald decide (a BOM; else UTF-8; else a statistical guess). */
export const AUTO_ENCODING = 'auto';

/** Encodings named in help and in the message for an unknown name; any name iconv-lite knows is accepted. */
export const EXAMPLE_ENCODINGS = ['utf8', 'gb18030', 'gbk', 'big5', 'shift_jis', 'euc-kr', 'windows-1252', 'latin1', 'utf16le'] as const;

/** An `--encoding` value: `auto`, or an encoding name iconv-lite knows (`utf8`, `gb18030`, `windows-1252` …). */
export type EncodingOption = string;

/** The encoding actually used to decode a file, in its canonical spelling (`utf8`, `utf16le`, `gb18030`, `windows-1252` …). */
export type ResolvedEncoding = string;

/** Canonical spellings of the encodings herald treats specially, by their name with case and punctuation dropped. */
const CANONICAL: Readonly<Record<string, ResolvedEncoding>> = {
  utf8: 'utf8',
  unicode11utf8: 'utf8',
  utf16le: 'utf16le',
  ucs2: 'utf16le',
  utf16be: 'utf16be',
  gbk: 'gbk',
  cp936: 'gbk',
  gb18030: 'gb18030',
  latin1: 'latin1',
  iso88591: 'latin1',
  windows1252: 'windows-1252',
  cp1252: 'windows-1252',
  shiftjis: 'shift_jis',
  sjis: 'shift_jis',
  big5: 'big5',
  euckr: 'euc-kr',
  eucjp: 'euc-jp',
};

/**
 * Checks an `--encoding` value and returns it in canonical spelling (`UTF-8` → `utf8`, `CP1252` →
 * `windows-1252`; other names lower-cased); throws ConfigError naming a few valid ones for a name
 * iconv-lite does not know.
 */
export function parseEncodingOption(value: string): EncodingOption {
  const name = value.trim().toLowerCase();
  if (name === AUTO_ENCODING) return AUTO_ENCODING;
  if (name === '' || !iconv.encodingExists(name)) {
    throw new ConfigError(`--encoding "${value}" is not an encoding herald knows; use auto or one of ${EXAMPLE_ENCODINGS.join(', ')} (any name iconv-lite knows)`);
  }
  return CANONICAL[name.replace(/[^a-z0-9]/g, '')] ?? name;
}

/** Whether an encoding's code unit is two bytes (a line break is then two bytes too). */
export function isUtf16(encoding: ResolvedEncoding): boolean {
  return encoding === 'utf16le' || encoding === 'utf16be';
}

/** The byte order marks `auto` recognises, longest first. */
const BOMS: readonly { readonly bytes: readonly number[]; readonly encoding: ResolvedEncoding }[] = [
  { bytes: [0xef, 0xbb, 0xbf], encoding: 'utf8' },
  { bytes: [0xff, 0xfe], encoding: 'utf16le' },
  { bytes: [0xfe, 0xff], encoding: 'utf16be' },
];

/** The encoding named by a byte order mark at the start of `head`, or undefined when there is none. */
export function bomEncoding(head: Uint8Array): ResolvedEncoding | undefined {
  return BOMS.find(({ bytes }) => bytes.every((byte, i) => head[i] === byte))?.encoding;
}

/** Whether `head` is too short to tell if it starts with a byte order mark. */
export function mayBeBomPrefix(head: Uint8Array): boolean {
  return head.length < 3 && BOMS.some(({ bytes }) => head.every((byte, i) => bytes[i] === byte));
}

/**
 * How many bytes at the end of `bytes` are the start of a UTF-8 sequence cut short (a lead byte
 * followed by fewer continuation bytes than it announces): 0 to 3. Used at chunk boundaries, so a
 * character split across two reads is not taken for invalid UTF-8.
 */
export function incompleteUtf8Tail(bytes: Uint8Array): number {
  const end = bytes.length;
  for (let back = 1; back <= Math.min(3, end); back++) {
    const byte = bytes[end - back] as number;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: keep looking for the lead
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return needed > back ? back : 0;
  }
  return 0;
}

/** How encodings are named to users: `UTF-8`, `GB18030`, `Windows-1252` … */
export function encodingName(encoding: ResolvedEncoding): string {
  if (encoding === 'utf8') return 'UTF-8';
  if (encoding.startsWith('utf16')) return `UTF-16${encoding.slice(5).toUpperCase()}`;
  if (encoding.startsWith('windows-')) return `Windows-${encoding.slice(8)}`;
  return encoding.toUpperCase();
}

/**
 * One line saying how an input is decoded, for `--dry-run`, and for a warning when `auto` guessed:
 * `recipients.csv is read as GB18030 (guessed from its bytes: name the encoding with --encoding if the text looks wrong)`.
 */
export function describeEncoding(label: string, choice: { readonly encoding: ResolvedEncoding; readonly guessed: boolean }): string {
  const guess = choice.guessed ? ' (guessed from its bytes: name the encoding with --encoding if the text looks wrong)' : '';
  return `${label} is read as ${encodingName(choice.encoding)}${guess}`;
}
