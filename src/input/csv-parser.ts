/**
 * csv-parse's stream, driven for herald. Every outcome travels in order with the records, so a
 * problem never overtakes the rows read before it: a record (tagged with its line counts, and with
 * the bytes that are not UTF-8 when it holds some), a record skipped for its size (reading goes on
 * at the next line), or the point where reading cannot go on (a quote never closed). Line breaks
 * may be CRLF, LF or CR, mixed in one file.
 */
import { CsvError, Parser, type Options } from 'csv-parse';
import { notUtf8Reason, Utf8Checker, type BadRun } from './utf8-check.js';

/** Longest record accepted (in bytes): bounds memory, and past it a quote was surely left open. */
export const MAX_RECORD_BYTES = 1024 * 1024;

/** Most bytes parsed between two checks of the record's size (a record may overshoot the limit by this). */
const PIECE_BYTES = 64 * 1024;

/** Records csv-parse may hold parsed ahead of the consumer (one chunk's records may overshoot). */
const PARSED_RECORDS_AHEAD = 16;

/** Bytes written to the parser that may wait while it works (small: the file waits instead). */
const PARSER_INPUT_BYTES = 1024;

/**
 * What ends a record: any of the three line breaks, so rows appended with other line ends read
 * right (csv-parse would lock onto the first it meets). LF first: the commonest is found soonest.
 */
const LINE_BREAKS = ['\n', '\r\n', '\r'];

/** Where an outcome ends: the parser's line counts at the moment it was emitted. */
interface At {
  /** Physical lines seen so far: the outcome's last line. */
  readonly lines: number;
  /** Empty lines skipped so far. */
  readonly emptyLines: number;
}

/** One outcome of the parser, in input order. */
export type Parsed =
  /** A record; `problem` names its bytes that are not UTF-8, or is null. */
  | (At & { readonly kind: 'record'; readonly record: string[]; readonly problem: string | null })
  /** A record too long to keep: skipped up to the end of its line, and reading went on. */
  | (At & { readonly kind: 'skipped'; readonly problem: string })
  /** Reading cannot go on from this record (a quote never closed): nothing more comes. */
  | (At & { readonly kind: 'stop'; readonly problem: string });

/** The parts of csv-parse's internal state this driver reads and resets (csv-parse 7). */
interface ParserApi {
  __isRecordDelimiter(chr: number, buf: Buffer, pos: number): number;
  parse(chunk: Buffer | undefined, end: boolean, push: (record: string[]) => void, close: () => void): Error | undefined;
  readonly info: { lines: number; empty_lines: number; bytes: number };
  readonly state: {
    quoting: boolean;
    wasQuoting: boolean;
    escaping: boolean;
    field: { length: number; reset(): void };
    record: string[];
    record_length: number;
    previousBuf: Buffer | undefined;
    bufBytesStart: number;
  };
}

const LF = 0x0a;
const CR = 0x0d;

/** The length of the line break at `pos` (CRLF 2, LF or CR alone 1), or 0: LINE_BREAKS as one test. */
function lineBreakLength(chr: number, buf: Buffer, pos: number): number {
  if (chr === LF) return 1;
  if (chr === CR) return buf[pos + 1] === LF ? 2 : 1;
  return 0;
}

/** A csv-parse stream emitting `Parsed` outcomes (see the module comment). */
class HeraldCsvParser extends Parser {
  /** csv-parse's parser core (not `api`: a field of that name would shadow the one csv-parse sets). */
  private readonly core: ParserApi;
  private readonly utf8: Utf8Checker | null;
  /** Bad UTF-8 runs found in the input and not yet matched to a record, in order. */
  private bad: BadRun[] = [];
  /** Lines csv-parse counted twice: it counts both bytes of a CRLF inside a quoted value. */
  private crlfInValues = 0;
  /** csv-parse's line count at the previous record. */
  private previousLines = 0;
  /** Offset in the input where the current record starts (where the previous one ended). */
  private recordStart = 0;
  /** Skipping the rest of a record too long to keep, up to its line break. */
  private skipping = false;
  /** The skipped record ended with a CR at the end of a chunk: a LF opening the next one belongs to it. */
  private skipLf = false;
  /** Reading stopped: the rest of the input is not parsed. */
  private stopped = false;
  private readonly onRecord = (record: string[]): void => this.emitRecord(record);

  constructor(options: Options, checkUtf8: boolean) {
    super(options);
    this.core = (this as unknown as { api: ParserApi }).api;
    // csv-parse tests every byte against each record delimiter in turn; one test covers all three.
    this.core.__isRecordDelimiter = lineBreakLength;
    this.utf8 = checkUtf8 ? new Utf8Checker() : null;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (!this.stopped) {
      if (this.utf8 !== null) {
        const runs = this.utf8.check(chunk);
        if (runs.length > 0) this.bad.push(...runs);
      }
      this.feed(chunk);
    }
    callback();
  }

  override _flush(callback: (error?: Error | null) => void): void {
    if (!this.stopped && this.utf8 !== null) this.bad.push(...this.utf8.end());
    if (!this.stopped && !this.skipping) {
      const error = this.core.parse(undefined, true, this.onRecord, () => undefined);
      if (error !== undefined) this.stop(error instanceof CsvError && error.code === 'CSV_QUOTE_NOT_CLOSED' ? QUOTE_NEVER_CLOSED : error.message);
    }
    callback();
  }

