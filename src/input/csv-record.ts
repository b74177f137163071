/** Pure rules for CSV/TSV records: the header row's names, and a record's values mapped onto them. */
import { ConfigError } from '../errors.js';
import type { InputItem } from './row.js';

/**
 * The field names of a header row, trimmed (which also drops a stray byte order mark); throws
 * ConfigError naming `label` when a name is empty or appears twice.
 */
export function headerNames(values: readonly string[], label: string): string[] {
  const names = values.map((value) => value.trim());
  const firstColumn = new Map<string, number>();
  names.forEach((name, i) => {
    if (name === '') {
      throw new ConfigError(`${label}: header column ${i + 1} has no name (line 1 must name every column)`);
    }
    const earlier = firstColumn.get(name);
    if (earlier !== undefined) {
      throw new ConfigError(`${label}: header names "${name}" twice (columns ${earlier} and ${i + 1})`);
    }
    firstColumn.set(name, i + 1);
  });
  return names;
}

/** Whether every value of a record is empty or spaces (a blank line, or `,,,` from a spreadsheet). */
export function isBlankRecord(values: readonly string[]): boolean {
  return values.every((value) => value.trim() === '');
}

/**
 * A record as an input item: a row when it has one value per column, else a malformed row that
 * keeps the values that could be mapped ("expected 4 fields, found 5"). Fields live in an object
 * without a prototype, so a column named `constructor` or `__proto__` is an ordinary field.
 */
export function recordToItem(
  values: readonly string[],
  columns: readonly string[],
  line: number,
  sourceLine: number,
): InputItem {
  const fields: Record<string, string> = Object.create(null) as Record<string, string>;
  const mapped = Math.min(values.length, columns.length);
  for (let i = 0; i < mapped; i++) fields[columns[i] as string] = values[i] as string;
  if (values.length === columns.length) return { kind: 'row', line, sourceLine, fields };
  const reason = `expected ${columns.length} fields, found ${values.length}`;
  return { kind: 'malformed', line, sourceLine, reason, fields };
}
