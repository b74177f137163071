/**
 * A setting, not the rows: a run whose first answers are all the same permanent failure stops and
 * says what to check, instead of burning the list; the rows it stopped on are sent by --resume once
 * the setting is fixed. As processes against a receiver on 127.0.0.1.
 */
import { describe, expect, it } from 'vitest';
import { runHerald } from '../helpers/cli.js';
import { countStates, writeCsv } from '../helpers/files.js';
import { useWorkspace } from '../helpers/workspace.js';

const ws = useWorkspace();

/** A receiver that knows only /hook: anything else is 404. */
function onlyHook() {
  return ws.startSink((request) => (request.path === '/hook' ? { status: 200 } : { status: 404, body: '{"error":"no such route"}' }));
}

describe('the first answers all the same permanent failure', () => {
  it('stops (exit 1) naming the answer and the settings to check; --resume with the right --url sends every row once', async () => {
    const sink = await onlyHook();
    const csv = writeCsv(ws.dir, 60);
    const log = `${csv}.results.jsonl`;
    const wrong = `${sink.url.replace('/hook', '/hooks')}`;
    const first = await runHerald(['send', csv, '--channel', 'webhook', '--url', wrong, '--concurrency', '2', '--json']);
    expect(first.code).toBe(1);
    expect(first.stderr).toContain('herald: stopped: the first 20 sends all got the same permanent answer (');
    expect(first.stderr).toContain('answered 404');
    expect(first.stderr).toContain('check --url, --method, --header and --body');
    expect(first.stderr).not.toMatch(/\n\s+at /);
    // Far fewer requests than rows; every row answered is recorded failed/fatal (the setting's fault), the rest not at all.
    expect(sink.requests.length).toBeLessThan(30);
    const states = countStates(log);
    expect(Object.keys(states)).toEqual(['failed/fatal']);
    expect(states['failed/fatal']).toBe(sink.requests.length);
    const report = JSON.parse(first.stdout) as { stopped: string; breakdown: { failed: Record<string, number> }; nextCommand: string; campaign: { notReached: number } };
    expect(report.stopped).toBe('fatal');
    expect(report.breakdown.failed).toEqual({ fatal: sink.requests.length });
    expect(report.campaign.notReached).toBe(60 - sink.requests.length);
    expect(report.nextCommand).toMatch(/--resume$/);
    // Fixed: the rows stopped on and the rows never reached go out, each once.
    const resumed = await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--resume']);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(/done — 60 rows this run; campaign 60\/60 sent/);
    expect(countStates(log)).toEqual({ 'sent/ok': 60 });
    expect(sink.delivered.size).toBe(60);
  });

  it('--keep-going sends every row regardless (exit 3, every row failed/permanent)', async () => {
    const sink = await onlyHook();
    const csv = writeCsv(ws.dir, 25);
    const result = await runHerald(['send', csv, '--channel', 'webhook', '--url', `${sink.url}/x`, '--keep-going', '--quiet']);
    expect(result.code).toBe(3);
    expect(sink.requests).toHaveLength(25);
    expect(countStates(`${csv}.results.jsonl`)).toEqual({ 'failed/permanent': 25 });
  });

  it('a list where one of the first answers succeeds goes on: the permanent failures are the rows\' own (exit 3)', async () => {
    const sink = await ws.startSink((request) => (JSON.parse(request.body).id === 'k5' ? { status: 200 } : { status: 404 }));
    const csv = writeCsv(ws.dir, 40);
    const result = await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--concurrency', '1', '--quiet']);
    expect(result.code).toBe(3);
    expect(sink.requests).toHaveLength(40);
    expect(countStates(`${csv}.results.jsonl`)).toEqual({ 'failed/permanent': 39, 'sent/ok': 1 });
  });
});
