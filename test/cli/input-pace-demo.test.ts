/** Encodings end to end, pacing at the receiver, `herald mock webhook` and `herald demo`, as processes. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { finished, runHerald, spawnHerald } from '../helpers/cli.js';
import { lastByKey, readLog, writeCsv } from '../helpers/files.js';
import { useWorkspace } from '../helpers/workspace.js';

const ws = useWorkspace();

describe('input encodings end to end', () => {
  it('a GBK CSV without BOM, its UTF-8 twin and a UTF-8-with-BOM twin deliver identical bodies, Chinese names intact', async () => {
    const sink = await ws.startSink();
    const text = 'id,name,city\n1,张三,北京\n2,李四,上海\n3,Alice Martin,Paris\n4,王小明,深圳\n';
    const files = {
      gbk: iconv.encode(text, 'gbk'),
      utf8: Buffer.from(text, 'utf8'),
      bom: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]),
    };
    const body = join(ws.dir, 'body.json');
    writeFileSync(body, '{"id": "{{id}}", "name": "{{name}}", "city": "{{city}}"}');
    const bodies: Record<string, string[]> = {};
    for (const [name, bytes] of Object.entries(files)) {
      const csv = join(ws.dir, `${name}.csv`);
      writeFileSync(csv, bytes);
      const before = sink.requests.length;
      const result = await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--body', body, '--concurrency', '1', '--quiet']);
      expect(result.code).toBe(0);
      bodies[name] = sink.requests.slice(before).map((r) => r.body);
    }
    expect(bodies.gbk).toEqual(bodies.utf8);
    expect(bodies.bom).toEqual(bodies.utf8);
    expect(bodies.utf8!.map((b) => (JSON.parse(b) as { name: string }).name)).toEqual(['张三', '李四', 'Alice Martin', '王小明']);
  });
});

// Pacing precision is tested with an injected clock (test/unit/pacing.test.ts) and measured by
// `npm run bench`; here, as a process, only what a wall clock cannot make flaky: order and counts.
describe('pacing', () => {
  it('--rate sends every row once, in input order, and records the rate in the run record', async () => {
    const sink = await ws.startSink();
    const csv = writeCsv(ws.dir, 30);
    const result = await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--rate', '600/min', '--concurrency', '1', '--quiet']);
    expect(result.code).toBe(0);
    expect(sink.requests.map((r) => (JSON.parse(r.body) as { id: string }).id)).toEqual(Array.from({ length: 30 }, (_, i) => `k${i}`));
    expect(readLog(`${csv}.results.jsonl`)[0]).toMatchObject({ type: 'run', settings: { rate: '600/min' } });
  });
});

describe('herald mock webhook', () => {
  it('prints the variable that points herald at it, receives a campaign, and reports what it saw on Ctrl-C', async () => {
    const mock = spawnHerald(['mock', 'webhook', '--latency', '1-3ms']);
    const output = finished(mock);
    const url = await new Promise<string>((resolve) => {
      let seen = '';
      mock.stdout!.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        const match = /export HERALD_WEBHOOK_URL=(\S+)/.exec(seen);
        if (match) resolve(match[1]!);
      });
    });
    const csv = writeCsv(ws.dir, 40);
    const result = await runHerald(['send', csv, '--channel', 'webhook', '--quiet'], { env: { HERALD_WEBHOOK_URL: url } });
    expect(result.code).toBe(0);
    mock.kill('SIGINT');
    const done = await output;
    expect(done.code).toBe(0);
    expect(done.stderr).toContain('40 requests: 40 delivered');
  });
});

describe('herald demo', () => {
  it('sends fixtures/demo.csv through the built-in simulator, retries the failures and ends with every row sent (exit 0)', async () => {
    const out = join(ws.dir, 'demo.results.jsonl');
    const result = await runHerald(['demo', '--rate', '2000/s', '--out', out]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('herald report');
    const last = lastByKey(out);
    expect(last.size).toBe(1000);
    expect([...last.values()].every((r) => r.status === 'sent')).toBe(true);
    expect(result.stderr).toMatch(/1000 delivered/);
  });
});
