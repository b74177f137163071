/**
 * How many rows an input file holds (the fast approximate pre-count), for summaries that say how
 * many rows of a campaign no run has reached yet. Null when it cannot be told: stdin, or a file
 * that is gone or unreadable (a report is never refused for that).
 */
import { statSync } from 'node:fs';
import { countRecords } from '../input/count-records.js';
import { resolveFormat } from '../input/format.js';

/** The rows of the file at `input` read as `format`/`encoding` (as given to the run), or null. */
export async function countInputRows(input: string | null, format: unknown, encoding: unknown): Promise<number | null> {
  if (input === null || input === '-' || !statSync(input, { throwIfNoEntry: false })?.isFile()) return null;
  try {
    return await countRecords(input, resolveFormat(input, typeof format === 'string' ? format : undefined), typeof encoding === 'string' ? encoding : 'auto');
  } catch {
    return null;
  }
}
