/**
 * What the end of a run and `herald report` say, as a user reads them: the top reasons of invalid
 * and failed rows, the campaign as a whole across runs, rows not reached and the one command that
 * goes on, rows left waiting to retry, and how the provider slowed the run down.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { finished, runHerald, spawnHerald, waitFor } from '../helpers/cli.js';
import { writeCsv } from '../helpers/files.js';
import { useWorkspace } from '../helpers/workspace.js';

const ws = useWorkspace();

/** The summary's lines that start with `label` (after the two-space indent). */
function lines(text: string, label: string): string[] {
  return text.split('\n').filter((line) => line.startsWith(`  ${label}`));
}

describe('the top reasons', () => {
  it('every run and herald report list at most three, with counts, most frequent first, record numbers taken out', async () => {
    const sink = await ws.startSink((request) => (JSON.parse(request.body).id.startsWith('x') ? { status: 422, body: '{"error":"unknown user"}' } : { status: 200 }));
    const jsonl = join(ws.dir, 'rows.jsonl');
    const rows = [
      ...['a', 'b', 'c'].map((id) => JSON.stringify({ id, name: 'A' })),
      ...['x1', 'x2', 'x3', 'x4'].map((id) => JSON.stringify({ id, name: 'X' })),
      ...['n1', 'n2'].map((id) => JSON.stringify({ id })), // no name: invalid
      'not json', // invalid, without a key
    ];
    writeFileSync(jsonl, rows.join('\n') + '\n');
    const run = await runHerald(['send', jsonl, '--channel', 'webhook', '--url', sink.url, '--header', 'X-Name: {{name}}', '--json']);
    expect(run.code).toBe(3);
    const reasons = run.stderr.split('\n').filter((line) => /^ {2}(reasons| {7}) +\d+ {2}(failed|invalid) /.test(line));
    expect(reasons).toHaveLength(3);
    expect(reasons[0]).toMatch(/^ {2}reasons +4 {2}failed {2}.*answered 422/);
    expect(reasons[1]).toMatch(/^ +2 {2}invalid .*\{\{name\}\}/);
    expect(reasons[2]).toMatch(/^ +1 {2}invalid /);
    expect(reasons.join('\n')).not.toMatch(/record \d/);
    const json = JSON.parse(run.stdout) as { reasons: { status: string; count: number }[]; topCodes: { code: string; count: number }[] };
    expect(json.reasons.map((r) => [r.status, r.count])).toEqual([['failed', 4], ['invalid', 2], ['invalid', 1]]);
    expect(json.topCodes).toEqual([{ code: '422', count: 4 }]);
    const report = await runHerald(['report', `${jsonl}.results.jsonl`]);
    expect(report.stdout.split('\n').filter((line) => /^ {2}(reasons| {7}) +\d+ {2}(failed|invalid) /.test(line))).toEqual(reasons);
    const reportJson = JSON.parse((await runHerald(['report', `${jsonl}.results.jsonl`, '--json'])).stdout) as { reasons: unknown };
    expect(reportJson.reasons).toEqual(json.reasons);
  });
});

describe('the campaign as a whole', () => {
  it('after --limit: the rows not reached and the resume command (without --limit); the resume then counts the campaign', async () => {
    const sink = await ws.startSink();
    const csv = writeCsv(ws.dir, 10);
    const log = `${csv}.results.jsonl`;
    const first = await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--limit', '4']);
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/done — 4 rows this run; campaign 4\/10 sent/);
    expect(lines(first.stderr, 'left')).toEqual(['  left             6  input rows not reached yet']);
    const next = lines(first.stderr, 'next');
    expect(next).toHaveLength(1);
    expect(next[0]).toContain(`herald send ${csv} --channel webhook --url ${sink.url} --resume`);
    expect(next[0]).not.toContain('--limit');
    const report = await runHerald(['report', log]);
    expect(report.stdout).toMatch(/— 4 rows; campaign 4\/10 sent/);
    expect(report.stdout).toContain('6  input rows not reached yet');
    expect(lines(report.stdout, 'next')[0]).toContain(`--out ${log} --resume`);
    const resumed = await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--resume']);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(/done — 6 rows this run; campaign 10\/10 sent/);
    expect(lines(resumed.stderr, 'next')).toEqual([]);
    expect(sink.delivered.size).toBe(10);
    // The input is still there: the report names the campaign as a whole, finished too.
    expect((await runHerald(['report', log])).stdout).toMatch(/— 10 rows; campaign 10\/10 sent/);
  });
});

describe('rows left waiting, and throttling', () => {
  it('an interrupted run says how many rows wait to retry and why, and that --resume sends them', async () => {
    const sink = await ws.startSink(() => ({ status: 429, headers: { 'retry-after': '120' } }));
    const csv = writeCsv(ws.dir, 5);
    const child = spawnHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--json']);
    const done = finished(child);
    await waitFor(() => sink.requests.length >= 5, 'every row answered 429');
    child.kill('SIGINT');
    const result = await done;
    expect(result.code).toBe(130);
    expect(lines(result.stderr, 'waiting')).toEqual(['  waiting          5  waiting to retry (throttled 5) — --resume sends them']);
    expect(result.stderr).not.toMatch(/^ {2}pending/m);
    const json = JSON.parse(result.stdout) as { status: Record<string, number>; breakdown: Record<string, Record<string, number>>; pacing: { throttledAnswers: number } };
    expect(json.status.pending).toBe(5);
    expect(json.breakdown.pending).toEqual({ throttled: 5 });
    expect(json.pacing.throttledAnswers).toBe(5);
    expect(lines(result.stderr, 'next')[0]).toMatch(/--resume +\(sends the 5 rows left\)$/);
  });

  it('a run the provider slowed down says so in its summary: answers throttled, the slowest rate', async () => {
    const sink = await ws.startSink((request) => (request.n <= 12 ? { status: 429, headers: { 'retry-after': '0' } } : { status: 200 }));
    const csv = writeCsv(ws.dir, 40);
    const result = await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--rate', '400/s', '--json']);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as { pacing: { throttledAnswers: number; lowestRate: number | null } };
    expect(json.pacing.throttledAnswers).toBe(12);
    expect(lines(result.stderr, 'throttled')[0]).toMatch(/^ {2}throttled +12 {2}answers asked herald to slow down/);
  });
});

describe('colour', () => {
  it('a pipe gets no colour even with FORCE_COLOR set (as test runners set it); the summary is plain text', async () => {
    const sink = await ws.startSink((request) => (JSON.parse(request.body).id === 'k1' ? { status: 422 } : { status: 200 }));
    const csv = writeCsv(ws.dir, 3);
    const result = await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url], { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toContain('failed');
    expect(result.stderr + result.stdout).not.toContain('\u001b[');
  });
});
