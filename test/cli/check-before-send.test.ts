/**
 * Mistakes caught before the first send (issue 14.1): a placeholder naming a column the input does
 * not have is one line, exit 2, nothing sent and no log; rows a log records `invalid` for a
 * template field are validated again by --resume once the template is fixed.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runHerald } from '../helpers/cli.js';
import { lastByKey, writeCsv } from '../helpers/files.js';
import { useWorkspace } from '../helpers/workspace.js';

const ws = useWorkspace();

describe('the check before the first send', () => {
  it('a misspelled placeholder in --url, a body or a header: exit 2, one line naming it and the fields there are; nothing sent, no log', async () => {
    const sink = await ws.startSink();
    const csv = writeCsv(ws.dir, 20);
    const body = join(ws.dir, 'push.json');
    writeFileSync(body, '{"to": "{{id}}", "text": "Hello {{nmae}}"}\n');
    const cases: [string[], RegExp][] = [
      [['--url', `${sink.url}?u={{usr}}`], /has no column 'usr', used by \{\{usr\}\} in --url; the fields there are: id, name, email/],
      [['--url', sink.url, '--body', body], /has no column 'nmae', used by \{\{nmae\}\} in .*push\.json.*the fields there are: id, name, email/],
      [['--url', sink.url, '--header', 'X-Who: {{emial}}'], /has no column 'emial', used by \{\{emial\}\} in --header/],
    ];
    for (const [flags, message] of cases) {
      const result = await runHerald(['send', csv, '--channel', 'webhook', ...flags]);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr.trim().split('\n'), result.stderr).toHaveLength(1);
      expect(result.stderr).toMatch(message);
    }
    expect(sink.requests).toHaveLength(0);
    expect(existsSync(`${csv}.results.jsonl`)).toBe(false);
  });

  it('JSONL: a field missing from every one of the first rows is refused the same way, saying which rows were looked at', async () => {
    const sink = await ws.startSink();
    const jsonl = join(ws.dir, 'rows.jsonl');
    writeFileSync(jsonl, ['{"id":"a","name":"Ann"}', '{"id":"b","name":"Bo"}'].join('\n') + '\n');
    const result = await runHerald(['send', jsonl, '--channel', 'webhook', '--url', `${sink.url}?c={{city}}`]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/'city'/);
    expect(result.stderr).toMatch(/first/);
    expect(sink.requests).toHaveLength(0);
  });

  it('--resume validates invalid rows again: fixed since, they are sent once; the summary named why they were invalid', async () => {
    const sink = await ws.startSink();
    const jsonl = join(ws.dir, 'rows.jsonl');
    // Rows b and d have no city: invalid while the URL uses {{city}}.
    writeFileSync(jsonl, ['{"id":"a","city":"Oslo"}', '{"id":"b"}', '{"id":"c","city":"Rome"}', '{"id":"d"}'].join('\n') + '\n');
    const log = `${jsonl}.results.jsonl`;
    const first = await runHerald(['send', jsonl, '--channel', 'webhook', '--url', `${sink.url}?c={{city}}`]);
    expect(first.code, first.stderr).toBe(3);
    expect(first.stderr).toMatch(/reasons\s+2\s+invalid.*\{\{city\}\}/);
    expect([...lastByKey(log).values()].map((r) => `${r.key}:${r.status}`).sort()).toEqual(['a:sent', 'b:invalid', 'c:sent', 'd:invalid']);
    // The template no longer needs the field: --resume sends b and d, and not a or c again.
    const resumed = await runHerald(['send', jsonl, '--channel', 'webhook', '--url', sink.url, '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect([...lastByKey(log).values()].every((r) => r.status === 'sent')).toBe(true);
    expect(sink.requests.map((r) => JSON.parse(r.body).id).sort()).toEqual(['a', 'b', 'c', 'd']);
  });
});