  /** Parses a chunk piece by piece, checking the record's size after each piece. */
  private feed(chunk: Buffer): void {
    let bytes = chunk;
    let at = 0;
    while (at < bytes.length && !this.stopped) {
      if (this.skipping) {
        at = this.skip(bytes, at);
        continue;
      }
      const piece = bytes.subarray(at, at + PIECE_BYTES);
      at += piece.length;
      const error = this.core.parse(piece, false, this.onRecord, () => undefined);
      if (error !== undefined) return this.stop(error.message);
      const { state } = this.core;
      if (state.record_length + state.field.length <= MAX_RECORD_BYTES) continue;
      if (state.quoting) return this.stop(`a quote opened in this record is not closed within ${MAX_RECORD_BYTES} bytes`);
      // Not inside quotes: the record ends at the next line break. Skip to it, with the bytes
      // csv-parse held back from this piece, and parse on from there.
      this.push({ kind: 'skipped', ...this.at(), problem: TOO_LONG });
      this.skipping = true;
      const held = state.previousBuf;
      state.previousBuf = undefined;
      if (held !== undefined && held.length > 0) {
        bytes = Buffer.concat([held, bytes.subarray(at)]);
        at = 0;
      }
    }
  }

  /** Skips bytes of a too-long record from `at` up to its line break; returns where parsing resumes. */
  private skip(bytes: Buffer, at: number): number {
    const { state, info } = this.core;
    let from = at;
    if (this.skipLf) {
      this.skipLf = false;
      if (bytes[from] === LF) from++;
      state.bufBytesStart += from - at;
      this.skipping = false;
      return from;
    }
    const lf = bytes.indexOf(LF, from);
    const cr = bytes.indexOf(CR, from);
    const lineBreak = cr !== -1 && (lf === -1 || cr < lf) ? cr : lf;
    if (lineBreak === -1) {
      state.bufBytesStart += bytes.length - from;
      return bytes.length;
    }
    let end = lineBreak + 1;
    if (bytes[lineBreak] === CR) {
      if (end < bytes.length) end += bytes[end] === LF ? 1 : 0;
      else this.skipLf = true;
    }
    state.bufBytesStart += end - from;
    state.field.reset();
    state.record = [];
    state.record_length = 0;
    state.wasQuoting = false;
    state.escaping = false;
    info.lines += 1;
    this.previousLines = info.lines;
    this.recordStart = state.bufBytesStart;
    this.dropBadBefore(state.bufBytesStart);
    this.skipping = this.skipLf;
    return end;
  }

  /** Emits a record, with its line counts and any bytes in it that are not UTF-8. */
  private emitRecord(record: string[]): void {
    const info = this.core.info;
    // Only a record that spans lines can hold a CRLF in a value: the usual one-line record costs
    // one subtraction, not a scan of its values.
    if (info.lines - this.previousLines > 1) {
      for (const value of record) if (value.includes('\r\n')) this.crlfInValues += value.split('\r\n').length - 1;
    }
    this.previousLines = info.lines;
    const problem = this.bad.length === 0 ? null : this.badBefore(info.bytes);
    // A record that outgrew the limit within the piece that also ended it is skipped all the same.
    const size = info.bytes - this.recordStart;
    this.recordStart = info.bytes;
    if (size > MAX_RECORD_BYTES) {
      this.push({ kind: 'skipped', ...this.at(), problem: TOO_LONG });
      return;
    }
    this.push({ kind: 'record', record, lines: info.lines - this.crlfInValues, emptyLines: info.empty_lines, problem });
  }

  /** The reason naming the bad bytes before offset `end` (taken off the list), or null when there are none. */
  private badBefore(end: number): string | null {
    let count = 0;
    while (count < this.bad.length && (this.bad[count] as BadRun).offset < end) count++;
    if (count === 0) return null;
    return notUtf8Reason(this.bad.splice(0, count));
  }

  /** Forgets bad bytes before `end`: they were in a record that was skipped. */
  private dropBadBefore(end: number): void {
    while (this.bad.length > 0 && (this.bad[0] as BadRun).offset < end) this.bad.shift();
  }

  /** The parser's line counts now. */
  private at(): At {
    return { lines: this.core.info.lines - this.crlfInValues, emptyLines: this.core.info.empty_lines };
  }

  /** Ends reading: emits the stop; the rest of the input is discarded. */
  private stop(problem: string): void {
    this.stopped = true;
    this.push({ kind: 'stop', ...this.at(), problem });
  }
}

/** Why a record was skipped. */
const TOO_LONG = `this record is longer than ${MAX_RECORD_BYTES} bytes; it was skipped and reading went on at the next line`;

/** Why reading stops at a quote that runs to the end of the input. */
const QUOTE_NEVER_CLOSED = 'a quote opened in this record is never closed';

/**
 * A csv-parse stream set up for herald: strings kept as strings, lenient quotes, any line break,
 * bounded records; with `checkUtf8`, records holding bytes that are not UTF-8 say so.
 */
export function createCsvParser(delimiter: ',' | '\t', checkUtf8: boolean): Parser {
  const options: Options & { readableHighWaterMark: number; writableHighWaterMark: number } = {
    delimiter,
    record_delimiter: LINE_BREAKS,
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    // A backstop only: the size is checked after each piece, before csv-parse's own limit is reached.
    max_record_size: MAX_RECORD_BYTES + 2 * PIECE_BYTES,
    readableHighWaterMark: PARSED_RECORDS_AHEAD,
    writableHighWaterMark: PARSER_INPUT_BYTES,
  };
  return new HeraldCsvParser(options, checkUtf8);
}
