import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../../src/input/jsonl-items.js';
import { MAX_LINE_BYTES } from '../../src/input/line-splitter.js';
import { readInput, scratch } from './helpers.js';

const tmp = scratch();

describe('JSONL records', () => {
  it('reads one object per non-empty line; bad lines become malformed rows and reading goes on', async () => {
    const path = tmp.write(
      'rows.jsonl',
      '{"email":"a@b.c","n":1}\n' + // 1: record 1
        '\n' + // 2: blank, not a record
        '{"email": "b@b.c",\n' + // 3: record 2, broken JSON
        '["c@b.c"]\r\n' + // 4: record 3, an array
        '   \n' + // 5: spaces only, not a record
        '{"email":"d@b.c","姓名":"张三"}', // 6: record 4, no final line break
    );
    const { input, items } = await readInput({ path });
    expect(input.format).toBe('jsonl');
    expect(input.columns).toBeNull();
    expect(items.map((item) => [item.kind, item.line, item.sourceLine])).toEqual([
      ['row', 1, 1],
      ['malformed', 2, 3],
      ['malformed', 3, 4],
      ['row', 4, 6],
    ]);
    expect({ ...items[0]?.fields }).toEqual({ email: 'a@b.c', n: 1 });
    expect(items[1]).toMatchObject({ reason: expect.stringMatching(/^not valid JSON: /) as unknown });
    expect(items[2]).toMatchObject({ reason: 'expected a JSON object, found an array' });
    expect({ ...items[3]?.fields }).toEqual({ email: 'd@b.c', 姓名: '张三' });
  });

  it('reports a line longer than MAX_LINE_BYTES without holding it, and reads on', async () => {
    const long = `{"email":"a@b.c","pad":"${'x'.repeat(MAX_LINE_BYTES)}"}`;
    const path = tmp.write('long.ndjson', `${long}\n{"email":"b@b.c"}\n`);
    const { items } = await readInput({ path });
    expect(items.map((item) => [item.kind, item.line, item.sourceLine])).toEqual([
      ['malformed', 1, 1],
      ['row', 2, 2],
    ]);
    expect(items[0]).toMatchObject({ reason: `line longer than ${MAX_LINE_BYTES} bytes` });
  });

  it('refuses a row nested deeper than MAX_JSON_DEPTH and reads on; never a stack overflow', async () => {
    const deep = `{"email":"deep@b.c","x":${'['.repeat(4500)}${']'.repeat(4500)}}`;
    const path = tmp.write('deep.jsonl', `{"email":"a@b.c"}\n${deep}\n{"email":"c@b.c"}\n`);
    const { items } = await readInput({ path });
    expect(items.map((item) => [item.kind, item.line, item.sourceLine])).toEqual([['row', 1, 1], ['malformed', 2, 2], ['row', 3, 3]]);
    expect(items[1]).toMatchObject({ reason: `nested deeper than ${MAX_JSON_DEPTH} levels of objects and arrays`, fields: {} });
  });

  it('names the bytes of a line that is not UTF-8 (utf8 or auto), and strips a UTF-8 BOM', async () => {
    const bytes = Buffer.concat([Buffer.from('\ufeff{"email":"a@b.c"}\n{"email":"b@b.c","name":"'), Buffer.from([0xd5, 0xc5]), Buffer.from('"}\n')]);
    const path = tmp.write('bad-utf8.jsonl', bytes);
    for (const encoding of ['utf8', 'auto']) {
      const { items } = await readInput({ path, encoding });
      expect(items.map((item) => [item.kind, item.line, item.sourceLine])).toEqual([['row', 1, 1], ['malformed', 2, 2]]);
      expect({ ...items[0]?.fields }).toEqual({ email: 'a@b.c' });
      expect(items[1]).toMatchObject({ reason: 'bytes that are not UTF-8: D5 C5 (is the file in another encoding? name it with --encoding)' });
    }
  });

  it('reads an empty JSONL file as no records (it has no header to miss)', async () => {
    const { items } = await readInput({ path: tmp.write('empty.jsonl', '') });
    expect(items).toEqual([]);
  });
});
