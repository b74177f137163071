/**
 * JSONL records as input items: one JSON object per non-empty line. A line that is not JSON, or
 * is JSON but not an object, becomes a malformed row with the reason, and reading goes on.
 */
import { LineSplitter, MAX_LINE_CHARS, type SplitLine } from './line-splitter.js';
import { pull, readStopped } from './read-errors.js';
import type { InputItem } from './row.js';

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
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const fields = Object.assign(Object.create(null) as Record<string, unknown>, value);
    return { kind: 'row', line, sourceLine, fields };
  }
  const reason = `expected a JSON object, found ${jsonKind(value)}`;
  return { kind: 'malformed', line, sourceLine, reason, fields: {} };
}

/** "an array", "a string", "null"…: what a JSON value is, for messages. */
function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/**
 * The items of a JSONL text stream, in batches (one per chunk of text); `line` counts non-empty
 * lines, `sourceLine` all of them. A read error is a ConfigError naming `label` and the last line read.
 */
export async function* jsonlBatches(text: AsyncIterable<string>, label: string): AsyncGenerator<InputItem[]> {
  const splitter = new LineSplitter();
  const counts = { physical: 0, records: 0 };
  const chunks = text[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await pull(chunks);
      if (!next.ok) throw readStopped(label, counts.physical, next.error);
      const { step } = next;
      const items: InputItem[] = [];
      for (const split of step.done === true ? splitter.end() : splitter.push(step.value)) {
        const item = lineItem(split, counts);
        if (item !== undefined) items.push(item);
      }
      if (items.length > 0) yield items;
      if (step.done === true) return;
    }
  } finally {
    await chunks.return?.();
  }
}

/** Counts a line and returns its item, or undefined for a blank line. */
function lineItem(split: SplitLine, counts: { physical: number; records: number }): InputItem | undefined {
  counts.physical += 1;
  if (!split.tooLong && split.text.trim() === '') return undefined;
  counts.records += 1;
  if (split.tooLong) {
    const reason = `line longer than ${MAX_LINE_CHARS} characters`;
    return { kind: 'malformed', line: counts.records, sourceLine: counts.physical, reason, fields: {} };
  }
  return jsonLineToItem(split.text, counts.records, counts.physical);
}
