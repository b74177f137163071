/**
 * The input stage: opens a recipient file (CSV, TSV or JSONL; a file or stdin), resolves its
 * encoding, reads the header, and streams the records as items. Reading is pull-driven: the file
 * is read only as fast as the consumer takes items, with a few small buffers in between.
 */
import { pipeline, type Readable, type Transform } from 'node:stream';
import iconv from 'iconv-lite';
import { ConfigError } from '../errors.js';
import { createCsvParser, readCsv } from './csv-items.js';
import { ENCODING_OPTIONS, type EncodingOption, type ResolvedEncoding } from './encoding.js';
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
  /** The text encoding. @default 'auto' (a BOM decides; else valid UTF-8 is UTF-8; else GB18030) */
  readonly encoding?: EncodingOption;
  /** The stream `-` reads. @default process.stdin */
  readonly stdin?: NodeJS.ReadableStream;
}

/** An open input: what was resolved, and its records as a single-use stream of items. */
export interface OpenInput {
  readonly format: InputFormat;
  /** The encoding the input is decoded with (`auto` resolved). */
  readonly encoding: ResolvedEncoding;
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
 * read, its format is unknown, or (CSV/TSV) it has no header or a header name is empty or repeated.
 */
export async function openInput(options: OpenInputOptions): Promise<OpenInput> {
  const encodingOption = options.encoding ?? 'auto';
  if (!(ENCODING_OPTIONS as readonly string[]).includes(encodingOption)) {
    throw new ConfigError(`--encoding must be one of ${ENCODING_OPTIONS.join(', ')}; got "${encodingOption}"`);
  }
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
  const stages: (Readable | Transform)[] = [source.stream];
  if (format === 'jsonl' || source.encoding !== 'utf8') stages.push(decoder(source.encoding));
  const parser = format === 'jsonl' ? undefined : createCsvParser(format === 'tsv' ? '\t' : ',');
  if (parser !== undefined) stages.push(parser);

  const done = new Promise<void>((resolve) => {
    pipeline(stages, () => resolve());
  });
  const close = async (): Promise<void> => {
    for (const stage of stages) stage.destroy();
    await done;
  };
  const base = { format, encoding: source.encoding, bytesRead: () => source.bytesRead(), close };

  if (parser === undefined) {
    const text = stages[stages.length - 1] as Readable;
    const batches = jsonlBatches(text as AsyncIterable<string>, inputLabel(path));
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
