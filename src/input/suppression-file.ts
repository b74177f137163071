/**
 * Reads `--suppress` files into suppression lists, streaming (a list of a million entries loads in
 * about a second and is held as hashes, not strings). A `.csv`, `.tsv`, `.jsonl` or `.ndjson` file
 * holds its values in the --to field, else in its first field; any other file is a plain list: one
 * value per line, blank lines and lines starting with `#` ignored.
 */
import { createReadStream, statSync } from 'node:fs';
import { extname } from 'node:path';
import { ConfigError } from '../errors.js';
import { Suppression, SuppressionList } from '../pipeline/suppression.js';
import { LineSplitter } from './line-splitter.js';
import { openInput } from './open-input.js';
import { describeError } from './read-errors.js';

/** Extensions read as records rather than as a plain list. */
const RECORD_FORMATS = new Set(['.csv', '.tsv', '.jsonl', '.ndjson']);
/** Bytes per read of a plain list. */
const CHUNK_BYTES = 256 * 1024;

/** Read every list; `toField` is the run's --to field (null for a channel without one). */
export async function loadSuppression(paths: readonly string[], toField: string | null): Promise<Suppression> {
  const lists: SuppressionList[] = [];
  for (const path of paths) lists.push(await loadList(path, toField));
  return new Suppression(lists);
}

/** Read one list. */
export async function loadList(path: string, toField: string | null): Promise<SuppressionList> {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) throw new ConfigError(`--suppress ${path}: no such file`);
  if (stat.isDirectory()) throw new ConfigError(`--suppress ${path}: a directory, not a file`);
  const list = new SuppressionList(path);
  if (RECORD_FORMATS.has(extname(path).toLowerCase())) await readRecords(path, toField, list);
  else await readPlain(path, list);
  return list;
}

async function readPlain(path: string, list: SuppressionList): Promise<void> {
  const splitter = new LineSplitter();
  let first = true;
  const take = (lines: ReturnType<LineSplitter['push']>) => {
    for (const line of lines) {
      if (line.tooLong) continue;
      let text = line.bytes.toString('utf8');
      if (first) {
        text = text.replace(/^\uFEFF/, '');
        first = false;
      }
      if (text.trimStart().startsWith('#')) continue;
      list.add(text);
    }
  };
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES })) take(splitter.push(chunk as Buffer));
  } catch (error) {
    throw new ConfigError(`--suppress ${path}: cannot read it: ${describeError(error)}`);
  }
  take(splitter.end());
}

async function readRecords(path: string, toField: string | null, list: SuppressionList): Promise<void> {
  const input = await openInput({ path });
  try {
    const column = input.columns ? (toField !== null && input.columns.includes(toField) ? toField : input.columns[0]!) : null;
    for await (const batch of input.batches) {
      for (const item of batch) {
        if (item.kind !== 'row') throw new ConfigError(`--suppress ${path}: record ${item.line} (line ${item.sourceLine}): ${item.reason}`);
        const fields = item.fields;
        const name = column ?? (toField !== null && toField in fields ? toField : Object.keys(fields)[0]);
        const value = name === undefined ? undefined : fields[name];
        if (value === undefined || value === null) continue;
        list.add(typeof value === 'string' ? value : String(value));
      }
    }
  } finally {
    await input.close();
  }
}
