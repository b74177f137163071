/** The page's statistics from real log files: runs, time buckets, skipped reasons, domains, codes; and the page's policy. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/log-report.js';
import { finalRows } from '../../src/report/final-rows.js';
import { renderPage } from '../../src/report/html-page.js';
import { collectPageData } from '../../src/report/page-data.js';
import { foldLog } from '../../src/results/log-state.js';
import { useWorkspace } from '../helpers/workspace.js';
import { rowRecord, runRecord, writeLog } from './records.js';

const ws = useWorkspace();
const T0 = Date.parse('2026-05-01T08:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
const email = (key: string) => ({ row: { email: key, name: key.toUpperCase() } });

async function pageOf(records: Record<string, unknown>[]) {
  const path = writeLog(ws.dir, records);
  const log = await foldLog(path);
  return collectPageData(path, buildReport(log), finalRows(log));
}

const campaign = [
  runRecord(at(0), { channel: 'email', settings: { rate: '10/s', to: 'email' } }),
  rowRecord('a@x.com', 'pending', null, at(0.1), email('a@x.com')),
  rowRecord('a@x.com', 'sent', 'ok', at(0.5), { ...email('a@x.com'), code: '250', latencyMs: 20 }),
  rowRecord('b@x.com', 'pending', null, at(0.2), email('b@x.com')),
  rowRecord('b@x.com', 'pending', 'throttled', at(1.2), { ...email('b@x.com'), code: '421', latencyMs: 30 }),
  rowRecord('b@x.com', 'sent', 'ok', at(2.1), { ...email('b@x.com'), code: '250', attempts: 2, latencyMs: 25 }),
  rowRecord('c@y.com', 'failed', 'permanent', at(1.5), { ...email('c@y.com'), code: '550', error: '550 no such user', latencyMs: 40 }),
  rowRecord('d@y.com', 'failed', 'retryable', at(1.6), { ...email('d@y.com'), code: '451', latencyMs: 45 }),
  rowRecord('a@x.com', 'skipped', 'duplicate', at(1.7), email('a@x.com')),
  rowRecord('s@z.com', 'skipped', 'suppressed', at(1.8), email('s@z.com')),
  rowRecord(null, 'invalid', 'invalid', at(1.9), { row: { email: 'broken' }, line: 9 }),
  runRecord(at(3600), { channel: 'email', command: 'retry', settings: { rate: '5/s', to: 'email' } }),
  rowRecord('d@y.com', 'pending', null, at(3600.1), { ...email('d@y.com'), attempts: 2 }),
  rowRecord('d@y.com', 'sent', 'ok', at(3601), { ...email('d@y.com'), code: '250', attempts: 2, latencyMs: 22 }),
];

describe('collectPageData', () => {
  it('puts runs end to end on the time axis, with each run’s --rate, and counts attempts by outcome', async () => {
    const data = await pageOf(campaign);
    expect(data.runs.map((r) => [r.command, r.offset, r.rate])).toEqual([['send', 0, 10], ['retry', 2.1, 5]]);
    expect(data.runs[0]!.attempts).toMatchObject({ ok: 2, throttled: 1, permanent: 1, retryable: 1 });
    expect(data.runs[1]!.attempts.ok).toBe(1);
    const { series, rate } = data.chart;
    expect(series.width).toBe(1);
    expect(series.x).toEqual([0, 1, 2, 3]);
    expect(series.perSecond.ok).toEqual([1, 0, 1, 1]);
    expect(series.throttled).toEqual([0, 1, 0, 0]);
    expect(rate).toEqual([10, 10, 5, 5]); // the retry starts at 2.1 s: most of bucket 2 is its time
    expect(data.attempts).toBe(6);
    expect(data.throttledAnswers).toBe(1);
    expect(data.chart.histogram.count.reduce((a, b) => a + b, 0)).toBe(6);
  });

  it('splits skipped rows into duplicates and suppressed, and keeps the counts of herald report --json', async () => {
    const data = await pageOf(campaign);
    expect([data.duplicates, data.suppressed]).toEqual([1, 1]);
    expect(data.report.status).toEqual({ sent: 3, failed: 1, skipped: 2, invalid: 1 });
  });

  it('lists failed codes with example keys, attempts per row, and e-mail rows by final state per domain', async () => {
    const data = await pageOf(campaign);
    expect(data.codes).toEqual([{ code: '550', count: 1, class: 'permanent', examples: ['c@y.com'], error: '550 no such user' }]);
    expect(data.attemptsTable).toEqual([
      { attempts: 1, orMore: false, sent: 1, failed: 1 },
      { attempts: 2, orMore: false, sent: 2, failed: 0 },
    ]);
    // d@y.com failed in the first run but was sent by the retry: its final state counts, once.
    expect(data.domains?.map((d) => [d.domain, d.rows, d.failed])).toEqual([['x.com', 2, 0], ['y.com', 2, 1]]);
  });

  it('starts the counts over at a new campaign (--force) and marks the run', async () => {
    const data = await pageOf([...campaign, runRecord(at(7200), { channel: 'email', campaign: 'c2' }), rowRecord('e@x.com', 'skipped', 'duplicate', at(7201), email('e@x.com'))]);
    expect(data.runs.map((r) => r.newCampaign)).toEqual([false, false, true]);
    expect([data.duplicates, data.suppressed]).toEqual([1, 0]);
    expect(data.domains).toEqual([]);
  });

  it('has no domain table for channels other than e-mail', async () => {
    const data = await pageOf([runRecord(at(0)), rowRecord('k1', 'sent', 'ok', at(1), { latencyMs: 5 })]);
    expect(data.domains).toBeNull();
  });
});

describe('renderPage', () => {
  it('allows exactly its own inline scripts and styles by hash, and fetches nothing', async () => {
    const html = renderPage(await pageOf(campaign));
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '';
    expect(csp).toContain("default-src 'none'");
    const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]!);
    expect(scripts).toHaveLength(2);
    expect(styles).toHaveLength(1);
    for (const text of [...scripts, ...styles]) expect(csp).toContain(hash(text));
    // No attribute points anywhere but data: (and no inline style attribute the policy would block).
    const links = [...html.matchAll(/\b(?:src|href|action|srcset)="([^"]*)"/g)].map((m) => m[1]);
    expect(links.every((link) => link!.startsWith('data:'))).toBe(true);
    expect(html).not.toMatch(/<[^>]+\sstyle="/);
  });

  it('escapes what comes from the log, in the tables and in the inline data', async () => {
    const evil = '</script><img src=x onerror=alert(1)>';
    const html = renderPage(await pageOf([runRecord(at(0)), rowRecord(evil, 'failed', 'permanent', at(1), { code: evil, error: evil })]));
    expect(html).not.toContain('<img src=x');
    expect(html.match(/<\/script>/g)).toHaveLength(3);
  });
});
