/**
 * `herald report --rows`: the rows whose final state is wanted, with their input fields then
 * status, class, code and error, as CSV (with a BOM, for Excel) or JSONL, streamed from the log
 * (a CSV needs one more pass first, to learn every field name for its header). The output is a
 * valid herald input, so failed rows can be fixed and sent again.
 */
import { scanLog } from '../results/log-reader.js';
import type { RowRecord } from '../results/record.js';
import { BOM, csvLine } from './csv-writer.js';
import type { FinalRows } from './final-rows.js';
import type { RowSelector } from './row-selector.js';

/** The fields herald adds after the input's own. */
const ADDED = ['status', 'class', 'code', 'error'] as const;
/** Output is handed to `write` in chunks of about this many characters. */
const CHUNK = 64 * 1024;

/** How to export. */
export interface RowExport {
  readonly select: RowSelector;
  readonly format: 'csv' | 'jsonl';
}

/** The name of an added field: its own, or herald_<name> when the input has a field of that name. */
function addedName(name: string, inputFields: { has(name: string): boolean }): string {
  return inputFields.has(name) ? `herald_${name}` : name;
}

/** Calls `visit` for each record of the latest campaign that holds a wanted row's final state. */
async function scanWanted(path: string, finals: FinalRows, select: RowSelector, visit: (record: RowRecord) => void): Promise<void> {
  let runsSeen = 0;
  await scanLog(path, (record) => {
    if (record.type === 'run') {
      runsSeen++;
      return;
    }
    if (finals.campaignStart > 0 && runsSeen <= finals.campaignStart) return;
    const final = record.status === 'skipped' || (record.key === null && record.status === 'invalid' && finals.keylessLines.has(record.line)) || finals.isFinal(record);
    if (final && select(record.status, record.class)) visit(record);
  });
}

/** Write the wanted rows of the log at `path`; returns how many. */
export async function exportRows(path: string, finals: FinalRows, options: RowExport, write: (chunk: string) => void): Promise<number> {
  let buffer = '';
  const emit = (text: string) => {
    buffer += text;
    if (buffer.length >= CHUNK) {
      write(buffer);
      buffer = '';
    }
  };
  let rows = 0;
  if (options.format === 'csv') {
    const fields = new Set<string>();
    await scanWanted(path, finals, options.select, (record) => {
      for (const name of Object.keys(record.row)) fields.add(name);
    });
    const names = [...fields];
    emit(BOM + csvLine([...names, ...ADDED.map((name) => addedName(name, fields))]));
    await scanWanted(path, finals, options.select, (record) => {
      rows++;
      emit(csvLine([...names.map((name) => record.row[name]), record.status, record.class, record.code, record.error]));
    });
  } else {
    await scanWanted(path, finals, options.select, (record) => {
      rows++;
      const own = new Set(Object.keys(record.row));
      const added = [record.status, record.class, record.code, record.error];
      emit(JSON.stringify({ ...record.row, ...Object.fromEntries(ADDED.map((name, i) => [addedName(name, own), added[i]])) }) + '\n');
    });
  }
  if (buffer !== '') write(buffer);
  return rows;
}
