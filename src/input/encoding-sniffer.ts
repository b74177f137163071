/**
 * How `--encoding auto` decides, from the first bytes of an input: a byte order mark decides; else
 * text whose lines are valid UTF-8 is UTF-8 (also when a few lines are not: those rows are then
 * recorded `invalid`, naming their bytes); else a legacy encoding, GB18030 unless the statistical
 * detector is sure of another (see `legacy-encoding.ts`). Pure: the reading lives in `sniff-source.ts`.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import { bomEncoding, incompleteUtf8Tail, mayBeBomPrefix, type ResolvedEncoding } from './encoding.js';
import { chooseLegacyEncoding } from './legacy-encoding.js';

/**
 * Non-ASCII bytes that must be seen in valid UTF-8 lines, with no other line yet, before `auto`
 * settles on UTF-8. One GBK character is valid UTF-8 by chance about one time in ten; eight in a
 * row, almost never.
 */
export const MIN_UTF8_EVIDENCE_BYTES = 16;

/**
 * A text with lines that are not UTF-8 is still read as UTF-8 when its valid UTF-8 lines (with
 * non-ASCII text) are at least this many times as many: a UTF-8 file with a few rows pasted from
 * elsewhere. (A GBK file's lines are almost never valid UTF-8 by chance.)
 */
export const MOSTLY_UTF8_RATIO = 2;

/** Bytes of lines that are not UTF-8 gathered (the detector's sample) before deciding what the file is. */
export const LEGACY_SAMPLE_BYTES = 64 * 1024;

/** Longest line judged whole; a longer one is judged in pieces of this size. */
const SNIFF_LINE_BYTES = 64 * 1024;

/** The encoding `auto` chose, and whether that was a guess (statistics, rather than a BOM or valid UTF-8). */
export interface EncodingChoice {
  readonly encoding: ResolvedEncoding;
  readonly guessed: boolean;
}

const EMPTY = Buffer.alloc(0);

/**
 * Decides `auto` from the chunks of an input, fed in order: `push()` returns the choice once the
 * bytes settle it, `end()` decides with what was seen (at the end of the input, or when no more may
 * be read). Keeps at most one line and the legacy sample between calls.
 */
export class EncodingSniffer {
  private head: Uint8Array = EMPTY;
  private headDone = false;
  /** The last line so far, not ended yet. */
  private carry: Buffer = EMPTY;
  private utf8Evidence = 0;
  private utf8Lines = 0;
  private otherLines = 0;
  private readonly sample: Buffer[] = [];
  private sampleBytes = 0;
  private decided: EncodingChoice | undefined;

  /** Feeds the next chunk; returns the choice once made (and keeps returning it). */
  push(chunk: Uint8Array): EncodingChoice | undefined {
    if (this.decided !== undefined) return this.decided;
    if (!this.headDone) {
      const head = concat(this.head, chunk);
      if (mayBeBomPrefix(head)) {
        this.head = head;
        return undefined;
      }
      this.headDone = true;
      this.head = EMPTY;
      const bom = bomEncoding(head);
      if (bom !== undefined) return (this.decided = { encoding: bom, guessed: false });
      chunk = head;
    }
    this.scan(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    if (this.otherLines === 0 && this.utf8Evidence >= MIN_UTF8_EVIDENCE_BYTES) {
      this.decided = { encoding: 'utf8', guessed: false };
    } else if (this.otherLines > 0 && this.sampleBytes >= LEGACY_SAMPLE_BYTES) {
      this.decided = this.decide();
    }
    return this.decided;
  }

  /** Decides with the bytes seen so far: at the end of the input, or when no more may be read. */
  end(): EncodingChoice {
    if (this.decided !== undefined) return this.decided;
    if (!this.headDone) {
      const bom = bomEncoding(this.head);
      if (bom !== undefined) return (this.decided = { encoding: bom, guessed: false });
      this.carry = Buffer.from(this.head);
    }
    this.line(this.carry);
    this.carry = EMPTY;
    return (this.decided = this.decide());
  }

  /** The choice from the lines seen: UTF-8 when none (or few) are not UTF-8, else a legacy encoding. */
  private decide(): EncodingChoice {
    if (this.otherLines === 0) return { encoding: 'utf8', guessed: false };
    if (this.utf8Lines >= MOSTLY_UTF8_RATIO * this.otherLines) return { encoding: 'utf8', guessed: true };
    // GB18030 is the documented default for bytes that are not UTF-8 (Chinese Excel exports):
    // only another encoding chosen by statistics is a guess worth a warning.
    const encoding = chooseLegacyEncoding(Buffer.concat(this.sample));
    return { encoding, guessed: encoding !== 'gb18030' };
  }

  /** Splits a chunk into lines, judging each complete one; the last, unfinished, is carried. */
  private scan(chunk: Buffer): void {
    if (this.carry.length === 0 && isAscii(chunk)) {
      // Nothing to judge here: only the unfinished last line is kept (copied: the caller reuses its buffer).
      const last = chunk.lastIndexOf(0x0a);
      this.extend(last === -1 ? chunk : chunk.subarray(last + 1));
      return;
    }
    let start = 0;
    for (let end = chunk.indexOf(0x0a); end !== -1; end = chunk.indexOf(0x0a, start)) {
      const piece = chunk.subarray(start, end);
      this.line(this.carry.length === 0 ? piece : Buffer.concat([this.carry, piece]));
      this.carry = EMPTY;
      start = end + 1;
    }
    this.extend(chunk.subarray(start));
  }

  /** Adds bytes to the unfinished line; a line grown past SNIFF_LINE_BYTES is judged in pieces. */
  private extend(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.carry = Buffer.concat([this.carry, bytes]);
    if (this.carry.length <= SNIFF_LINE_BYTES) return;
    const cut = this.carry.length - incompleteUtf8Tail(this.carry);
    this.line(this.carry.subarray(0, cut));
    this.carry = Buffer.from(this.carry.subarray(cut));
  }

  /** Judges one line: nothing to learn from ASCII; else valid UTF-8, or not (and kept in the sample). */
  private line(bytes: Buffer): void {
    if (isAscii(bytes)) return;
    if (isUtf8(bytes)) {
      this.utf8Lines++;
      for (const byte of bytes) if (byte >= 0x80) this.utf8Evidence++;
      return;
    }
    this.otherLines++;
    if (this.sampleBytes < LEGACY_SAMPLE_BYTES) {
      this.sample.push(Buffer.from(bytes), NEWLINE);
      this.sampleBytes += bytes.length + 1;
    }
  }
}

const NEWLINE = Buffer.from('\n');

/** Joins two byte arrays (the held head and a chunk). */
function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a, 0);
  joined.set(b, a.length);
  return joined;
}
