/**
 * Text encodings of an input file and how `--encoding auto` picks one: a byte order mark decides;
 * else bytes that are valid UTF-8 are UTF-8; else GB18030 (a superset of GBK, what Excel in China
 * writes). Pure functions over bytes: the reading lives in `sniff-source.ts`.
 */
import { isAscii, isUtf8 } from 'node:buffer';

/** The values `--encoding` accepts. */
export const ENCODING_OPTIONS = ['auto', 'utf8', 'gbk', 'gb18030', 'utf16le'] as const;

/** An `--encoding` value. */
export type EncodingOption = (typeof ENCODING_OPTIONS)[number];

/** The encoding actually used to decode a file (`auto` resolved; UTF-16BE only from its BOM). */
export type ResolvedEncoding = Exclude<EncodingOption, 'auto'> | 'utf16be';

/**
 * Non-ASCII bytes that must be seen, all valid UTF-8, before `auto` settles on UTF-8. One GBK
 * character is valid UTF-8 by chance about one time in ten; eight in a row, almost never.
 */
export const MIN_UTF8_EVIDENCE_BYTES = 16;

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

/** Counts the bytes of `bytes` that are not ASCII. */
function countNonAscii(bytes: Uint8Array): number {
  let count = 0;
  for (const byte of bytes) if (byte >= 0x80) count++;
  return count;
}

/**
 * Decides `auto` from the first chunks of a file, fed in order: `push()` returns the encoding
 * once the bytes settle it (a BOM; invalid UTF-8; enough valid non-ASCII bytes), `end()` decides
 * with what was seen (all ASCII or too little evidence: UTF-8). Keeps at most 3 bytes between calls.
 */
export class EncodingSniffer {
  private head: Uint8Array = new Uint8Array(0);
  private headDone = false;
  private carry: Uint8Array = new Uint8Array(0);
  private evidence = 0;
  private decided: ResolvedEncoding | undefined;

  /** Feeds the next chunk; returns the encoding once decided (and keeps returning it). */
  push(chunk: Uint8Array): ResolvedEncoding | undefined {
    if (this.decided !== undefined) return this.decided;
    if (!this.headDone) {
      const head = concat(this.head, chunk);
      if (mayBeBomPrefix(head)) {
        this.head = head;
        return undefined;
      }
      this.headDone = true;
      this.head = new Uint8Array(0);
      this.decided = bomEncoding(head);
      if (this.decided !== undefined) return this.decided;
      chunk = head;
    }
    if (this.carry.length === 0 && isAscii(chunk)) return undefined;
    const bytes = concat(this.carry, chunk);
    const tail = incompleteUtf8Tail(bytes);
    const whole = bytes.subarray(0, bytes.length - tail);
    this.carry = bytes.slice(bytes.length - tail);
    if (!isUtf8(whole)) return (this.decided = 'gb18030');
    this.evidence += countNonAscii(whole);
    if (this.evidence >= MIN_UTF8_EVIDENCE_BYTES) this.decided = 'utf8';
    return this.decided;
  }

  /** Decides with the bytes seen so far: at the end of the input, or when no more may be read. */
  end(): ResolvedEncoding {
    if (this.decided !== undefined) return this.decided;
    const rest = this.headDone ? this.carry : this.head;
    const bom = this.headDone ? undefined : bomEncoding(rest);
    this.decided = bom ?? (rest.length === 0 || isUtf8(rest) ? 'utf8' : 'gb18030');
    return this.decided;
  }
}

/** Joins two byte arrays (the small carried tail and a chunk). */
function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a, 0);
  joined.set(b, a.length);
  return joined;
}
