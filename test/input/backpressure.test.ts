import { setTimeout as sleep } from 'node:timers/promises';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { openInput, type OpenInput } from '../../src/input/open-input.js';
import { READ_CHUNK_BYTES } from '../../src/input/open-source.js';
import { scratch } from './helpers.js';

const tmp = scratch();

/** Rows in each generated file: about 3 MB of short rows, the worst case for rows read ahead. */
const ROWS = 100_000;

/**
 * Most bytes the reader may take beyond what the consumer needed: a read chunk held by each
 * stage (file stream, decoder, parser) plus one in flight.
 */
const MAX_BYTES_AHEAD = 4 * READ_CHUNK_BYTES;

/** Most rows the reader may hold beyond what the consumer took: as many as fit in MAX_BYTES_AHEAD. */
function maxRowsAhead(ends: Uint32Array): number {
  let shortest = Infinity;
  for (let i = 1; i < ends.length; i++) shortest = Math.min(shortest, ends[i]! - ends[i - 1]!);
  return Math.ceil(MAX_BYTES_AHEAD / shortest);
}

/** Byte offsets just past each line break of `bytes`, to turn bytesRead into rows read. */
function lineEnds(bytes: Buffer): Uint32Array {
  const ends: number[] = [];
  for (let at = bytes.indexOf(0x0a); at !== -1; at = bytes.indexOf(0x0a, at + 1)) ends.push(at + 1);
  return Uint32Array.from(ends);
}

/** How many complete lines lie within the first `bytes` bytes. */
function linesWithin(ends: Uint32Array, bytes: number): number {
  let low = 0;
  let high = ends.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((ends[mid] as number) <= bytes) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Waits until the reader stops reading (bytesRead unchanged over several turns); bounded. */
async function settled(input: OpenInput): Promise<number> {
  let last = -1;
  let stable = 0;
  for (let turn = 0; turn < 200 && stable < 5; turn++) {
    await sleep(5);
    const now = input.bytesRead();
    stable = now === last ? stable + 1 : 0;
    last = now;
  }
  return last;
}

const variants: [string, string, (text: string) => Buffer, (i: number) => string, string][] = [
  // UTF-8 CSV: bytes go straight to csv-parse
  ['utf-8 csv', 'big.csv', (text) => Buffer.from(text), (i) => `${i},u${i}@example.com,名${i}\n`, 'id,email,name\n'],
  // GBK CSV: bytes go through the iconv decoder first
  ['gbk csv', 'big-gbk.csv', (text) => iconv.encode(text, 'gbk'), (i) => `${i},u${i}@example.com,名${i}\n`, 'id,email,name\n'],
  // JSONL: decoder, then the line splitter
  ['jsonl', 'big.jsonl', (text) => Buffer.from(text), (i) => `{"id":${i},"email":"u${i}@example.com"}\n`, ''],
];

describe.each(variants)('backpressure: %s', (_name, file, encode, row, header) => {
  const lines = Array.from({ length: ROWS }, (_, i) => row(i));
  const bytes = encode(header + lines.join(''));
  const ends = lineEnds(bytes);
  const headerLines = header === '' ? 0 : 1;
  const path = tmp.write(file, bytes);

  it('reads only a few chunks ahead of a consumer that stopped pulling', async () => {
    const input = await openInput({ path });
    const items = input.items[Symbol.asyncIterator]();
    for (let i = 0; i < 10; i++) expect((await items.next()).done).toBe(false);
    const read = await settled(input);
    const rowsAhead = linesWithin(ends, read) - headerLines - 10;
    expect(read).toBeLessThanOrEqual(MAX_BYTES_AHEAD);
    expect(rowsAhead).toBeLessThanOrEqual(maxRowsAhead(ends));
    await input.close();
  });

  it('keeps the read-ahead bounded all through the file for a slow consumer', async () => {
    const input = await openInput({ path });
    let taken = 0;
    let worst = 0;
    for await (const item of input.items) {
      taken += 1;
      expect(item.kind).toBe('row');
      if (taken % 1000 === 0) {
        await new Promise((resolve) => setImmediate(resolve));
        worst = Math.max(worst, linesWithin(ends, input.bytesRead()) - headerLines - taken);
      }
    }
    expect(taken).toBe(ROWS);
    expect(worst).toBeLessThanOrEqual(maxRowsAhead(ends));
    await input.close();
  });
});
