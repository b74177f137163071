/**
 * JSONL records as input items: one JSON object per non-empty line. A line that is not JSON, is
 * JSON but not an object, nests deeper than MAX_JSON_DEPTH, holds bytes that are not UTF-8 or is
 * too long becomes a malformed row with the reason, and reading goes on.
 */
import { isUtf8 } from 'node:buffer';
import { LineSplitter, MAX_LINE_BYTES, type SplitLine } from './line-splitter.js';
import { pull, readStopped } from './read-errors.js';
import type { InputItem } from './row.js';
import { badRunsOf, notUtf8Reason } from './utf8-check.js';

/**
 * Deepest nesting of arrays and objects a row may hold (the row object itself is level 1). Deeper
 * values are refused when read: serialising them later (the result log, a JSON body) would
 * overflow the stack, and no recipient file needs them.
 */
export const MAX_JSON_DEPTH = 64;

/** Whether `value` nests arrays/objects deeper than `levels` (recursion bounded by `levels`). */
function nestsDeeperThan(value: unknown, levels: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (levels === 0) return true;
  for (const child of Array.isArray(value) ? value : Object.values(value)) {
    if (nestsDeeperThan(child, levels - 1)) return true;
  }
  return false;
}

/**
 * The item for one non-empty JSONL line: a row for a JSON object (its fields copied onto an
 * object without a prototype), else a malformed row saying what the line holds instead.
 */
export function jsonLineToItem(text: string, line: number, sourceLine: number): InputItem {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const reason = `not valid JSON: ${err instanceof Error ? err.message : String(err)}`;
    return { kind: 'malformed', line, sourceLine, reason, fields: {} };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { kind: 'malformed', line, sourceLine, reason: `expected a JSON object, found ${jsonKind(value)}`, fields: {} };
  }
  if (nestsDeeperThan(value, MAX_JSON_DEPTH)) {
    return { kind: 'malformed', line, sourceLine, reason: `nested deeper than ${MAX_JSON_DEPTH} levels of objects and arrays`, fields: {} };
  }
  const fields = Object.assign(Object.create(null) as Record<string, unknown>, value);
  return { kind: 'row', line, sourceLine, fields };
}

/** "an array", "a string", "null"…: what a JSON value is, for messages. */
function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/**
 * The items of a JSONL stream, in batches (one per chunk): bytes read as UTF-8 (each line checked
 * when `checkUtf8`), or text already decoded from another encoding. `line` counts non-empty lines,
 * `sourceLine` all of them. A read error is an InputStoppedError naming `label` and the last line read.
 */
export async function* jsonlBatches(chunks: AsyncIterable<Buffer | string>, label: string, checkUtf8: boolean): AsyncGenerator<InputItem[]> {
  const splitter = new LineSplitter();
  const counts = { physical: 0, records: 0 };
  const iterator = chunks[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await pull(iterator);
      if (!next.ok) throw readStopped(label, counts.physical, next.error);
      const { step } = next;
      const items: InputItem[] = [];
      const lines = step.done === true ? splitter.end() : splitter.push(typeof step.value === 'string' ? Buffer.from(step.value) : step.value);
      for (const split of lines) {
        const item = lineItem(split, counts, checkUtf8);
        if (item !== undefined) items.push(item);
      }
      if (items.length > 0) yield items;
      if (step.done === true) return;
    }
  } finally {
    await iterator.return?.();
  }
}

/** The bytes of a UTF-8 byte order mark. */
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Counts a line and returns its item, or undefined for a blank line. */
function lineItem(split: SplitLine, counts: { physical: number; records: number }, checkUtf8: boolean): InputItem | undefined {
  counts.physical += 1;
  if (split.tooLong) {
    counts.records += 1;
    const reason = `line longer than ${MAX_LINE_BYTES} bytes`;
    return { kind: 'malformed', line: counts.records, sourceLine: counts.physical, reason, fields: {} };
  }
  const bytes = counts.physical === 1 && split.bytes.subarray(0, 3).equals(UTF8_BOM) ? split.bytes.subarray(3) : split.bytes;
  if (checkUtf8 && !isUtf8(bytes)) {
    counts.records += 1;
    return { kind: 'malformed', line: counts.records, sourceLine: counts.physical, reason: notUtf8Reason(badRunsOf(bytes)), fields: {} };
  }
  const text = bytes.toString('utf8');
  if (text.trim() === '') return undefined;
  counts.records += 1;
  return jsonLineToItem(text, counts.records, counts.physical);
}
