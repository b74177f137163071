/**
 * CSV lines as spreadsheets and herald itself read them back: RFC 4180 quoting, CRLF line ends,
 * and a UTF-8 byte order mark in front so that Excel takes Chinese (and any non-ASCII) text as UTF-8.
 */

/** The UTF-8 byte order mark, written once at the start of the file. */
export const BOM = '\uFEFF';

/** A cell's text: strings as they are, numbers and booleans printed, null empty, objects as JSON. */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

/** One cell, quoted when it holds a quote, comma, line break or edge whitespace. */
export function csvCell(value: unknown): string {
  const text = cellText(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record, ending with CRLF. */
export function csvLine(values: readonly unknown[]): string {
  return values.map(csvCell).join(',') + '\r\n';
}
