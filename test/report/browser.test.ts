/**
 * The report page in a real browser: a campaign run by herald against a receiver with faults and
 * --rate, then a retry, then `herald report --html`; Chromium opens the file with every request
 * blocked and counted, and the test checks that nothing was requested, nothing failed, every chart
 * drew, and the numbers on the page are the log's (as `herald report --json` gives them).
 */
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LogReport } from '../../src/report/log-report.js';
import { formatDuration } from '../../src/config/parse-duration.js';
import { runHerald } from '../helpers/cli.js';
import { writeCsv } from '../helpers/files.js';
import { useWorkspace } from '../helpers/workspace.js';
import { openFile } from './chromium.js';

const ws = useWorkspace();
/** Where the screenshots are kept after the run (a build artefact). */
const ARTIFACTS = join(tmpdir(), 'herald-report-test');

/** Counts, per chart, the pixels drawn in colour (the axes and grid are grey): a blank chart has none. */
const COLOURED_PIXELS = `[...document.querySelectorAll('.chart')].map((chart) => {
  const canvas = chart.querySelector('canvas');
  if (!canvas) return [chart.id, 0];
  const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
  let coloured = 0;
  for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 0 && Math.max(data[i], data[i + 1], data[i + 2]) - Math.min(data[i], data[i + 1], data[i + 2]) > 60) coloured++;
  return [chart.id, coloured];
})`;

/** Every data-metric on the page with its text, and the codes table as [code, rows]. */
const PAGE_NUMBERS = `({
  metrics: Object.fromEntries([...document.querySelectorAll('[data-metric]')].map((e) => [e.dataset.metric, e.textContent])),
  codes: [...document.querySelectorAll('#codes tbody tr')].map((tr) => [tr.cells[0].textContent, tr.cells[1].textContent]),
  runs: document.querySelectorAll('#runs tbody tr').length,
  charts: document.documentElement.dataset.charts,
})`;

const int = (text: string | undefined) => Number(String(text).replace(/[^0-9.]/g, ''));

describe('herald report --html in Chromium', () => {
  it('draws every chart offline, requests nothing, logs no error, and shows the numbers of herald report --json', async () => {
    let healed = false;
    const throttled = new Set<number>();
    const sink = await ws.startSink((request) => {
      const n = Number((JSON.parse(request.body) as { id: string }).id.slice(1));
      if (n % 10 === 3) return { status: 404 };
      if (!healed && n % 12 === 5) return { status: 500 };
      if (n % 40 === 7 && !throttled.has(n)) {
        throttled.add(n);
        return { status: 429, headers: { 'retry-after': '0' } };
      }
      return { status: 200 };
    });
    const csv = writeCsv(ws.dir, 200);
    writeFileSync(csv, 'k1,Again,dup@example.com\nk999,too,few,fields\n', { flag: 'a' });
    const log = join(ws.dir, 'campaign.jsonl');
    const send = await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--rate', '200/s', '--retries', '1', '--out', log, '--quiet']);
    expect(send.code, send.stderr).toBe(3);
    healed = true;
    const retry = await runHerald(['retry', log, '--quiet']);
    expect(retry.code, retry.stderr).toBe(0); // the 500s go through now; the 404s (permanent) are not retried
    const page = join(ws.dir, 'report.html');
    const report = await runHerald(['report', log, '--html', page, '--json']); // --json prints what it prints without --html
    expect(report.code, report.stderr).toBe(0);
    const json = JSON.parse(report.stdout) as LogReport;
    expect(statSync(page).size).toBeLessThan(200_000);

    const opened = await openFile(page, { width: 1000, height: 1000 });
    try {
      const numbers = await opened.page.evaluate<{ metrics: Record<string, string>; codes: [string, string][]; runs: number; charts: string }>(PAGE_NUMBERS);
      const pixels = await opened.page.evaluate<[string, number][]>(COLOURED_PIXELS);
      mkdirSync(ARTIFACTS, { recursive: true });
      await opened.page.screenshot({ path: join(ARTIFACTS, 'report.png') });
      await opened.page.screenshot({ path: join(ARTIFACTS, 'report-full.png'), fullPage: true });
      console.log(`report page screenshots: ${join(ARTIFACTS, 'report.png')} and report-full.png`);

      expect(opened.foreignRequests).toEqual([]);
      expect(opened.errors).toEqual([]);
      expect(numbers.charts).toBe('3');
      for (const [chart, coloured] of pixels) expect(coloured, `${chart} drew nothing`).toBeGreaterThan(200);

      const m = numbers.metrics;
      const status = (name: string) => json.status[name] ?? 0;
      expect(int(m.rows)).toBe(json.rows);
      for (const name of ['sent', 'failed', 'invalid', 'skipped']) expect(int(m[name]), name).toBe(status(name));
      expect(status('failed')).toBeGreaterThan(0);
      for (const [name, n] of Object.entries(json.breakdown.failed ?? {})) expect(int(m[`failed.${name}`]), name).toBe(n);
      expect(int(m.duplicates) + int(m.suppressed)).toBe(status('skipped'));
      expect([int(m.p50), int(m.p95), int(m.p99)]).toEqual([json.latencyMs.p50, json.latencyMs.p95, json.latencyMs.p99]);
      expect(m.duration).toBe(formatDuration(json.durationMs));
      expect(Math.abs(int(m.throughput) - json.throughput)).toBeLessThanOrEqual(json.throughput * 0.005);
      expect(int(m.retryable)).toBe(json.retryable);
      expect(int(m.throttled)).toBeGreaterThan(0);
      expect(numbers.codes.map(([code, rows]) => [code, int(rows)])).toEqual(Object.entries(json.codes));
      expect(numbers.runs).toBe(json.runs);
    } finally {
      await opened.close();
    }
  });
});
