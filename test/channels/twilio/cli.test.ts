// `herald send --channel twilio` as a user runs it: the built command as a process against the
// Twilio simulator on 127.0.0.1. Asserts exit codes, output, the result log and what the
// simulator received.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startTwilioMock, type TwilioMockServer } from '../../../src/mock/twilio/server.js';
import { finished, runHerald, spawnHerald } from '../../helpers/cli.js';
import { countStates, lastByKey } from '../../helpers/files.js';
import { useWorkspace } from '../../helpers/workspace.js';

const FROM = '+14155550000';
const NO_TWILIO = { TWILIO_ACCOUNT_SID: undefined, TWILIO_AUTH_TOKEN: undefined, HERALD_TWILIO_ENDPOINT: undefined };
const TEMPLATE = join(import.meta.dirname, '../../../fixtures/sms/twilio-body.txt');
const ARGS = ['--channel', 'twilio', '--from', FROM, '--template', TEMPLATE];

const ws = useWorkspace();

async function setUp(options: Record<string, unknown> = {}): Promise<TwilioMockServer> {
  return ws.own(await startTwilioMock({ seed: '3', numbers: FROM, ...options }, () => undefined));
}

function herald(args: readonly string[], env: Readonly<Record<string, string | undefined>>) {
  return runHerald(args, { cwd: ws.dir, env: { ...NO_TWILIO, ...env }, timeoutMs: 90_000 });
}

function phone(i: number): string {
  return `+1415555${String(i).padStart(4, '0')}`;
}

function csv(count: number): string {
  const lines = ['phone,name,code', ...Array.from({ length: count }, (_, i) => `${phone(i)},Ann ${i},${1000 + i}`)];
  writeFileSync(join(ws.dir, 'people.csv'), `${lines.join('\n')}\n`);
  return 'people.csv';
}

const LOG = () => join(ws.dir, 'people.csv.results.jsonl');

describe('herald send --channel twilio', () => {
  it('sends 1,000 rows (exit 0): bodies exact, sid as messageId, connections ≤ concurrency, token never shown', async () => {
    const server = await setUp();
    const run = await herald(['send', csv(1000), ...ARGS, '--concurrency', '8', '--json'], server.env);
    expect(run.stderr).not.toMatch(/error|warning/i);
    expect(run.code, run.stderr).toBe(0);
    expect(countStates(LOG())).toEqual({ 'sent/ok': 1000 });
    expect(server.counters()).toMatchObject({ accepted: 1000, authFailures: 0 });
    expect(server.counters().connections).toBeLessThanOrEqual(8);
    const bySid = new Map(server.messages().map((m) => [m.sid, m]));
    for (const row of lastByKey(LOG()).values()) {
      const fields = row.row as Record<string, string>;
      expect(bySid.get(String(row.messageId))).toMatchObject({ to: fields.phone, from: FROM, body: `Hi ${fields.name}, your code is ${fields.code}. Reply STOP to opt out.` });
    }
    expect(JSON.parse(run.stdout)).toMatchObject({ tally: { messages: 1000, segments: 1000 } });
    for (const text of [run.stdout, run.stderr, readFileSync(LOG(), 'utf8')]) expect(text).not.toContain(server.env.TWILIO_AUTH_TOKEN);
  });

  it('classifies faults (exit 3): 20429 slows the run and is retried, unsubscribed and invalid numbers are permanent', async () => {
    const server = await setUp({ fault: ['20429=10%', '20500=5%'], error: [`${phone(3)}=21610`, `${phone(9)}=21211`] });
    const run = await herald(['send', csv(200), ...ARGS, '--retries', '8'], server.env);
    expect(run.code, run.stderr).toBe(3);
    expect(countStates(LOG())).toEqual({ 'sent/ok': 198, 'failed/permanent': 2 });
    expect(lastByKey(LOG()).get(phone(3))).toMatchObject({ code: '21610' });
    expect(server.counters().faults['20429']).toBeGreaterThan(0);
    expect(server.counters().accepted).toBe(198);
  });

  it('checks a timeout in the message list and records it sent/RECONCILED instead of risking a second SMS (exit 0)', async () => {
    const server = await setUp({ fault: ['hang=first:2'] });
    const run = await herald(['send', csv(20), ...ARGS, '--timeout', '1s'], server.env);
    expect(run.code, run.stderr).toBe(0);
    expect(countStates(LOG())).toEqual({ 'sent/ok': 20 });
    const reconciled = [...lastByKey(LOG()).values()].filter((r) => r.code === 'RECONCILED');
    expect(reconciled).toHaveLength(2);
    // The sid Twilio gave the hung messages, found in its list.
    const sids = new Set(server.messages().map((m) => m.sid));
    expect(reconciled.every((r) => sids.has(String(r.messageId)))).toBe(true);
    // Both hung messages reached Twilio once; herald did not send them again.
    expect(server.counters().accepted).toBe(20);
    expect(server.counters().listRequests).toBeGreaterThanOrEqual(2);
  });

  it('sends again a message the list does not hold (connection dropped before Twilio took it), once (exit 0)', async () => {
    const server = await setUp({ fault: ['drop=first:2'] });
    const run = await herald(['send', csv(10), ...ARGS, '--concurrency', '2'], server.env);
    expect(run.code, run.stderr).toBe(0);
    expect(countStates(LOG())).toEqual({ 'sent/ok': 10 });
    expect(server.counters().accepted).toBe(10);
    expect(new Set(server.messages().map((m) => m.to)).size).toBe(10);
    expect([...lastByKey(LOG()).values()].filter((r) => Number(r.attempts) === 2 && r.code === '201')).toHaveLength(2);
  });

  it('a run killed (kill -9) while requests hang, then --resume: the rows in doubt are found in the list, none is sent twice', async () => {
    const server = await setUp({ fault: ['hang=first:3'] });
    const child = spawnHerald(['send', csv(12), ...ARGS, '--timeout', '60s', '--concurrency', '4'], { cwd: ws.dir, env: { ...NO_TWILIO, ...server.env } });
    const done = finished(child, 60_000);
    for (let waited = 0; server.counters().accepted < 12 && waited < 30_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    expect(server.counters().accepted).toBe(12);
    child.kill('SIGKILL');
    await done;
    const resumed = await herald(['send', 'people.csv', ...ARGS, '--resume'], server.env);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(countStates(LOG())).toEqual({ 'sent/ok': 12 });
    expect([...lastByKey(LOG()).values()].filter((r) => r.code === 'RECONCILED').length).toBeGreaterThanOrEqual(3);
    expect(server.counters().accepted).toBe(12);
  });

  it('stops before any send on a wrong auth token (exit 1), naming the variables and never the token', async () => {
    const server = await setUp();
    const wrong = '0123456789abcdef0123456789abcdef';
    const run = await herald(['send', csv(10), ...ARGS], { ...server.env, TWILIO_AUTH_TOKEN: wrong });
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toContain('TWILIO_AUTH_TOKEN');
    expect(server.counters().accepted).toBe(0);
    for (const text of [run.stdout, run.stderr]) expect(text).not.toContain(wrong);
  });
});
