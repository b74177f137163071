import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { headerNames, isBlankRecord, recordToItem } from '../../src/input/csv-record.js';
import type { InputItem } from '../../src/input/row.js';

describe('headerNames', () => {
  const accepted: [string, string[], string[]][] = [
    // names are trimmed
    ['trimmed', [' email ', '\tname', 'city  '], ['email', 'name', 'city']],
    // a UTF-8 BOM left on the first name is dropped (String.prototype.trim removes U+FEFF)
    ['bom on first name', ['\uFEFFemail', 'name'], ['email', 'name']],
    // Chinese names and names with inner spaces are kept as they are
    ['chinese and spaces', ['姓名', 'Contact Phone'], ['姓名', 'Contact Phone']],
    // names differing only in case are different fields
    ['case matters', ['Email', 'email'], ['Email', 'email']],
  ];
  it.each(accepted)('%s', (_name, values, expected) => {
    expect(headerNames(values, 'in.csv')).toEqual(expected);
  });

  const refused: [string, string[], string][] = [
    // an empty name (a trailing comma in the header)
    ['trailing comma', ['email', 'name', ''], 'in.csv: header column 3 has no name'],
    // a name of spaces only is empty once trimmed
    ['spaces only', ['email', '  ', 'name'], 'in.csv: header column 2 has no name'],
    // the same name twice
    ['duplicate', ['email', 'name', 'email'], 'in.csv: header names "email" twice (columns 1 and 3)'],
    // the same name twice once trimmed
    ['duplicate after trim', ['name', ' name '], 'in.csv: header names "name" twice (columns 1 and 2)'],
  ];
  it.each(refused)('%s', (_name, values, message) => {
    expect(() => headerNames(values, 'in.csv')).toThrow(ConfigError);
    expect(() => headerNames(values, 'in.csv')).toThrow(message);
  });
});

describe('isBlankRecord', () => {
  const cases: [string, string[], boolean][] = [
    // a line of commas, as spreadsheets export empty rows
    ['commas only', ['', '', ''], true],
    // a line of spaces
    ['spaces', ['   '], true],
    // one value makes the record real
    ['one value', ['', 'x', ''], false],
  ];
  it.each(cases)('%s', (_name, values, expected) => {
    expect(isBlankRecord(values)).toBe(expected);
  });
});

describe('recordToItem', () => {
  const columns = ['email', 'name', 'city', 'code'];
  const cases: [string, string[], InputItem][] = [
    // one value per column: a row, values kept as they are (no trimming, empty cells present)
    [
      'exact',
      ['a@b.c', ' Ann ', '', '007'],
      { kind: 'row', line: 3, sourceLine: 5, fields: { email: 'a@b.c', name: ' Ann ', city: '', code: '007' } },
    ],
    // one value too many: malformed, the first four mapped
    [
      'too many',
      ['a@b.c', 'Ann', 'Oslo', '1', 'extra'],
      {
        kind: 'malformed',
        line: 3,
        sourceLine: 5,
        reason: 'expected 4 fields, found 5',
        fields: { email: 'a@b.c', name: 'Ann', city: 'Oslo', code: '1' },
      },
    ],
    // too few: malformed, the present values mapped, the rest absent
    [
      'too few',
      ['a@b.c', 'Ann'],
      { kind: 'malformed', line: 3, sourceLine: 5, reason: 'expected 4 fields, found 2', fields: { email: 'a@b.c', name: 'Ann' } },
    ],
  ];
  it.each(cases)('%s', (_name, values, expected) => {
    expect(recordToItem(values, columns, 3, 5)).toEqual(expected);
  });

  it('keeps a column named __proto__ or constructor as an ordinary field', () => {
    const item = recordToItem(['x', 'y'], ['__proto__', 'constructor'], 1, 2);
    expect(Object.keys(item.fields)).toEqual(['__proto__', 'constructor']);
    expect(item.fields['constructor']).toBe('y');
    expect(recordToItem(['x'], ['email'], 1, 2).fields['constructor']).toBeUndefined();
  });
});
