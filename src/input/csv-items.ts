/**
 * CSV and TSV records as input items, parsed by csv-parse: the first non-blank record names the
 * fields; blank records are skipped; a record with the wrong number of fields becomes a malformed
 * row and reading goes on; a quote that is never closed ends the input with one malformed row.
 */
import { CsvError, Parser, type Options } from 'csv-parse';
import { ConfigError } from '../errors.js';
import { headerNames, isBlankRecord, recordToItem } from './csv-record.js';
import { readBatches } from './read-batches.js';
import { describeError, pull, readStopped } from './read-errors.js';
import type { InputItem } from './row.js';

/** Longest record accepted (in bytes): past it a quote was surely left open; bounds memory too. */
export const MAX_RECORD_BYTES = 1024 * 1024;

/** Records csv-parse may hold parsed ahead of the consumer (one chunk's records may overshoot). */
const PARSED_RECORDS_AHEAD = 16;

/** Bytes written to the parser that may wait while it works (small: the file waits instead). */
const PARSER_INPUT_BYTES = 1024;

/** A parsed record with the parser's line counts at the moment it was emitted. */
interface ParsedRecord {
  readonly record: string[];
  /** Physical lines seen so far: the record's last line. */
  readonly lines: number;
  /** Empty lines skipped so far. */
  readonly emptyLines: number;
}

/**
 * csv-parse's stream, tagging each record with the parser's live line counts as it is emitted.
 * (csv-parse's own `info: true` copies its whole info object per record, which halves the speed.)
 */
class LineTrackingParser extends Parser {
  /** Lines csv-parse counted twice: it counts both bytes of a CRLF inside a quoted value. */
  private crlfInValues = 0;
  /** csv-parse's line count at the previous record. */
  private previousLines = 0;

  override push(record: unknown, encoding?: BufferEncoding): boolean {
    if (record === null) return super.push(null, encoding);
    const values = record as string[];
    // Only a record that spans lines can hold a CRLF in a value: the usual one-line record costs
    // one subtraction, not a scan of its values.
    if (this.info.lines - this.previousLines > 1) {
      for (const value of values) if (value.includes('\r\n')) this.crlfInValues += value.split('\r\n').length - 1;
    }
    this.previousLines = this.info.lines;
    const tagged: ParsedRecord = {
      record: values,
      lines: this.info.lines - this.crlfInValues,
      emptyLines: this.info.empty_lines,
    };
    return super.push(tagged, encoding);
  }
}

/** A csv-parse stream set up for herald: strings kept as strings, lenient quotes, bounded records. */
export function createCsvParser(delimiter: ',' | '\t'): Parser {
  const options: Options & { readableHighWaterMark: number; writableHighWaterMark: number } = {
    delimiter,
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    max_record_size: MAX_RECORD_BYTES,
    readableHighWaterMark: PARSED_RECORDS_AHEAD,
    writableHighWaterMark: PARSER_INPUT_BYTES,
  };
  return new LineTrackingParser(options);
}

/** The field names of a CSV input and its records as batches of items, the header already read. */
export interface CsvItems {
  readonly columns: readonly string[];
  readonly batches: AsyncGenerator<InputItem[]>;
}

/**
 * Reads the header row from `parser` (fed by the caller), then returns the columns and a
 * generator of the remaining records. Throws ConfigError naming `label` when there is no header,
 * a header name is empty or repeated, or the header cannot be parsed.
 */
export async function readCsv(parser: Parser, label: string): Promise<CsvItems> {
  const records = readBatches<ParsedRecord>(parser);
  const position = { endLine: 0, emptyLines: 0 };
  for (;;) {
    const next = await pull(records);
    if (!next.ok) throw new ConfigError(`${label}: cannot read the header row: ${describeError(next.error)}`);
    if (next.step.done === true) {
      throw new ConfigError(`${label} is empty: expected a header row naming the fields`);
    }
    const batch = next.step.value;
    for (let i = 0; i < batch.length; i++) {
      const parsed = batch[i]!;
      advance(position, parsed);
      if (isBlankRecord(parsed.record)) continue;
      const columns = headerNames(parsed.record, label);
      return { columns, batches: csvBatches(batch.slice(i + 1), records, columns, position, label) };
    }
  }
}

/** Moves the tracked position past a record (or error) and returns the line where it started. */
function advance(position: { endLine: number; emptyLines: number }, at: Omit<ParsedRecord, 'record'>): number {
  const startLine = position.endLine + 1 + (at.emptyLines - position.emptyLines);
  position.endLine = at.lines;
  position.emptyLines = at.emptyLines;
  return startLine;
}

/** The records after the header as batches of items, numbered from 1 (blank records are not counted). */
async function* csvBatches(
  first: ParsedRecord[],
  records: AsyncGenerator<ParsedRecord[]>,
  columns: readonly string[],
  position: { endLine: number; emptyLines: number },
  label: string,
): AsyncGenerator<InputItem[]> {
  const counter = { line: 0 };
  const toItems = (batch: readonly ParsedRecord[]): InputItem[] => {
    const items: InputItem[] = [];
    for (const parsed of batch) {
      const sourceLine = advance(position, parsed);
      if (isBlankRecord(parsed.record)) continue;
      counter.line += 1;
      items.push(recordToItem(parsed.record, columns, counter.line, sourceLine));
    }
    return items;
  };
  try {
    if (first.length > 0) yield toItems(first);
    for (;;) {
      const next = await pull(records);
      if (!next.ok) {
        const { error } = next;
        if (!isFatalQuoteError(error)) throw readStopped(label, position.endLine, error);
        const sourceLine = advance(position, { lines: Number(error.lines), emptyLines: Number(error.empty_lines) });
        yield [{ kind: 'malformed', line: counter.line + 1, sourceLine, reason: quoteReason(error, sourceLine), fields: {} }];
        return;
      }
      if (next.step.done === true) return;
      const items = toItems(next.step.value);
      if (items.length > 0) yield items;
    }
  } finally {
    await records.return(undefined);
  }
}

/** Whether csv-parse stopped because a quoted field never ended (the rest of the file is one field). */
function isFatalQuoteError(err: unknown): err is CsvError {
  return err instanceof CsvError && (err.code === 'CSV_QUOTE_NOT_CLOSED' || err.code === 'CSV_MAX_RECORD_SIZE');
}

/** The malformed row's reason for an unclosed quote. */
function quoteReason(err: CsvError, sourceLine: number): string {
  const what =
    err.code === 'CSV_QUOTE_NOT_CLOSED'
      ? 'a quote opened in this record is never closed'
      : `this record is longer than ${MAX_RECORD_BYTES} bytes (a quote left open?)`;
  return `${what}; reading stopped at line ${sourceLine}, later lines were not read`;
}
