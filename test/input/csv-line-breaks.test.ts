/**
 * Line breaks in CSV: CRLF, LF and CR each end a record, mixed in one file (rows appended by hand
 * or by another tool), CRLF inside quoted values is kept, and line numbers stay right. Fed from a
 * stdin stand-in in small chunks too, so a CRLF split between two chunks is covered.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { InputItem } from '../../src/input/row.js';
import { readInput } from './helpers.js';

/** A stdin stand-in that delivers `text` in chunks of `size` bytes. */
function chunked(text: string, size: number): Readable {
  const bytes = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  return Readable.from(chunks, { objectMode: false });
}

/** [email, name, line, sourceLine] of each item, for compact comparisons. */
function summary(items: InputItem[]): unknown[] {
  return items.map((item) => [item.kind, item.fields['email'], item.fields['name'], item.line, item.sourceLine]);
}

describe('CSV line breaks', () => {
  const cases: [string, string, unknown[]][] = [
    [
      // a CRLF file (Excel) with LF rows appended by hand: every row is read, none merged
      'crlf then lf',
      'email,name\r\na@b.c,Ann\r\nb@b.c,Bob\nc@b.c,Cid\n',
      [['row', 'a@b.c', 'Ann', 1, 2], ['row', 'b@b.c', 'Bob', 2, 3], ['row', 'c@b.c', 'Cid', 3, 4]],
    ],
    [
      // an LF file with CRLF rows appended: no \r left at the end of a value
      'lf then crlf',
      'email,name\na@b.c,Ann\nb@b.c,Bob\r\nc@b.c,Cid\r\n',
      [['row', 'a@b.c', 'Ann', 1, 2], ['row', 'b@b.c', 'Bob', 2, 3], ['row', 'c@b.c', 'Cid', 3, 4]],
    ],
    [
      // old Mac line ends (CR alone), then LF
      'cr then lf',
      'email,name\ra@b.c,Ann\rb@b.c,Bob\nc@b.c,Cid',
      [['row', 'a@b.c', 'Ann', 1, 2], ['row', 'b@b.c', 'Bob', 2, 3], ['row', 'c@b.c', 'Cid', 3, 4]],
    ],
    [
      // CRLF inside a quoted value is kept; the record spans two lines, and counts as two
      'crlf in quotes',
      'email,name\na@b.c,"Ann\r\nSmith"\nb@b.c,Bob\r\n',
      [['row', 'a@b.c', 'Ann\r\nSmith', 1, 2], ['row', 'b@b.c', 'Bob', 2, 4]],
    ],
    [
      // blank lines of each kind between rows are skipped and counted
      'blank lines',
      'email,name\r\n\r\na@b.c,Ann\n\nb@b.c,Bob\r\r\nc@b.c,Cid\n',
      [['row', 'a@b.c', 'Ann', 1, 3], ['row', 'b@b.c', 'Bob', 2, 5], ['row', 'c@b.c', 'Cid', 3, 7]],
    ],
  ];

  it.each(cases)('%s (one chunk)', async (_name, text, expected) => {
    const { items } = await readInput({ path: '-', format: 'csv', encoding: 'utf8', stdin: chunked(text, 1 << 20) });
    expect(summary(items)).toEqual(expected);
  });

  it.each(cases)('%s (chunks of 1, 2 and 3 bytes give the same)', async (_name, text, expected) => {
    for (const size of [1, 2, 3]) {
      const { items } = await readInput({ path: '-', format: 'csv', encoding: 'utf8', stdin: chunked(text, size) });
      expect(summary(items)).toEqual(expected);
    }
  });

  it('keeps the header clean when only the header line ends in CRLF', async () => {
    const { input, items } = await readInput({ path: '-', format: 'csv', encoding: 'utf8', stdin: chunked('email,name\r\na@b.c,Ann\n', 4) });
    expect(input.columns).toEqual(['email', 'name']);
    expect({ ...items[0]?.fields }).toEqual({ email: 'a@b.c', name: 'Ann' });
  });
});
