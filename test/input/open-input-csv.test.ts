import { chmodSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { MAX_RECORD_BYTES } from '../../src/input/csv-items.js';
import { openInput } from '../../src/input/open-input.js';
import type { InputItem } from '../../src/input/row.js';
import { readInput, readUntilStopped, scratch } from './helpers.js';

const tmp = scratch();

/** Items without their prototype-less field objects, for readable comparisons. */
function plain(items: InputItem[]): unknown[] {
  return items.map((item) => ({ ...item, fields: { ...item.fields } }));
}

describe('CSV records', () => {
  it('trims header names and keeps values as they are (empty cells present as "")', async () => {
    const path = tmp.write('trim.csv', '  email\t, Name ,city \r\n a@b.c , Ann ,\r\n');
    const { input, items } = await readInput({ path });
    expect(input.format).toBe('csv');
    expect(input.columns).toEqual(['email', 'Name', 'city']);
    expect(plain(items)).toEqual([{ kind: 'row', line: 1, sourceLine: 2, fields: { email: ' a@b.c ', Name: ' Ann ', city: '' } }]);
  });

  it('counts a CRLF inside a quoted value as one line (csv-parse counts its two bytes apart)', async () => {
    const path = tmp.write('crlf.csv', 'id,name\r\n2,"multi\r\nline"\r\n3,x,y\r\n4,"a\r\nb\r\nc"\r\n5,z\r\n');
    const { items } = await readInput({ path });
    expect(items.map((item) => [item.line, item.sourceLine])).toEqual([[1, 2], [2, 4], [3, 5], [4, 8]]);
  });

  it('turns a record with the wrong number of fields into a malformed row and reads on', async () => {
    const path = tmp.write(
      'count.csv',
      'email,name,city,code\n' +
        'a@b.c,Ann,Oslo,1\n' +
        'b@b.c,Bob,Rome,2,surplus\n' +
        'c@b.c,Cid\n' +
        'd@b.c,Dee,Kyiv,4\n',
    );
    const { items } = await readInput({ path });
    expect(plain(items)).toEqual([
      { kind: 'row', line: 1, sourceLine: 2, fields: { email: 'a@b.c', name: 'Ann', city: 'Oslo', code: '1' } },
      {
        kind: 'malformed',
        line: 2,
        sourceLine: 3,
        reason: 'expected 4 fields, found 5',
        fields: { email: 'b@b.c', name: 'Bob', city: 'Rome', code: '2' },
      },
      { kind: 'malformed', line: 3, sourceLine: 4, reason: 'expected 4 fields, found 2', fields: { email: 'c@b.c', name: 'Cid' } },
      { kind: 'row', line: 4, sourceLine: 5, fields: { email: 'd@b.c', name: 'Dee', city: 'Kyiv', code: '4' } },
    ]);
  });

  it('skips empty lines and all-empty records; line counts records, sourceLine physical lines', async () => {
    const path = tmp.write(
      'blank.csv',
      '\n' + // 1: empty line before the header
        'email,note\n' + // 2: header
        '\n' + // 3
        'a@b.c,"two\nlines"\n' + // 4-5: record 1 spans two lines
        ',\n' + // 6: a spreadsheet's empty row
        '   \n' + // 7: spaces only
        'b@b.c,x', // 8: record 2, no final line break
    );
    const { input, items } = await readInput({ path });
    expect(input.columns).toEqual(['email', 'note']);
    expect(items.map((item) => [item.kind, item.line, item.sourceLine, item.fields['email']])).toEqual([
      ['row', 1, 4, 'a@b.c'],
      ['row', 2, 8, 'b@b.c'],
    ]);
    expect(items[0]?.fields['note']).toBe('two\nlines');
  });

  it('reads TSV with tabs as the only delimiter', async () => {
    const path = tmp.write('tabs.tsv', 'email\tname\na@b.c\tSmith, Ann\n');
    const { input, items } = await readInput({ path });
    expect(input.format).toBe('tsv');
    expect({ ...items[0]?.fields }).toEqual({ email: 'a@b.c', name: 'Smith, Ann' });
  });

  it('keeps stray quotes inside unquoted values instead of failing', async () => {
    const path = tmp.write('quotes.csv', 'email,height\na@b.c,5\'10"\nb@b.c,"6\'1"""\n');
    const { items } = await readInput({ path });
    expect(items.map((item) => item.fields['height'])).toEqual(['5\'10"', '6\'1"']);
  });

  it('a quote that is never closed: the rows before it, then that record malformed, naming its line, and the input ends', async () => {
    const path = tmp.write('open-quote.csv', 'email,name\na@b.c,Ann\nb@b.c,"Bob\nc@b.c,Cid\n');
    const { items, error } = await readUntilStopped({ path });
    expect(error).toBeUndefined();
    expect(plain(items)).toEqual([
      { kind: 'row', line: 1, sourceLine: 2, fields: { email: 'a@b.c', name: 'Ann' } },
      {
        kind: 'malformed', line: 2, sourceLine: 3, fields: {},
        reason: 'a quote opened in this record is never closed, so the lines after it (from line 4) could not be read as rows and none was sent; fix the file, then run again with --resume',
      },
    ]);
  });

  it('a quote not closed within MAX_RECORD_BYTES: that record malformed, without reading the rest of a big file', async () => {
    const filler = 'x@example.com,Filler\n'.repeat(Math.ceil((MAX_RECORD_BYTES * 1.2) / 21));
    const path = tmp.write('runaway.csv', 'email,name\na@b.c,Ann\nb@b.c,"Bob\n' + filler);
    const { input, items, error } = await readUntilStopped({ path });
    expect(error).toBeUndefined();
    expect(items).toHaveLength(2);
    expect(items[1]).toMatchObject({ kind: 'malformed', line: 2, sourceLine: 3, reason: expect.stringMatching(/^a quote opened in this record is not closed within 1048576 bytes, so the lines after it \(from line 4\)/) });
    expect(input.bytesRead()).toBeLessThan(MAX_RECORD_BYTES * 1.2);
  });

  it('skips an unquoted record longer than MAX_RECORD_BYTES as a malformed row and reads on at the next line', async () => {
    // One just over the limit (parsed whole, then dropped) and one far over it (skipped as it streams by).
    const justOver = 'y'.repeat(MAX_RECORD_BYTES + 10);
    const farOver = 'z'.repeat(3 * MAX_RECORD_BYTES);
    const path = tmp.write(
      'huge-field.csv',
      `email,name\r\na@b.c,Ann\r\nb@b.c,${justOver}\r\nc@b.c,Cid\r\nd@b.c,${farOver}\ne@b.c,"two\r\nlines"\r\nf@b.c,Fay`,
    );
    const { items } = await readInput({ path });
    const skipped = (line: number, sourceLine: number) => ({
      kind: 'malformed',
      line,
      sourceLine,
      reason: 'this record is longer than 1048576 bytes; it was skipped and reading went on at the next line',
      fields: {},
    });
    expect(plain(items)).toEqual([
      { kind: 'row', line: 1, sourceLine: 2, fields: { email: 'a@b.c', name: 'Ann' } },
      skipped(2, 3),
      { kind: 'row', line: 3, sourceLine: 4, fields: { email: 'c@b.c', name: 'Cid' } },
      skipped(4, 5),
      { kind: 'row', line: 5, sourceLine: 6, fields: { email: 'e@b.c', name: 'two\r\nlines' } },
      { kind: 'row', line: 6, sourceLine: 8, fields: { email: 'f@b.c', name: 'Fay' } },
    ]);
  });

  it('gives the columns and no items for a header-only file', async () => {
    const { input, items } = await readInput({ path: tmp.write('header-only.csv', 'email,name\n') });
    expect(input.columns).toEqual(['email', 'name']);
    expect(items).toEqual([]);
  });

  it('can be closed early, and closed twice', async () => {
    const input = await openInput({ path: tmp.write('early.csv', 'email\na@b.c\nb@b.c\nc@b.c\n') });
    for await (const item of input.items) {
      expect(item.fields['email']).toBe('a@b.c');
      break;
    }
    await input.close();
    await input.close();
  });
});

describe('inputs that cannot be read', () => {
  const cases: [string, () => string, RegExp][] = [
    // no such file
    ['missing file', () => `${tmp.dir}/nope.csv`, /^input file .*nope\.csv not found$/],
    // a folder
    ['directory', () => tmp.dir, /is a directory, not a file$/],
    // zero bytes: no header
    ['empty file', () => tmp.write('empty.csv', ''), /empty\.csv is empty: expected a header row naming the fields$/],
    // only blank lines: no header either
    ['blank file', () => tmp.write('blank-only.csv', '\n\r\n,,\n'), /blank-only\.csv is empty: expected a header row/],
    // a header name repeated
    ['duplicate header', () => tmp.write('dup.csv', 'email,name,email\n'), /dup\.csv: header names "email" twice \(columns 1 and 3\)$/],
    // a header name left empty
    ['empty header name', () => tmp.write('hole.csv', 'email,,name\n'), /hole\.csv: header column 2 has no name/],
    // an extension that names no format
    ['unknown extension', () => tmp.write('data.xlsx', 'x'), /data\.xlsx from its extension \(\.xlsx; .*use --format csv\|tsv\|jsonl$/],
  ];
  it.each(cases)('%s is a one-line ConfigError naming the file', async (_name, path, message) => {
    const error = await openInput({ path: path() }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });

  it.skipIf(process.getuid?.() === 0)('an unreadable file is a ConfigError saying permission denied', async () => {
    const path = tmp.write('secret.csv', 'email\n');
    chmodSync(path, 0o000);
    await expect(openInput({ path })).rejects.toThrow(/cannot read input file .*secret\.csv: permission denied/);
  });

  it('an unknown --encoding is a one-line ConfigError naming the flag and a few valid names', async () => {
    const path = tmp.write('enc.csv', 'email\n');
    const error = await openInput({ path, encoding: 'latin-42' }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(
      '--encoding "latin-42" is not an encoding herald knows; use auto or one of utf8, gb18030, gbk, big5, shift_jis, euc-kr, windows-1252, latin1, utf16le (any name iconv-lite knows)',
    );
  });
});
