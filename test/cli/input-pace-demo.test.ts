/** Encodings end to end, pacing at the receiver, `herald mock webhook` and `herald demo`, as processes. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { finished, runHerald, spawnHerald } from '../helpers/cli.js';
import { lastByKey, writeCsv } from '../helpers/files.js';
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

describe('pacing', () => {
  it('--rate 300/s is held at the receiver (generous tolerance: precise figures live in npm run bench)', async () => {
    const sink = await ws.startSink();
    const csv = writeCsv(ws.dir, 900);
    const result = await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--rate', '300/s', '--burst', '1', '--concurrency', '16', '--quiet']);
    expect(result.code).toBe(0);
    const times = sink.requests.map((r) => r.at);
    const seconds = (times.at(-1)! - times[0]!) / 1000;
    const rate = (times.length - 1) / seconds;
    expect(rate).toBeGreaterThan(300 * 0.95);
    expect(rate).toBeLessThan(300 * 1.05);
  });

  it('fractional rates pace slow sends: 5 rows at 10/s take about 0.4 s between first and last', async () => {
    const sink = await ws.startSink();
    const csv = writeCsv(ws.dir, 5);
    await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--rate', '600/min', '--quiet']);
    const span = sink.requests.at(-1)!.at - sink.requests[0]!.at;
    expect(span).toBeGreaterThanOrEqual(350);
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
