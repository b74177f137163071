/**
 * Finds bytes that are not UTF-8 in an input read as UTF-8, so the rows holding them are recorded
 * `invalid` naming the bytes, instead of being sent with U+FFFD in place of the user's text. The
 * common case costs one native `isUtf8` per chunk; only a chunk that fails it is walked byte by byte.
 */
import { isUtf8 } from 'node:buffer';
import { incompleteUtf8Tail } from './encoding.js';

/** Bytes that are not UTF-8, at an offset of the input. */
export interface BadRun {
  /** Offset of the first byte in the whole input. */
  readonly offset: number;
  /** How many bytes. */
  readonly length: number;
  /** The bytes in hex, `D5 C5`. */
  readonly hex: string;
}

/** Most bad bytes a reason spells out; the rest are summed up as "…". */
const HEX_SHOWN = 16;

/**
 * The runs of `bytes` that are not UTF-8, adjacent ones merged; offsets relative to `bytes`. A
 * sequence is broken where WHATWG decoding would put U+FFFD (overlong forms and surrogates included).
 */
export function invalidUtf8Runs(bytes: Uint8Array): { offset: number; length: number }[] {
  const runs: { offset: number; length: number }[] = [];
  const add = (offset: number, length: number): void => {
    const last = runs.at(-1);
    if (last !== undefined && last.offset + last.length === offset) last.length += length;
    else runs.push({ offset, length });
  };
  for (let i = 0; i < bytes.length; ) {
    const lead = bytes[i] as number;
    if (lead < 0x80) {
      i++;
      continue;
    }
    const need = lead >= 0xc2 && lead <= 0xdf ? 1 : lead >= 0xe0 && lead <= 0xef ? 2 : lead >= 0xf0 && lead <= 0xf4 ? 3 : 0;
    // The second byte's range is narrower after E0, ED, F0 and F4 (no overlong forms, no surrogates).
    const low = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80;
    const high = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf;
    let taken = 1;
    while (taken <= need) {
      const next = bytes[i + taken];
      const [min, max] = taken === 1 ? [low, high] : [0x80, 0xbf];
      if (next === undefined || next < min || next > max) break;
      taken++;
    }
    if (need > 0 && taken > need) {
      i += taken;
      continue;
    }
    add(i, taken);
    i += taken;
  }
  return runs;
}

/** Bytes as hex pairs: `D5 C5 C8 FD`. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).toUpperCase().padStart(2, '0')).join(' ');
}

/** The reason for a record or line holding bad bytes, naming them (runs that touch joined; the first HEX_SHOWN bytes). */
export function notUtf8Reason(runs: readonly BadRun[]): string {
  const parts: string[] = [];
  let shown = 0;
  let end = -1;
  for (const run of runs) {
    if (shown >= HEX_SHOWN) {
      parts.push('…');
      break;
    }
    if (run.offset === end) parts[parts.length - 1] += ` ${run.hex}`;
    else parts.push(run.hex);
    end = run.offset + run.length;
    shown += run.length;
  }
  return `bytes that are not UTF-8: ${parts.join(', ')} (is the file in another encoding? name it with --encoding)`;
}

/** The bad runs of one whole piece of bytes (a line), offsets from 0; empty when it is UTF-8. */
export function badRunsOf(bytes: Uint8Array): BadRun[] {
  if (isUtf8(bytes)) return [];
  return invalidUtf8Runs(bytes).map(({ offset, length }) => ({ offset, length, hex: toHex(bytes.subarray(offset, offset + length)) }));
}

/**
 * Checks a byte stream chunk by chunk. A character cut between two chunks is held back (at most 3
 * bytes) and checked with the next; `end()` reports one cut short by the end of the input.
 */
export class Utf8Checker {
  private carry: Buffer = Buffer.alloc(0);
  private offset = 0;

  /** Checks the next chunk; returns its bad runs (absolute offsets), usually none. */
  check(chunk: Buffer): BadRun[] {
    const start = this.offset - this.carry.length;
    const bytes = this.carry.length === 0 ? chunk : Buffer.concat([this.carry, chunk]);
    this.offset += chunk.length;
    const tail = incompleteUtf8Tail(bytes);
    const body = bytes.subarray(0, bytes.length - tail);
    this.carry = tail === 0 ? Buffer.alloc(0) : Buffer.from(bytes.subarray(bytes.length - tail));
    return isUtf8(body) ? [] : badRunsOf(body).map((run) => ({ ...run, offset: start + run.offset }));
  }

  /** The end of the input: a character cut short there is bad. */
  end(): BadRun[] {
    const { length } = this.carry;
    const runs = length === 0 ? [] : [{ offset: this.offset - length, length, hex: toHex(this.carry) }];
    this.carry = Buffer.alloc(0);
    return runs;
  }
}
