/** `herald send --channel webhook` as a process against real receivers on 127.0.0.1. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runHerald } from '../helpers/cli.js';
import { lastByKey, readLog, rowRecords, writeCsv } from '../helpers/files.js';
import { useWorkspace } from '../helpers/workspace.js';

const ws = useWorkspace();

describe('herald send --channel webhook', () => {
  it('delivers 2,000 rows over at most --concurrency connections, and every key ends sent (exit 0)', async () => {
    const sink = await ws.startSink();
    const csv = writeCsv(ws.dir, 2000);
    const result = await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--concurrency', '16', '--quiet']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(sink.delivered.size).toBe(2000);
    expect(sink.connections()).toBeLessThanOrEqual(16);
    const last = lastByKey(`${csv}.results.jsonl`);
    expect(last.size).toBe(2000);
    expect([...last.values()].every((record) => record.status === 'sent')).toBe(true);
    const keys = new Set([...last.values()].map((record) => record.idempotencyKey));
    expect(keys).toEqual(new Set(sink.delivered.keys()));
  });

  it('renders a JSON body template with values escaped as string content, and sends Idempotency-Key', async () => {
    const sink = await ws.startSink();
    const csv = join(ws.dir, 'q.csv');
    writeFileSync(csv, 'id,name\nq1,"Zoë ""the"" \\ coder"\nq2,张三\n');
    const body = join(ws.dir, 'push.json');
    writeFileSync(body, '{"to": "{{id}}", "text": "Hello {{name}}"}\n');
    const result = await runHerald(['send', csv, '--channel', 'webhook', '--url', `${sink.url}/{{id}}?n={{name}}`, '--body', body, '--header', 'X-Name: {{name}}', '--quiet']);
    expect(result.code).toBe(0);
    const byPath = new Map(sink.requests.map((r) => [r.path, r]));
    const zoe = byPath.get('/hook/q1?n=Zo%C3%AB%20%22the%22%20%5C%20coder')!;
    expect(JSON.parse(zoe.body)).toEqual({ to: 'q1', text: 'Hello Zoë "the" \\ coder' });
    expect(zoe.headers['content-type']).toBe('application/json');
    const zhang = byPath.get(`/hook/q2?n=${encodeURIComponent('张三')}`)!;
    expect(JSON.parse(zhang.body).text).toBe('Hello 张三');
    expect(Buffer.from(zhang.headers['x-name'] as string, 'latin1').toString('utf8')).toBe('张三');
    const records = lastByKey(`${csv}.results.jsonl`);
    expect(zhang.headers['idempotency-key']).toBe(records.get('q2')!.idempotencyKey);
  });

  it('marks rows invalid (with their line) for a missing field or a header value with a line break, and goes on (exit 3)', async () => {
    const sink = await ws.startSink();
    const jsonl = join(ws.dir, 'rows.jsonl');
    writeFileSync(jsonl, ['{"id":"a","name":"Ann"}', '{"id":"b"}', 'not json', '{"id":"c","name":"Line\\r\\nX-Evil: 1"}', '{"id":"a","name":"again"}', '{"id":"d","name":"Dee"}'].join('\n') + '\n');
    const result = await runHerald(['send', jsonl, '--channel', 'webhook', '--url', sink.url, '--header', 'X-Name: {{name}}', '--quiet']);
    expect(result.code).toBe(3);
    expect(sink.requests.map((r) => JSON.parse(r.body).id).sort()).toEqual(['a', 'd']);
    const records = rowRecords(`${jsonl}.results.jsonl`);
    const byLine = new Map(records.filter((r) => r.status !== 'pending').map((r) => [r.line, r]));
    expect(byLine.get(2)).toMatchObject({ key: 'b', status: 'invalid', class: 'invalid' });
    expect(String(byLine.get(2)!.error)).toContain('{{name}}');
    expect(byLine.get(3)).toMatchObject({ key: null, status: 'invalid', class: 'invalid' });
    expect(byLine.get(4)).toMatchObject({ key: 'c', status: 'invalid' });
    expect(String(byLine.get(4)!.error)).toContain('line break');
    expect(byLine.get(5)).toMatchObject({ key: 'a', status: 'skipped', class: 'duplicate' });
    expect(sink.requests.every((r) => r.headers['x-evil'] === undefined)).toBe(true);
  });

  it('percent-encodes spaces and Chinese typed into --url, drops a #fragment, and refuses control characters in header values', async () => {
    const sink = await ws.startSink();
    const jsonl = join(ws.dir, 'rows.jsonl');
    writeFileSync(jsonl, ['{"id":"a/1","v":"ok"}', '{"id":"b","v":"bell\\u0007"}'].join('\n') + '\n');
    const url = `${sink.url}/订单 列表/{{id}}?来源=短信#top`;
    const result = await runHerald(['send', jsonl, '--channel', 'webhook', '--url', url, '--header', 'X-V: {{v}}', '--quiet']);
    expect(result.code, result.stderr).toBe(3);
    expect(sink.requests.map((r) => r.path)).toEqual(['/hook/%E8%AE%A2%E5%8D%95%20%E5%88%97%E8%A1%A8/a%2F1?%E6%9D%A5%E6%BA%90=%E7%9F%AD%E4%BF%A1']);
    const last = lastByKey(`${jsonl}.results.jsonl`);
    expect(last.get('a/1')).toMatchObject({ status: 'sent', class: 'ok' });
    expect(last.get('b')).toMatchObject({ status: 'invalid', class: 'invalid' });
    expect(String(last.get('b')!.error)).toContain('control character (U+0007)');
  });

  it('classifies answers: 404 permanent, 401 fatal stops the run (exit 1) with the sends in flight recorded', async () => {
    const sink = await ws.startSink((request) => {
      const id = JSON.parse(request.body).id as string;
      if (id === 'k3') return { status: 404 };
      if (request.n >= 10) return { status: 401, body: '{"error":"bad token"}' };
      return { status: 200 };
    });
    const csv = writeCsv(ws.dir, 200);
    const result = await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--concurrency', '1', '--quiet']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('401');
    expect(result.stderr).toContain('--header');
    const last = lastByKey(`${csv}.results.jsonl`);
    expect(last.get('k3')).toMatchObject({ status: 'failed', class: 'permanent', code: '404' });
    expect(last.get('k9')).toMatchObject({ status: 'failed', class: 'fatal', code: '401' });
    expect(last.size).toBe(10);
    expect(sink.requests.length).toBe(10);
  });

  it('reads stdin with --format and needs --out', async () => {
    const sink = await ws.startSink();
    const refused = await runHerald(['send', '-', '--format', 'jsonl', '--channel', 'webhook', '--url', sink.url], { stdin: '{"id":"s1"}\n' });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--out');
    const out = join(ws.dir, 'stdin.results.jsonl');
    const result = await runHerald(['send', '-', '--format', 'jsonl', '--channel', 'webhook', '--url', sink.url, '--out', out, '--quiet'], { stdin: '{"id":"s1"}\n{"id":"s2"}\n' });
    expect(result.code).toBe(0);
    expect(lastByKey(out).size).toBe(2);
  });

  it('--dry-run renders every row, prints the first message, sends nothing and writes no log', async () => {
    const sink = await ws.startSink();
    const csv = writeCsv(ws.dir, 50);
    const body = join(ws.dir, 'b.json');
    writeFileSync(body, '{"hello": "{{name}}"}');
    const result = await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--body', body, '--header', 'Authorization: Bearer ${HOOK_TOKEN}', '--dry-run'], { env: { HOOK_TOKEN: 's3cr3t-token' } });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('{"hello": "Name 0"}');
    expect(result.stdout).toContain('Authorization: Bearer ${HOOK_TOKEN}');
    expect(result.stdout + result.stderr).not.toContain('s3cr3t-token');
    expect(result.stderr).toContain('would send 50 rows');
    expect(sink.requests.length).toBe(0);
    expect(readLogOrNull(`${csv}.results.jsonl`)).toBeNull();
  });

  it('--limit sends only the first N sendable rows; --resume later sends the rest', async () => {
    const sink = await ws.startSink();
    const csv = writeCsv(ws.dir, 30);
    expect((await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--limit', '5', '--quiet'])).code).toBe(0);
    expect(sink.delivered.size).toBe(5);
    expect((await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--resume', '--quiet'])).code).toBe(0);
    expect(sink.delivered.size).toBe(30);
    expect(sink.requests.length).toBe(30);
  });

  it('keeps secrets from ${VAR} headers out of the result log and the output', async () => {
    const sink = await ws.startSink((request) => (request.headers.authorization === 'Bearer tok-123456' ? { status: 200 } : { status: 401 }));
    const csv = writeCsv(ws.dir, 20);
    const result = await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--header', 'Authorization: Bearer ${HOOK_TOKEN}', '--json'], { env: { HOOK_TOKEN: 'tok-123456' } });
    expect(result.code).toBe(0);
    const log = readLog(`${csv}.results.jsonl`);
    expect(JSON.stringify(log)).not.toContain('tok-123456');
    expect(result.stdout + result.stderr).not.toContain('tok-123456');
    expect(JSON.stringify(log[0])).toContain('${HOOK_TOKEN}');
  });
});

function readLogOrNull(path: string): unknown[] | null {
  try {
    return readLog(path);
  } catch {
    return null;
  }
}

describe('webhook bodies by extension', () => {
  it('HTML-escapes values in an .html body and sends it as text/html', async () => {
    const sink = await ws.startSink();
    const csv = join(ws.dir, 'h.csv');
    writeFileSync(csv, 'id,name\nh1,<b>Tom & "Jerry"</b>\n');
    const body = join(ws.dir, 'note.html');
    writeFileSync(body, '<p>Hello {{name}}</p>');
    const result = await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--body', body, '--quiet']);
    expect(result.code).toBe(0);
    expect(sink.requests[0]!.body).toBe('<p>Hello &lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt;</p>');
    expect(sink.requests[0]!.headers['content-type']).toBe('text/html; charset=utf-8');
  });
});
