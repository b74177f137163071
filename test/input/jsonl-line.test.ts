import { describe, expect, it } from 'vitest';
import { jsonLineToItem, MAX_JSON_DEPTH } from '../../src/input/jsonl-items.js';
import { LineSplitter, type SplitLine } from '../../src/input/line-splitter.js';
import type { InputItem } from '../../src/input/row.js';

describe('jsonLineToItem', () => {
  const malformed = (reason: string): InputItem => ({ kind: 'malformed', line: 2, sourceLine: 4, reason, fields: {} });
  const cases: [string, string, InputItem][] = [
    // an object: a row with its values as parsed (numbers stay numbers, nesting kept)
    [
      'object',
      '{"email":"a@b.c","n":3,"tags":["x"]}',
      { kind: 'row', line: 2, sourceLine: 4, fields: { email: 'a@b.c', n: 3, tags: ['x'] } },
    ],
    // Chinese values and keys
    ['chinese', '{"姓名":"张三"}', { kind: 'row', line: 2, sourceLine: 4, fields: { 姓名: '张三' } }],
    // broken JSON: the parser's message is the reason
    ['not json', '{"email": "a@b.c",', malformed('not valid JSON: ' + jsonError('{"email": "a@b.c",'))],
    // an array is JSON but not a row
    ['array', '["a@b.c"]', malformed('expected a JSON object, found an array')],
    // a bare string
    ['string', '"a@b.c"', malformed('expected a JSON object, found a string')],
    // a number
    ['number', '42', malformed('expected a JSON object, found a number')],
    // null
    ['null', 'null', malformed('expected a JSON object, found null')],
    // nesting at the limit (the row object is level 1) is a row
    ['deep at the limit', `{"a":${'['.repeat(MAX_JSON_DEPTH - 1)}${']'.repeat(MAX_JSON_DEPTH - 1)}}`, { kind: 'row', line: 2, sourceLine: 4, fields: { a: nested(MAX_JSON_DEPTH - 1) } }],
    // one level more is refused, and so is a 9 KB line nested 4,500 levels (it overflowed the stack when serialised)
    ['one level too deep', `{"a":${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}}`, malformed('nested deeper than 64 levels of objects and arrays')],
    ['4,500 levels', `{"email":"a@b.c","x":${'{"a":'.repeat(4500)}1${'}'.repeat(4500)}}`, malformed('nested deeper than 64 levels of objects and arrays')],
  ];
  it.each(cases)('%s', (_name, text, expected) => {
    expect(jsonLineToItem(text, 2, 4)).toEqual(expected);
  });

  it('keeps a "__proto__" key as an ordinary field', () => {
    const item = jsonLineToItem('{"__proto__":"x","email":"a@b.c"}', 1, 1);
    expect(Object.keys(item.fields)).toEqual(['__proto__', 'email']);
    expect(item.fields['__proto__']).toBe('x');
  });
});

/** Arrays nested `levels` deep: [[…[]…]]. */
function nested(levels: number): unknown {
  let value: unknown[] = [];
  for (let i = 1; i < levels; i++) value = [value];
  return value;
}

/** The message JSON.parse gives for `text`. */
function jsonError(text: string): string {
  try {
    JSON.parse(text);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected invalid JSON');
}

/** Splits `chunks` with a splitter of the given limit; returns every line, the end included. */
function split(chunks: string[], maxBytes = 10): { text: string; tooLong: boolean }[] {
  const splitter = new LineSplitter(maxBytes);
  const lines: SplitLine[] = [...chunks.flatMap((chunk) => splitter.push(Buffer.from(chunk))), ...splitter.end()];
  return lines.map((line) => (line.tooLong ? { text: '', tooLong: true } : { text: line.bytes.toString(), tooLong: false }));
}

describe('LineSplitter', () => {
  const line = (text: string) => ({ text, tooLong: false });
  const tooLong = { text: '', tooLong: true };
  const cases: [string, string[], { text: string; tooLong: boolean }[]][] = [
    // lines in one chunk, the last with a line break
    ['one chunk', ['a\nb\n'], [line('a'), line('b')]],
    // the last line without a line break still comes out
    ['no final break', ['a\nb'], [line('a'), line('b')]],
    // CRLF: the CR is dropped
    ['crlf', ['a\r\nb\r\n'], [line('a'), line('b')]],
    // a line split across chunks, the CR and LF of CRLF split too
    ['split line', ['ab', 'c\r', '\nd'], [line('abc'), line('d')]],
    // empty lines come out empty (the caller skips them and counts them)
    ['empty lines', ['\n\na\n'], [line(''), line(''), line('a')]],
    // a line over the limit within one chunk
    ['too long in one chunk', ['12345678901\nok\n'], [tooLong, line('ok')]],
    // a line over the limit across chunks is dropped as it streams and reported once
    ['too long across chunks', ['123456', '789012', '345\nok'], [tooLong, line('ok')]],
    // a too-long last line without a break
    ['too long at the end', ['123456', '789012'], [tooLong]],
    // exactly the limit is fine
    ['at the limit', ['1234567890\n'], [line('1234567890')]],
    // nothing
    ['empty input', [], []],
  ];
  it.each(cases)('%s', (_name, chunks, expected) => {
    expect(split(chunks)).toEqual(expected);
  });
});
