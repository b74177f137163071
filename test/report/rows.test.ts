/** `herald report --rows`: the selector, CSV cells, and the round trip a user makes to fix failed rows and send them again. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { csvCell } from '../../src/report/csv-writer.js';
import { parseRowSelector } from '../../src/report/row-selector.js';
import { runHerald } from '../helpers/cli.js';
import { useWorkspace } from '../helpers/workspace.js';
import { rowRecord, runRecord, writeLog } from './records.js';

const ws = useWorkspace();

describe('parseRowSelector', () => {
  it.each([
    ['failed', 'failed', 'permanent', true],
    ['failed', 'sent', 'ok', false],
    ['failed:permanent', 'failed', 'permanent', true],
    ['failed:permanent', 'failed', 'retryable', false], // the class narrows
    ['failed:permanent,failed', 'failed', 'retryable', true], // a bare status takes every class, in either order
    ['failed,failed:permanent', 'failed', 'retryable', true],
    ['failed:permanent,failed:fatal', 'failed', 'fatal', true], // classes add up
    [' invalid , skipped:suppressed ', 'skipped', 'suppressed', true],
    ['skipped:suppressed', 'skipped', 'duplicate', false],
    ['pending', 'pending', null, true],
  ])('%j takes %s/%s: %s', (text, status, rowClass, wanted) => {
    expect(parseRowSelector(text)(status, rowClass)).toBe(wanted);
  });

  it.each([
    ['failde', "unknown status 'failde'"],
    ['failed:oops', "unknown class 'oops'"],
    [',', 'name at least one status'],
  ])('refuses %j (%s)', (text, message) => {
    expect(() => parseRowSelector(text)).toThrow(message);
  });
});

describe('csvCell', () => {
  it.each([
    ['plain', 'plain'],
    ['张三', '张三'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    [' padded', '" padded"'],
    [null, ''],
    [42, '42'],
    [{ a: 1 }, '"{""a"":1}"'],
  ])('%j is written %j', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });
});

describe('herald report --rows', () => {
  async function failedCampaign(): Promise<{ log: string }> {
    const sink = await ws.startSink((request) => {
      const id = JSON.parse(request.body).id as string;
      if (id === 'k3' || id === 'k7') return { status: 404 };
      if (id === 'k5') return { status: 500 };
      return { status: 200 };
    });
    const csv = join(ws.dir, 'list.csv');
    const lines = ['id,name,note', 'k1,Ann,', 'k2,张三,x', 'k3,李四,"has, comma"', 'k4,Bob,', 'k5,"Zoë ""Z""",', 'k6,Cy,', 'k7,王五,', 'k1,Again,', 'k8,broken'];
    writeFileSync(csv, lines.join('\n') + '\n');
    const body = join(ws.dir, 'body.json');
    writeFileSync(body, '{"id": "{{id}}", "name": "{{name}}"}\n');
    const result = await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--body', body, '--retries', '0', '--quiet']);
    expect(result.code, result.stderr).toBe(3);
    return { log: `${csv}.results.jsonl` };
  }

  it('writes failed rows as CSV with a BOM that herald sends again: exactly those rows, names intact', async () => {
    const { log } = await failedCampaign();
    const rows = await runHerald(['report', log, '--rows', 'failed']);
    expect(rows.code, rows.stderr).toBe(0);
    expect(rows.stdout.startsWith('\uFEFFid,name,note,status,class,code,error\r\n')).toBe(true);
    expect(rows.stdout.split('\r\n').filter((l) => l !== '')).toHaveLength(4);
    expect(rows.stdout).toContain('k3,李四,"has, comma",failed,permanent,404,');
    const fix = join(ws.dir, 'fix.csv');
    writeFileSync(fix, rows.stdout);

    const sink = await ws.startSink();
    const body = join(ws.dir, 'body.json');
    const again = await runHerald(['send', fix, '--channel', 'webhook', '--url', sink.url, '--body', body, '--quiet']);
    expect(again.code, again.stderr).toBe(0);
    const sent = sink.requests.map((r) => JSON.parse(r.body) as { id: string; name: string }).sort((a, b) => a.id.localeCompare(b.id));
    expect(sent).toEqual([{ id: 'k3', name: '李四' }, { id: 'k5', name: 'Zoë "Z"' }, { id: 'k7', name: '王五' }]);
  });

  it('narrows to a class, writes JSONL, exports invalid and skipped rows from their own records; --html leaves --json as it was', async () => {
    const { log } = await failedCampaign();
    const permanent = await runHerald(['report', log, '--rows', 'failed:permanent', '--format', 'jsonl']);
    expect(permanent.code).toBe(0);
    const objects = permanent.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(objects.map((o) => o.id)).toEqual(['k3', 'k7']);
    expect(objects[0]).toEqual({ id: 'k3', name: '李四', note: 'has, comma', status: 'failed', class: 'permanent', code: '404', error: expect.any(String) });
    const other = await runHerald(['report', log, '--rows', 'invalid,skipped', '--format', 'jsonl']);
    const states = other.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(states.map((o) => `${String(o.status)}/${String(o.class)}`).sort()).toEqual(['invalid/invalid', 'skipped/duplicate']);
    expect(states.find((o) => o.status === 'skipped')?.name).toBe('Again');

    // --html writes the page and leaves --json exactly as it was.
    const plain = await runHerald(['report', log, '--json']);
    const page = join(ws.dir, 'page.html');
    const withPage = await runHerald(['report', log, '--json', '--html', page]);
    expect(withPage.stdout).toBe(plain.stdout);
    expect(readFileSync(page, 'utf8')).toContain('<title>herald report: list.csv.results.jsonl</title>');
  });

  it('a row recorded invalid without a key and sent later with its key is exported and counted as sent only', async () => {
    const at = (s: number) => new Date(Date.parse('2026-05-01T08:00:00.000Z') + s * 1000).toISOString();
    const log = writeLog(ws.dir, [
      runRecord(at(0)),
      rowRecord(null, 'invalid', 'invalid', at(1), { line: 3, error: "record 3 (line 4): no value in the key field 'id'", row: { id: '', name: 'Dee' } }),
      rowRecord('k1', 'sent', 'ok', at(2), { line: 1, row: { id: 'k1', name: 'Ann' } }),
      runRecord(at(60)),
      rowRecord('k3', 'sent', 'ok', at(61), { line: 3, row: { id: 'k3', name: 'Dee' } }),
    ]);
    const invalid = await runHerald(['report', log, '--rows', 'invalid', '--format', 'jsonl']);
    expect(invalid.code, invalid.stderr).toBe(0);
    expect(invalid.stdout.trim()).toBe('');
    const json = JSON.parse((await runHerald(['report', log, '--json'])).stdout) as { rows: number; status: Record<string, number> };
    expect(json.status).toEqual({ sent: 2 });
  });

  it('--html never overwrites a result log (the one reported on, or another), and a file with no record is one line', async () => {
    const at = (s: number) => new Date(Date.parse('2026-05-01T08:00:00.000Z') + s * 1000).toISOString();
    const log = writeLog(ws.dir, [runRecord(at(0)), rowRecord('k1', 'sent', 'ok', at(1))]);
    const other = writeLog(ws.dir, [runRecord(at(0))], 'other.jsonl');
    const before = [readFileSync(log, 'utf8'), readFileSync(other, 'utf8')];
    for (const [target, message] of [[log, /is the result log itself/], [other, /is a herald result log/]] as const) {
      const result = await runHerald(['report', log, '--html', target]);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(message);
    }
    expect([readFileSync(log, 'utf8'), readFileSync(other, 'utf8')]).toEqual(before);
    const csv = join(ws.dir, 'in.csv');
    writeFileSync(csv, 'id,name\n' + Array.from({ length: 8 }, (_, i) => `k${i},n${i}`).join('\n') + '\n');
    const notALog = await runHerald(['report', csv]);
    expect(notALog.code).toBe(2);
    expect(notALog.stderr.trim().split('\n'), notALog.stderr).toEqual([expect.stringMatching(/holds no herald records/)]);
  });

  it('refuses an unknown status, or --rows with --json, in one line (exit 2)', async () => {
    const log = writeLog(ws.dir, [runRecord('2026-05-01T08:00:00.000Z'), rowRecord('k1', 'failed', 'permanent', '2026-05-01T08:00:01.000Z')]);
    for (const args of [['--rows', 'faild'], ['--rows', 'failed', '--json'], ['--format', 'jsonl'], ['--rows', 'failed', '--format', 'xlsx']]) {
      const result = await runHerald(['report', log, ...args]);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
  });
});
