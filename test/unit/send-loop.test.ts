/**
 * The engine with a scripted channel (an implementation of the Channel interface whose answers
 * the test decides) and the real log writer, planner and pacer.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunPacer } from '../../src/pacing/pacer.js';
import { planSource } from '../../src/pipeline/row-source.js';
import { SendLoop } from '../../src/pipeline/send-loop.js';
import { unknownResendWindowMs, type InDoubtPolicy } from '../../src/pipeline/in-doubt.js';
import { planRows } from '../../src/pipeline/plan-rows.js';
import { retryPolicy } from '../../src/pipeline/retry-policy.js';
import { foldLog, type LogState } from '../../src/results/log-state.js';
import { LogWriter } from '../../src/results/log-writer.js';
import { tempDir } from '../helpers/cli.js';
import { lastByKey, rowRecords } from '../helpers/files.js';
import { ScriptedChannel, rows, type Script } from '../helpers/scripted-stages.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

async function run(
  channel: ScriptedChannel,
  keys: string[],
  options: { concurrency?: number; retries?: number; prior?: LogState | null; log?: string; inDoubt?: InDoubtPolicy } = {},
) {
  const inDoubt = options.inDoubt ?? 'auto';
  const log = options.log ?? join(dir, 'log.jsonl');
  const writer = LogWriter.open(log, { endsWithNewline: true, first: { type: 'run', v: 1, at: new Date().toISOString(), herald: '0', runId: 'r', campaign: 'c1', command: 'send', channel: 'scripted', input: null, settings: {} } });
  const loop = new SendLoop<string>({
    channel,
    source: planSource(planRows(rows(keys), { keyField: 'id', channel, campaign: 'c1', prior: options.prior ?? null, inDoubt, limit: null })),
    sink: writer,
    pacer: new RunPacer({ rate: null }),
    concurrency: options.concurrency ?? 4,
    batchSize: 1,
    policy: { ...retryPolicy(options.retries ?? 3), baseMs: 5 },
    resendWindowMs: unknownResendWindowMs(inDoubt, channel),
    timeoutMs: 5000,
  });
  const outcome = await loop.run();
  await writer.close();
  return { outcome, log };
}

describe('SendLoop', () => {
  it('a row waiting for its retry holds no send slot', async () => {
    const channel = new ScriptedChannel((key, attempt) => (key === 'a' && attempt === 1 ? { outcome: 'retryable', code: '503', retryAfterMs: 150 } : { outcome: 'ok', code: '200' }), Infinity);
    const { log } = await run(channel, ['a', 'b', 'c', 'd'], { concurrency: 1 });
    expect(channel.sent).toEqual(['a', 'b', 'c', 'd', 'a']);
    const a = rowRecords(log).filter((r) => r.key === 'a');
    expect(a.map((r) => `${r.status}/${r.class}`)).toEqual(['pending/null', 'pending/retryable', 'pending/null', 'sent/ok']);
    expect(a.at(-1)).toMatchObject({ attempts: 2 });
  });

  it('gives up after --retries and records the last class and code', async () => {
    const channel = new ScriptedChannel(() => ({ outcome: 'retryable', code: '500', detail: 'boom' }), Infinity);
    const { log } = await run(channel, ['a'], { retries: 2 });
    expect(channel.sent).toEqual(['a', 'a', 'a']);
    expect(lastByKey(log).get('a')).toMatchObject({ status: 'failed', class: 'retryable', code: '500', error: 'boom', attempts: 3 });
  });

  it('an unknown outcome is resent where the provider de-duplicates, and in-doubt where it does not', async () => {
    const unknownOnce: Script = (_key, attempt) => (attempt === 1 ? { outcome: 'retryable', code: 'TIMEOUT', unknown: true } : { outcome: 'ok', code: '200' });
    const dedupes = new ScriptedChannel(unknownOnce, Infinity);
    const first = await run(dedupes, ['a'], { log: join(dir, 'a.jsonl') });
    expect(dedupes.sent).toEqual(['a', 'a']);
    expect(lastByKey(first.log).get('a')).toMatchObject({ status: 'sent' });

    const blind = new ScriptedChannel(unknownOnce, 0);
    const second = await run(blind, ['a'], { log: join(dir, 'b.jsonl') });
    expect(blind.sent).toEqual(['a']);
    expect(lastByKey(second.log).get('a')).toMatchObject({ status: 'failed', class: 'in-doubt', code: 'TIMEOUT' });
  });

  it('a provider that de-duplicates only for a while (WeChat) counts as one that does not, unless --in-doubt resend', async () => {
    const unknownOnce: Script = (_key, attempt) => (attempt === 1 ? { outcome: 'retryable', code: 'TIMEOUT', unknown: true } : { outcome: 'ok', code: '0' });
    const byDefault = new ScriptedChannel(unknownOnce, 9 * 60_000);
    const first = await run(byDefault, ['a'], { log: join(dir, 'a.jsonl') });
    expect(byDefault.sent).toEqual(['a']);
    expect(lastByKey(first.log).get('a')).toMatchObject({ status: 'failed', class: 'in-doubt', attempts: 1 });

    const resending = new ScriptedChannel(unknownOnce, 9 * 60_000);
    const second = await run(resending, ['a'], { log: join(dir, 'b.jsonl'), inDoubt: 'resend' });
    expect(resending.sent).toEqual(['a', 'a']);
    expect(lastByKey(second.log).get('a')).toMatchObject({ status: 'sent', attempts: 2 });

    const failing = new ScriptedChannel(unknownOnce, Infinity);
    const third = await run(failing, ['a'], { log: join(dir, 'c.jsonl'), inDoubt: 'fail' });
    expect(failing.sent).toEqual(['a']);
    expect(lastByKey(third.log).get('a')).toMatchObject({ status: 'failed', class: 'in-doubt' });
  });

  it('asks a reconciling provider before resending an unknown outcome', async () => {
    const unknownFirst: Script = (_key, attempt) => (attempt === 1 ? { outcome: 'retryable', code: 'TIMEOUT', unknown: true } : { outcome: 'ok', code: 'OK' });
    const channel = new ScriptedChannel(unknownFirst, 0, (key) => (key === 'a' ? { state: 'accepted', messageId: 'biz-1' } : { state: 'absent' }));
    const { log } = await run(channel, ['a', 'b']);
    expect(channel.reconciled.sort()).toEqual(['a', 'b']);
    expect(channel.sent.filter((k) => k === 'a')).toHaveLength(1);
    expect(channel.sent.filter((k) => k === 'b')).toHaveLength(2);
    expect(lastByKey(log).get('a')).toMatchObject({ status: 'sent', code: 'RECONCILED', messageId: 'biz-1' });
    expect(lastByKey(log).get('b')).toMatchObject({ status: 'sent', code: 'OK' });
  });

  it('a fatal answer stops dispatching at once; rows not dispatched get no record and --resume sends them', async () => {
    const channel = new ScriptedChannel((key) => (key === 'c' ? { outcome: 'fatal', code: 'isv.AMOUNT_NOT_ENOUGH', detail: 'no balance' } : { outcome: 'ok', code: 'OK' }), 0);
    const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
    const { outcome, log } = await run(channel, keys, { concurrency: 1 });
    expect(outcome.stopped).toMatchObject({ kind: 'fatal', detail: 'no balance' });
    expect(channel.sent).toEqual(['a', 'b', 'c']);
    expect(lastByKey(log).get('c')).toMatchObject({ status: 'failed', class: 'fatal' });

    const resumed = new ScriptedChannel(() => ({ outcome: 'ok', code: 'OK' }), 0);
    await run(resumed, keys, { concurrency: 1, prior: await foldLog(log), log });
    expect(resumed.sent).toEqual(['c', 'd', 'e', 'f']);
    expect([...lastByKey(log).values()].every((r) => r.status === 'sent')).toBe(true);
  });

  it('a per-recipient throttle delays only that row and does not slow the run', async () => {
    const channel = new ScriptedChannel((key, attempt) => (key === 'a' && attempt === 1 ? { outcome: 'throttled', code: 'isv.BUSINESS_LIMIT_CONTROL', scope: 'recipient', retryAfterMs: 100 } : { outcome: 'ok', code: 'OK' }), 0);
    const { log } = await run(channel, ['a', 'b', 'c'], { concurrency: 1 });
    expect(channel.sent).toEqual(['a', 'b', 'c', 'a']);
    expect(lastByKey(log).get('a')).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('a per-recipient limit longer than the run can wait ends the row failed/permanent for this run (the run was not slowed)', async () => {
    const channel = new ScriptedChannel(() => ({ outcome: 'throttled', code: 'isv.BUSINESS_LIMIT_CONTROL', scope: 'recipient', retryAfterMs: 3_600_000 }), 0);
    const { log } = await run(channel, ['a']);
    expect(channel.sent).toEqual(['a']);
    expect(lastByKey(log).get('a')).toMatchObject({ status: 'failed', class: 'permanent' });
  });

  it('resume: skips done rows, resends waiting ones, decides in-doubt rows by the channel', async () => {
    const log = join(dir, 'resume.jsonl');
    const record = (key: string, status: string, cls: string | null) =>
      JSON.stringify({ type: 'row', key, status, class: cls, code: null, error: null, attempts: 1, messageId: null, idempotencyKey: `ik-${key}`, latencyMs: null, at: new Date().toISOString(), line: 1, row: { id: key } });
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      log,
      [
        record('sent', 'sent', 'ok'), // done
        record('perm', 'failed', 'permanent'), // done for resume (retry's job)
        record('fatal', 'failed', 'fatal'), // failed only because the run hit a fatal answer: sent again
        record('waiting', 'pending', 'retryable'), // waiting for a retry after a definite failure: sent again
        record('flight', 'pending', null), // in flight when the run died: in doubt
      ].join('\n') + '\n',
    );
    const blind = new ScriptedChannel(() => ({ outcome: 'ok', code: 'OK' }), 0);
    await run(blind, ['sent', 'perm', 'fatal', 'waiting', 'flight', 'new'], { prior: await foldLog(log), log, concurrency: 1 });
    expect(blind.sent).toEqual(['fatal', 'waiting', 'new']);
    expect(lastByKey(log).get('flight')).toMatchObject({ status: 'failed', class: 'in-doubt', idempotencyKey: 'ik-flight' });
    expect(lastByKey(log).get('fatal')).toMatchObject({ status: 'sent', idempotencyKey: 'ik-fatal', attempts: 2 });
  });
});
