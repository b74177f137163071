/**
 * Opening a campaign's input, with the checks that catch a mistake before the first send: the key
 * field, the recipient field and every `{{field}}` of every template and templated flag must be
 * columns of a CSV/TSV header (for JSONL, where rows may differ, they must appear in at least one of
 * the first rows). A field that is nowhere stops the run with one line (exit 2) naming it, where
 * it is used, and the fields there are: a misspelt placeholder never turns every row invalid.
 */
import type { Channel, TemplateField } from '../channels/channel.js';
import { ConfigError } from '../errors.js';
import { describeEncoding } from '../input/encoding.js';
import { inputLabel } from '../input/format.js';
import { openInput, type OpenInput } from '../input/open-input.js';
import type { InputItem } from '../input/row.js';
import type { RunSettings } from './settings.js';

/** JSONL rows looked at for the field check. */
export const JSONL_ROWS_CHECKED = 100;

/** An input opened for a run, its first rows possibly read ahead for the check. */
export interface OpenRows {
  readonly opened: OpenInput;
  /** The records, from the first (rows read ahead for the check included). */
  readonly batches: AsyncIterable<readonly InputItem[]>;
}

/** A field a run needs, and where the user wrote it. */
interface NeededField {
  readonly field: string;
  readonly where: string;
}

function neededFields(settings: RunSettings, channel: Channel): NeededField[] {
  const needed: NeededField[] = [{ field: settings.keyField, where: '--key (the row\'s identity: use --key FIELD)' }];
  if (settings.toField !== null && settings.toField !== settings.keyField) needed.push({ field: settings.toField, where: '--to (the recipient: use --to FIELD)' });
  if (settings.polite.tzField !== null) needed.push({ field: settings.polite.tzField, where: "--tz-field (the row's own time zone)" });
  for (const { field, where } of channel.templateFields?.() ?? ([] as TemplateField[])) needed.push({ field, where: `{{${field}}} in ${where}` });
  return needed;
}

function missingLine(label: string, missing: NeededField, fields: readonly string[], jsonl: boolean): string {
  const there = fields.length === 0 ? 'it has none' : `the fields there are: ${fields.join(', ')}`;
  const what = jsonl ? `none of the first ${JSONL_ROWS_CHECKED} rows of ${label} has a field '${missing.field}'` : `${label} has no column '${missing.field}'`;
  return `${what}, used by ${missing.where}; ${there}`;
}

/** Read up to `count` records ahead; returns them and the records from the first on. */
async function readAhead(batches: AsyncIterable<readonly InputItem[]>, count: number): Promise<{ ahead: InputItem[]; all: AsyncIterable<readonly InputItem[]> }> {
  const iterator = batches[Symbol.asyncIterator]();
  const ahead: InputItem[] = [];
  const held: (readonly InputItem[])[] = [];
  let done = false;
  while (ahead.length < count) {
    const step = await iterator.next();
    if (step.done === true) {
      done = true;
      break;
    }
    held.push(step.value);
    ahead.push(...step.value);
  }
  async function* all(): AsyncGenerator<readonly InputItem[]> {
    yield* held;
    if (done) return;
    for (let step = await iterator.next(); step.done !== true; step = await iterator.next()) yield step.value;
  }
  return { ahead, all: all() };
}

/** Check the fields a run needs against what the input has; throws ConfigError naming the first missing one. */
async function checkFields(path: string, opened: OpenInput, needed: readonly NeededField[]): Promise<AsyncIterable<readonly InputItem[]>> {
  const label = inputLabel(path);
  if (opened.columns) {
    const missing = needed.find((n) => !opened.columns!.includes(n.field));
    if (missing) throw new ConfigError(missingLine(label, missing, opened.columns, false));
    return opened.batches;
  }
  const { ahead, all } = await readAhead(opened.batches, JSONL_ROWS_CHECKED);
  const rows = ahead.filter((item) => item.kind === 'row');
  if (rows.length === 0) return all;
  const seen = new Set(rows.flatMap((item) => Object.keys(item.fields)));
  const missing = needed.find((n) => !seen.has(n.field));
  if (missing) throw new ConfigError(missingLine(label, missing, [...seen], true));
  return all;
}

/**
 * Open the run's input and check it against the settings and the channel's templates; `warn`
 * hears which encoding was chosen when it was a guess.
 */
export async function openRows(path: string, settings: RunSettings, channel: Channel, warn: (line: string) => void): Promise<OpenRows> {
  const opened = await openInput({ path, ...(settings.format ? { format: settings.format } : {}), encoding: settings.encoding });
  try {
    if (opened.guessed) warn(describeEncoding(inputLabel(path), opened));
    const batches = await checkFields(path, opened, neededFields(settings, channel));
    return { opened, batches };
  } catch (error) {
    await opened.close();
    throw error;
  }
}
