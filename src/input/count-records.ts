/**
 * A fast, approximate count of a file's records, for a progress bar's total: line breaks counted
 * in the raw bytes without decoding (UTF-8 and GB18030 never use the bytes 0x0A or 0x0D inside a
 * character; in UTF-16 a line break is two bytes at an even offset), less the CSV/TSV header.
 * Quoted fields that span lines and blank lines make it count high.
 */
import type { FileHandle } from 'node:fs/promises';
import { bomEncoding, type EncodingOption, type ResolvedEncoding } from './encoding.js';
import type { InputFormat } from './format.js';
import { openInputFile } from './open-source.js';

/** Bytes per read while counting: large, since nothing is kept. */
export const COUNT_CHUNK_BYTES = 1024 * 1024;

/** Bytes at the start of the file that decide the byte order and the line-break character. */
const HEAD_BYTES = 64 * 1024;

/** What a line break looks like in a file's raw bytes. */
interface LineBreak {
  readonly bytes: Buffer;
  /** Code unit size: a match counts only at an offset that is a multiple of it. */
  readonly unit: 1 | 2;
  /** Length of the byte order mark the file starts with (0 when none). */
  readonly bomLength: number;
}

/** Counts the records of the file at `path` (approximately); throws ConfigError if it cannot be read. */
export async function countRecords(
  path: string,
  format: InputFormat,
  encoding: EncodingOption | ResolvedEncoding,
): Promise<number> {
  const { handle } = await openInputFile(path);
  try {
    const head = Buffer.allocUnsafe(HEAD_BYTES);
    const { bytesRead } = await handle.read(head, 0, HEAD_BYTES, 0);
    const lines = await countLines(handle, lineBreakOf(head.subarray(0, bytesRead), encoding));
    return Math.max(0, format === 'jsonl' ? lines : lines - 1);
  } finally {
    await handle.close();
  }
}

/**
 * How line breaks look in a file, from its first bytes: the byte order (given, or from a BOM
 * under `auto`), and LF, or CR alone when the first line break is a CR not followed by LF.
 */
export function lineBreakOf(head: Buffer, encoding: EncodingOption | ResolvedEncoding): LineBreak {
  const bom = bomEncoding(head);
  const resolved = encoding === 'auto' ? bom : encoding;
  const bomLength = bom !== undefined && bom === resolved ? (bom === 'utf8' ? 3 : 2) : 0;
  const encode = (char: number): Buffer =>
    resolved === 'utf16le' ? Buffer.from([char, 0]) : resolved === 'utf16be' ? Buffer.from([0, char]) : Buffer.from([char]);
  const unit = resolved === 'utf16le' || resolved === 'utf16be' ? 2 : 1;
  const lf = encode(0x0a);
  const cr = encode(0x0d);
  const firstCr = findAligned(head, cr, unit);
  const firstLf = findAligned(head, lf, unit);
  const crOnly = firstCr !== -1 && (firstLf === -1 || firstLf > firstCr + unit);
  return { bytes: crOnly ? cr : lf, unit, bomLength };
}

/** The first offset of `needle` in `bytes` that is a multiple of `unit`, or -1. */
function findAligned(bytes: Buffer, needle: Buffer, unit: number): number {
  for (let at = bytes.indexOf(needle); at !== -1; at = bytes.indexOf(needle, at + 1)) {
    if (at % unit === 0) return at;
  }
  return -1;
}

/** Counts the lines of an open file: its line breaks, plus a last line that lacks one. */
async function countLines(handle: FileHandle, lineBreak: LineBreak): Promise<number> {
  const { bytes: needle, unit } = lineBreak;
  const carry = needle.length - 1;
  const buffer = Buffer.allocUnsafe(carry + COUNT_CHUNK_BYTES);
  let count = 0;
  let position = 0;
  let lastBreakEnd = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, carry, COUNT_CHUNK_BYTES, position);
    if (bytesRead === 0) break;
    // view[carry + i] is the byte at file offset position + i; the carry bytes before it repeat
    // the end of the previous chunk, so a two-byte line break split between reads is still found.
    const view = buffer.subarray(0, carry + bytesRead);
    const base = position - carry;
    for (let at = view.indexOf(needle); at !== -1; at = view.indexOf(needle, at + 1)) {
      const offset = base + at;
      if (offset >= 0 && offset % unit === 0) {
        count++;
        lastBreakEnd = offset + needle.length;
      }
    }
    buffer.copyWithin(0, view.length - carry, view.length);
    position += bytesRead;
  }
  return position > Math.max(lastBreakEnd, lineBreak.bomLength) ? count + 1 : count;
}
