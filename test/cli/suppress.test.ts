/**
 * `--suppress` as a user runs it, against a receiver on 127.0.0.1 with --to naming the recipient
 * field: e-mail case variants and phone formats match, suppressed rows are recorded
 * skipped/suppressed and never sent — not by --resume, not by `herald retry --all` — and
 * `herald report` counts them apart from duplicates.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runHerald } from '../helpers/cli.js';
import { countStates, lastByKey, readLog } from '../helpers/files.js';
import { useWorkspace } from '../helpers/workspace.js';

const ws = useWorkspace();

/** The ids the receiver got. */
function received(sink: { requests: { body: string }[] }): string[] {
  return sink.requests.map((request) => JSON.parse(request.body).id as string).sort();
}

describe('herald send --suppress', () => {
  it('matches e-mail addresses whatever their case, and is never sent by --resume; report counts suppressed apart from duplicates', async () => {
    const sink = await ws.startSink();
    const csv = join(ws.dir, 'list.csv');
    writeFileSync(csv, 'id,email\na,Ann@Example.com\nb,bob@example.com\nc,carol@example.com\nd,DAVE@EXAMPLE.COM\nb,bob@example.com\n');
    const optOut = join(ws.dir, 'unsubscribed.txt');
    writeFileSync(optOut, '# unsubscribed via the footer link\nann@example.COM\n\n  Dave@Example.com  \n');
    const args = ['send', csv, '--channel', 'webhook', '--url', sink.url, '--to', 'email', '--suppress', optOut, '--quiet'];
    const result = await runHerald(args);
    expect(result.code, result.stderr).toBe(0);
    expect(received(sink)).toEqual(['b', 'c']);
    const log = `${csv}.results.jsonl`;
    expect(lastByKey(log).get('a')).toMatchObject({ status: 'skipped', class: 'suppressed', error: `recipient 'ann@example.com' is on the suppression list ${optOut}` });
    expect(countStates(log)).toEqual({ 'sent/ok': 2, 'skipped/suppressed': 2 });
    // --resume without the list: the suppressed rows are done, never sent.
    const resumed = await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--to', 'email', '--resume', '--quiet']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(sink.requests).toHaveLength(2);
    const report = await runHerald(['report', log, '--json']);
    expect(JSON.parse(report.stdout)).toMatchObject({ status: { sent: 2, skipped: 3 }, breakdown: { skipped: { suppressed: 2, duplicate: 1 } } });
    const text = await runHerald(['report', log]);
    expect(text.stdout + text.stderr).toMatch(/skipped +3 +duplicate 1, suppressed 2/);
  });

  it('matches phone numbers after E.164 normalisation (+86 138…, 138…, 0086…), from a CSV list by its --to field', async () => {
    const sink = await ws.startSink();
    const csv = join(ws.dir, 'members.csv');
    writeFileSync(csv, 'id,phone\np1,13800138000\np2,+86 139 0013 9000\np3,0086 137 0013 7000\np4,13600136000\n');
    const complaints = join(ws.dir, 'complaints.csv');
    writeFileSync(complaints, 'reason,phone\nspam,+86 138 0013 8000\nstop,0086-139-0013-9000\nstop,137 0013 7000\n');
    const result = await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--to', 'phone', '--suppress', complaints, '--quiet']);
    expect(result.code, result.stderr).toBe(0);
    expect(received(sink)).toEqual(['p4']);
    expect(countStates(`${csv}.results.jsonl`)).toEqual({ 'sent/ok': 1, 'skipped/suppressed': 3 });
  });

  it('herald retry --all records a failed row whose recipient is now suppressed as skipped/suppressed instead of sending it', async () => {
    const sink = await ws.startSink((request) => (JSON.parse(request.body).id === 'x' && request.n <= 2 ? { status: 400 } : { status: 200 }));
    const csv = join(ws.dir, 'rows.csv');
    writeFileSync(csv, 'id,email\nx,xavier@example.com\ny,yolanda@example.com\n');
    const first = await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--to', 'email', '--concurrency', '1', '--quiet']);
    expect(first.code, first.stderr).toBe(3);
    const log = `${csv}.results.jsonl`;
    expect(lastByKey(log).get('x')).toMatchObject({ status: 'failed', class: 'permanent' });
    const list = join(ws.dir, 'complained.jsonl');
    writeFileSync(list, '{"email":"Xavier@Example.com","at":"2026-06-01"}\n');
    const retried = await runHerald(['retry', log, '--all', '--suppress', list, '--quiet']);
    expect(retried.code, retried.stderr).toBe(0);
    expect(sink.requests).toHaveLength(2);
    expect(lastByKey(log).get('x')).toMatchObject({ status: 'skipped', class: 'suppressed' });
    // The list is kept (as an absolute path) in the run record a later retry inherits its settings from.
    const runs = readLog(log).filter((record) => record.type === 'run');
    expect(runs.at(-1)).toMatchObject({ command: 'retry', settings: { suppress: [list] } });
  });
});
