/**
 * The input stage: opens a recipient file (CSV, TSV or JSONL; a file or stdin), resolves its
 * encoding, reads the header, and streams the records as items. Reading is pull-driven: the file
 * is read only as fast as the consumer takes items, with a few small buffers in between.
 */
import { finished, pipeline, type Readable, type Transform } from 'node:stream';
import iconv from 'iconv-lite';
import { createCsvParser, readCsv } from './csv-items.js';
import { AUTO_ENCODING, parseEncodingOption, type EncodingOption, type ResolvedEncoding } from './encoding.js';
import { STDIN_PATH, inputLabel, resolveFormat, type InputFormat } from './format.js';
import { jsonlBatches } from './jsonl-items.js';
import { openInputFile, openSource } from './open-source.js';
import type { InputItem } from './row.js';

/** Characters of decoded text buffered between the decoder and the parser. */
const DECODED_TEXT_BUFFER = 1024;

/** What `openInput` reads, and how. */
export interface OpenInputOptions {
  /** The file to read; `-` reads `stdin`. */
  readonly path: string;
  /** The format; when absent it comes from the extension (`.csv`, `.tsv`, `.jsonl`, `.ndjson`). */
  readonly format?: string;
  /**
   * The text encoding: any name iconv-lite knows, or `auto` (a BOM decides; else UTF-8 when the
   * lines are, or all but a few; else GB18030 unless a statistical detector is sure of another).
   * @default 'auto'
   */
  readonly encoding?: EncodingOption;
  /** The stream `-` reads. @default process.stdin */
  readonly stdin?: NodeJS.ReadableStream;
}

/** An open input: what was resolved, and its records as a single-use stream of items. */
export interface OpenInput {
  readonly format: InputFormat;
  /** The encoding the input is decoded with (`auto` resolved), canonically spelled: `utf8`, `gb18030`, `windows-1252` … */
  readonly encoding: ResolvedEncoding;
  /**
   * Whether `auto` chose the encoding by statistics (the bytes are not UTF-8, or only mostly),
   * rather than from a BOM, valid UTF-8 or `--encoding`: worth a warning naming the choice.
   */
  readonly guessed: boolean;
  /** The header's field names for CSV/TSV (trimmed, BOM dropped); null for JSONL. */
  readonly columns: readonly string[] | null;
  /** The records after the header, in order, in batches of what was read together; iterate once (or `items`). */
  readonly batches: AsyncIterable<readonly InputItem[]>;
  /** The same records one by one; iterate once (or `batches`). */
  readonly items: AsyncIterable<InputItem>;
  /** Bytes taken from the file or stdin so far (what the reader has read ahead included). */
  bytesRead(): number;
  /** Stops reading and releases the file; safe to call more than once and after the end. */
  close(): Promise<void>;
}

/**
 * Opens an input for reading. Throws ConfigError with one line naming the file when it cannot be
 * read, its format or encoding is unknown, or (CSV/TSV) it has no header or a header name is empty
 * or repeated. Iterating its items may throw InputStoppedError, after every row before the point
 * where the input cannot be read on (a failed read); a CSV quote never closed is the last item,
 * malformed.
 */
export async function openInput(options: OpenInputOptions): Promise<OpenInput> {
  const encodingOption = parseEncodingOption(options.encoding ?? AUTO_ENCODING);
  const { path } = options;
  // A file that cannot be read is reported before a format that cannot be told.
  const file = path === STDIN_PATH ? undefined : await openInputFile(path);
  let format: InputFormat;
  try {
    format = resolveFormat(path, options.format);
  } catch (err) {
    await file?.handle.close();
    throw err;
  }
  const source = await openSource(file ?? options.stdin ?? process.stdin, encodingOption);
  // UTF-8 bytes go to the parser as they are (checked there, row by row); others are decoded first.
  const utf8 = source.encoding === 'utf8';
  const stages: (Readable | Transform)[] = [source.stream];
  if (!utf8) stages.push(decoder(source.encoding));
  const parser = format === 'jsonl' ? undefined : createCsvParser(format === 'tsv' ? '\t' : ',', utf8);
  if (parser !== undefined) stages.push(parser);

  const done = new Promise<void>((resolve) => {
    if (stages.length === 1) finished(source.stream, () => resolve());
    else pipeline(stages, () => resolve());
  });
  const close = async (): Promise<void> => {
    for (const stage of stages) stage.destroy();
    await done;
  };
  const base = { format, encoding: source.encoding, guessed: source.guessed, bytesRead: () => source.bytesRead(), close };

  if (parser === undefined) {
    const chunks = stages[stages.length - 1] as AsyncIterable<Buffer | string>;
    const batches = jsonlBatches(chunks, inputLabel(path), utf8);
    return { ...base, columns: null, batches, items: flatten(batches) };
  }
  try {
    const { columns, batches } = await readCsv(parser, inputLabel(path));
    return { ...base, columns, batches, items: flatten(batches) };
  } catch (err) {
    await close();
    throw err;
  }
}

/** A stream that decodes bytes in `encoding` into text (a leading BOM dropped). */
function decoder(encoding: ResolvedEncoding): Transform {
  return iconv.decodeStream(encoding, { highWaterMark: DECODED_TEXT_BUFFER } as iconv.DecodeOptions) as Transform;
}

/** One item at a time out of batches (consumed lazily: only if iterated). */
async function* flatten(batches: AsyncIterable<readonly InputItem[]>): AsyncGenerator<InputItem> {
  for await (const batch of batches) yield* batch;
}
