/**
 * A small seeded fuzz of the input readers (issue 15's corpus, regenerated): CSV and JSONL files
 * with random mutations (unclosed quotes, stray CR, NUL bytes, deep nesting, huge fields, wrong
 * field counts, bytes that are not UTF-8) read through openInput, as a file and as stdin. Every
 * record must end as exactly one item, numbered without gaps, every untouched row read exactly as
 * written, and nothing thrown (CSV: an unclosed quote ends the input with that record malformed). Bounded in count;
 * the same cases every run.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { InputItem } from '../../src/input/row.js';
import { fuzz, seeded, type Fuzzed, type Mutation } from './fuzz-files.js';
import { readUntilStopped, scratch } from './helpers.js';

const tmp = scratch();

/** Cases per format. */
const CASES = 150;

/** Whether the input ended at a quote never closed (its last item says so). */
function endedAtQuote(items: InputItem[]): boolean {
  const last = items.at(-1);
  return last?.kind === 'malformed' && /^a quote opened in this record is (never closed|not closed within \d+ bytes), so the lines after it \(from line \d+\) could not be read as rows and none was sent; fix the file, then run again with --resume$/.test(last.reason);
}

/** Checks what a reader yielded against the file it read. */
function check(fuzzed: Fuzzed, items: InputItem[], error: unknown): boolean {
  expect(error, String(error)).toBeUndefined();
  const stopped = endedAtQuote(items);
  if (stopped) expect(fuzzed.mayStop).toBe(true);
  // One item per record, numbered 1, 2, 3 … without a gap or a repeat, lines in order.
  expect(items.map((item) => item.line)).toEqual(items.map((_, i) => i + 1));
  for (let i = 1; i < items.length; i++) expect(items[i]!.sourceLine).toBeGreaterThan(items[i - 1]!.sourceLine);
  // Every untouched row read exactly as written, once; all of them unless reading stopped.
  const seen = new Map<string, number>();
  for (const item of items) {
    const email = item.fields['email'];
    if (typeof email !== 'string' || !fuzzed.untouched.has(email)) continue;
    seen.set(email, (seen.get(email) ?? 0) + 1);
    expect(item.kind).toBe('row');
    expect({ ...item.fields }).toEqual(fuzzed.untouched.get(email));
  }
  for (const count of seen.values()) expect(count).toBe(1);
  if (!stopped) expect(seen.size).toBe(fuzzed.untouched.size);
  return stopped;
}

describe.each(['csv', 'jsonl'] as const)('fuzzed %s', (format) => {
  it(`${CASES} seeded cases: one item per record, untouched rows intact, nothing thrown (file and stdin alike)`, async () => {
    const random = seeded(format === 'csv' ? 15 : 16);
    const made = new Set<Mutation>();
    let stops = 0;
    for (let index = 0; index < CASES; index++) {
      const fuzzed = fuzz(format, random, index);
      for (const mutation of fuzzed.made) made.add(mutation);
      const path = tmp.write(`fuzz-${index}.${format}`, fuzzed.bytes);
      const fromFile = await readUntilStopped({ path, encoding: 'utf8' });
      if (check(fuzzed, fromFile.items, fromFile.error)) stops++;
      if (index % 5 !== 0) continue;
      const size = 1 + Math.floor(random() * 4096);
      const chunks: Buffer[] = [];
      for (let at = 0; at < fuzzed.bytes.length; at += size) chunks.push(fuzzed.bytes.subarray(at, at + size));
      const fromStdin = await readUntilStopped({ path: '-', format, encoding: 'utf8', stdin: Readable.from(chunks, { objectMode: false }) });
      expect(fromStdin.items).toEqual(fromFile.items);
      expect(String(fromStdin.error).replace('stdin', path)).toBe(String(fromFile.error));
    }
    // The cases did what they are for: every mutation was made, and CSV ended at unclosed quotes.
    expect([...made].sort()).toEqual(format === 'csv' ? ['cr', 'fields', 'huge', 'nul', 'quote', 'utf8'] : ['cr', 'deep', 'fields', 'huge', 'nul', 'utf8']);
    expect(stops > 0).toBe(format === 'csv');
  });
});
