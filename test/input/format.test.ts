import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { inputLabel, resolveFormat, type InputFormat } from '../../src/input/format.js';

describe('resolveFormat', () => {
  const chosen: [string, string | undefined, InputFormat][] = [
    // by extension
    ['customers.csv', undefined, 'csv'],
    // extensions are case-insensitive (Windows exports)
    ['CUSTOMERS.CSV', undefined, 'csv'],
    // tab-separated
    ['export.tsv', undefined, 'tsv'],
    // JSON lines, both spellings
    ['rows.jsonl', undefined, 'jsonl'],
    ['rows.ndjson', undefined, 'jsonl'],
    // --format wins over the extension
    ['export.csv', 'tsv', 'tsv'],
    // --format makes an unknown extension readable (Excel "Unicode text" saves .txt)
    ['export.txt', 'tsv', 'tsv'],
    // stdin with --format
    ['-', 'jsonl', 'jsonl'],
  ];
  it.each(chosen)('%s with --format %s is %s', (path, format, expected) => {
    expect(resolveFormat(path, format)).toBe(expected);
  });

  const refused: [string, string | undefined, RegExp][] = [
    // stdin has no extension: --format is required
    ['-', undefined, /stdin needs --format csv\|tsv\|jsonl/],
    // an unknown extension names the file and the way out
    ['export.txt', undefined, /export\.txt.*\(\.txt; known: .*use --format/],
    // no extension at all
    ['/dev/fd/63', undefined, /\/dev\/fd\/63.*\(none;/],
    // an unknown --format value names the flag and the value
    ['a.csv', 'xlsx', /--format must be one of csv, tsv, jsonl; got "xlsx"/],
  ];
  it.each(refused)('%s with --format %s is refused', (path, format, message) => {
    expect(() => resolveFormat(path, format)).toThrow(ConfigError);
    expect(() => resolveFormat(path, format)).toThrow(message);
  });
});

describe('inputLabel', () => {
  it('names stdin "stdin" and a file by its path', () => {
    expect(inputLabel('-')).toBe('stdin');
    expect(inputLabel('data/customers.csv')).toBe('data/customers.csv');
  });
});
