/**
 * The same bytes read from a file and from stdin give the same items and the same stop: a problem
 * in the input (a quote never closed, a record too long) never overtakes the rows read before it,
 * whatever the chunk sizes and however far the parser ran ahead of the consumer.
 */
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { InputStoppedError } from '../../src/errors.js';
import { MAX_RECORD_BYTES } from '../../src/input/csv-items.js';
import type { OpenInputOptions } from '../../src/input/open-input.js';
import type { InputItem } from '../../src/input/row.js';
import { readUntilStopped, scratch } from './helpers.js';

const tmp = scratch();

/** A stdin stand-in that delivers `bytes` in chunks of `size` bytes. */
function stdinOf(bytes: Buffer, size: number): Readable {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  return Readable.from(chunks, { objectMode: false });
}

/** What a reader sees: the items (fields spread) and the message it stopped with, if any. */
async function seen(options: OpenInputOptions): Promise<{ items: unknown[]; stopped: string | null }> {
  const { items, error } = await readUntilStopped(options);
  if (error !== undefined && !(error instanceof InputStoppedError)) throw error;
  const stopped = error === undefined ? null : (error as Error).message.replace(/^.*?: reading stopped/, 'reading stopped');
  return { items: items.map((item: InputItem) => ({ ...item, fields: { ...item.fields } })), stopped };
}

/** A CSV of `rows` data rows, then `tail`. */
function csv(rows: number, tail: string): string {
  let text = 'email,name\n';
  for (let i = 1; i <= rows; i++) text += `u${i}@example.com,Name ${i}\n`;
  return text + tail;
}

/** How many filler bytes after `before` bytes put a CR at the last byte of a 4 KiB chunk, past 2 MiB. */
function crLastInChunk(before: number): number {
  const chunks = Math.ceil((before + 2 * MAX_RECORD_BYTES) / 4096) + 1;
  return chunks * 4096 - 1 - before;
}

describe('stdin reads exactly as a file', () => {
  const inputs: [string, string][] = [
    // a quote never closed after 5 rows (<= 16: once failed with "cannot read the header row")
    ['unclosed quote after 5 rows', csv(5, 'bad@example.com,"broken\nu7@example.com,Seven\n')],
    // after 200 rows: the 15 rows before it were lost and record 186 was blamed
    ['unclosed quote after 200 rows', csv(200, 'bad@example.com,"broken\n' + 'x@example.com,X\n'.repeat(30))],
    // a record too long without quotes, skipped, and the rows after it read
    ['a record too long', csv(20, `long@example.com,${'y'.repeat(MAX_RECORD_BYTES + 5)}\r\nafter@example.com,After\r\n`)],
    // a record far too long, ending in a CR that is the last byte of a 4 KiB chunk (its LF in the next)
    ['a record far too long', csv(3, `long@example.com,${'z'.repeat(crLastInChunk(csv(3, 'long@example.com,').length))}\r\nafter@example.com,After\n`)],
    // a clean file
    ['a clean file', csv(300, '')],
  ];

  it.each(inputs)('%s', async (name, text) => {
    const bytes = Buffer.from(text);
    const path = tmp.write(`${name.replace(/ /g, '-')}.csv`, bytes);
    const fromFile = await seen({ path });
    expect(fromFile.items.length).toBeGreaterThan(0);
    for (const size of [bytes.length, 65536, 4096, 7]) {
      if (size === 7 && bytes.length > 100_000) continue;
      const fromStdin = await seen({ path: '-', format: 'csv', stdin: stdinOf(bytes, size) });
      expect(fromStdin, `stdin in chunks of ${size}`).toEqual(fromFile);
    }
  });

  it('keeps every row before an unclosed quote, then that record malformed naming its line (file and stdin)', async () => {
    const text = csv(200, 'bad@example.com,"broken\nafter@example.com,After\n');
    for (const options of [{ path: tmp.write('quote-200.csv', text) }, { path: '-', format: 'csv', stdin: stdinOf(Buffer.from(text), 1 << 20) }]) {
      const { items, stopped } = await seen(options);
      expect(stopped).toBeNull();
      expect(items).toHaveLength(201);
      expect(items.at(-2)).toMatchObject({ kind: 'row', line: 200, sourceLine: 201 });
      expect(items.at(-1)).toMatchObject({ kind: 'malformed', line: 201, sourceLine: 202, reason: expect.stringContaining('a quote opened in this record is never closed, so the lines after it (from line 203)') });
    }
  });

  it('reads the fixture file the same way from stdin', async () => {
    const path = tmp.write('fixture.csv', readFileSync(new URL('../../fixtures/input/contacts-gbk.csv', import.meta.url)));
    const bytes = readFileSync(path);
    expect(await seen({ path: '-', format: 'csv', stdin: stdinOf(bytes, 3) })).toEqual(await seen({ path }));
  });
});
