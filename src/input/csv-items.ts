/**
 * CSV and TSV records as input items: the first non-blank record names the fields; blank records
 * are skipped; a record with the wrong number of fields, bytes that are not UTF-8, or too long to
 * keep becomes a malformed row and reading goes on. A quote that is never closed makes the rest of
 * the input one broken record: it becomes a malformed row saying so, and the input ends there.
 */
import type { Parser } from 'csv-parse';
import { ConfigError } from '../errors.js';
import { headerNames, isBlankRecord, recordToItem } from './csv-record.js';
import type { Parsed } from './csv-parser.js';
import { readBatches } from './read-batches.js';
import { describeError, pull, readStopped } from './read-errors.js';
import type { InputItem } from './row.js';

export { createCsvParser, MAX_RECORD_BYTES } from './csv-parser.js';

/** The field names of a CSV input and its records as batches of items, the header already read. */
export interface CsvItems {
  readonly columns: readonly string[];
  readonly batches: AsyncGenerator<InputItem[]>;
}

/** Where reading is: the last line of the last outcome, and the empty lines skipped until then. */
interface Position {
  endLine: number;
  emptyLines: number;
}

/**
 * Reads the header row from `parser` (fed by the caller), then returns the columns and a
 * generator of the remaining records. Throws ConfigError naming `label` when there is no header,
 * a header name is empty or repeated, or the header cannot be read.
 */
export async function readCsv(parser: Parser, label: string): Promise<CsvItems> {
  const records = readBatches<Parsed>(parser);
  const position: Position = { endLine: 0, emptyLines: 0 };
  for (;;) {
    const next = await pull(records);
    if (!next.ok) throw new ConfigError(`${label}: cannot read the header row: ${describeError(next.error)}`);
    if (next.step.done === true) {
      throw new ConfigError(`${label} is empty: expected a header row naming the fields`);
    }
    const batch = next.step.value;
    for (let i = 0; i < batch.length; i++) {
      const parsed = batch[i]!;
      const line = advance(position, parsed);
      if (parsed.kind !== 'record') throw new ConfigError(`${label}: cannot read the header row (line ${line}): ${parsed.problem}`);
      if (isBlankRecord(parsed.record)) continue;
      if (parsed.problem !== null) throw new ConfigError(`${label}: the header row (line ${line}) has ${parsed.problem}`);
      const columns = headerNames(parsed.record, label);
      return { columns, batches: csvBatches(batch.slice(i + 1), records, columns, position, label) };
    }
  }
}

/** Moves the tracked position past an outcome and returns the line where it started. */
function advance(position: Position, at: { readonly lines: number; readonly emptyLines: number }): number {
  const startLine = position.endLine + 1 + (at.emptyLines - position.emptyLines);
  position.endLine = at.lines;
  position.emptyLines = at.emptyLines;
  return startLine;
}

/** The records after the header as batches of items, numbered from 1 (blank records are not counted). */
async function* csvBatches(
  first: Parsed[],
  records: AsyncGenerator<Parsed[]>,
  columns: readonly string[],
  position: Position,
  label: string,
): AsyncGenerator<InputItem[]> {
  const counter = { line: 0 };
  /** The items of a batch, and whether the input ends in it (a quote never closed). */
  const toItems = (batch: readonly Parsed[]): { items: InputItem[]; stopped: boolean } => {
    const items: InputItem[] = [];
    for (const parsed of batch) {
      const sourceLine = advance(position, parsed);
      if (parsed.kind === 'stop') {
        counter.line += 1;
        items.push({ kind: 'malformed', line: counter.line, sourceLine, reason: quoteNeverClosed(parsed.problem, sourceLine), fields: {} });
        return { items, stopped: true };
      }
      if (parsed.kind === 'skipped') {
        counter.line += 1;
        items.push({ kind: 'malformed', line: counter.line, sourceLine, reason: parsed.problem, fields: {} });
      } else if (parsed.problem !== null) {
        counter.line += 1;
        const { fields } = recordToItem(parsed.record, columns, counter.line, sourceLine);
        items.push({ kind: 'malformed', line: counter.line, sourceLine, reason: parsed.problem, fields });
      } else if (!isBlankRecord(parsed.record)) {
        counter.line += 1;
        items.push(recordToItem(parsed.record, columns, counter.line, sourceLine));
      }
    }
    return { items, stopped: false };
  };
  try {
    let batch = first;
    for (;;) {
      const { items, stopped } = toItems(batch);
      if (items.length > 0) yield items;
      if (stopped) return;
      const next = await pull(records);
      if (!next.ok) throw readStopped(label, position.endLine, next.error);
      if (next.step.done === true) return;
      batch = next.step.value;
    }
  } finally {
    await records.return(undefined);
  }
}

/** Why a record whose quote never closes is invalid: what it cost, and how to go on. */
function quoteNeverClosed(problem: string, line: number): string {
  return `${problem}, so the lines after it (from line ${line + 1}) could not be read as rows and none was sent; fix the file, then run again with --resume`;
}
