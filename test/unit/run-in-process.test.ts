/**
 * The engine driven in-process through its seams: a scripted channel, an in-memory sink, row gates,
 * and an injected clock that runs many times faster than real time (no sleeping through waits).
 */
import { describe, expect, it } from 'vitest';
import type { BreakerChange } from '../../src/pacing/circuit-breaker.js';
import { scaledClock } from '../../src/pacing/clock.js';
import { RunPacer } from '../../src/pacing/pacer.js';
import type { RowGate } from '../../src/pacing/row-gate.js';
import type { GovernorChange } from '../../src/pacing/throttle-governor.js';
import { planRows } from '../../src/pipeline/plan-rows.js';
import { retryPolicy } from '../../src/pipeline/retry-policy.js';
import { planSource } from '../../src/pipeline/row-source.js';
import { SendLoop } from '../../src/pipeline/send-loop.js';
import { MemorySink, ScriptedChannel, rows, type Script } from '../helpers/scripted-stages.js';

const START = Date.parse('2026-06-01T12:00:00Z');
const HOUR = 3_600_000;

function keys(n: number, prefix = 'k'): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${i}`);
}

/** Run `ids` through the engine with a clock `speed` times faster than real time. */
async function run(script: Script, ids: string[], options: { speed?: number; gates?: RowGate[]; rate?: number | null; concurrency?: number } = {}) {
  const clock = scaledClock(START, options.speed ?? 100);
  const changes: (GovernorChange | BreakerChange)[] = [];
  const channel = new ScriptedChannel(script, 0);
  const sink = new MemorySink();
  const pacer = new RunPacer({ rate: options.rate ?? null, clock, gates: options.gates ?? [], onChange: (change) => changes.push(change) });
  const loop = new SendLoop<string>({
    source: planSource(planRows(rows(ids), { keyField: 'id', channel, campaign: 'c', prior: null, inDoubt: 'auto', limit: null })),
    channel,
    pacer,
    sink,
    concurrency: options.concurrency ?? 4,
    batchSize: 1,
    policy: { ...retryPolicy(3), baseMs: 5 },
    resendWindowMs: 0,
    timeoutMs: 5000,
    clock,
  });
  const outcome = await loop.run();
  return { outcome, channel, sink, changes, clock };
}

describe('the engine in-process', () => {
  it('throttles that concern one recipient slow nobody: no slow-down, no pause, every row sent', async () => {
    // Half of the rows hit a per-number limit on their first attempt (Aliyun's flow control).
    const perNumber: Script = (key, attempt) =>
      attempt === 1 && Number(key.slice(1)) % 2 === 0 ? { outcome: 'throttled', code: 'isv.BUSINESS_LIMIT_CONTROL', scope: 'recipient', retryAfterMs: 2000 } : { outcome: 'ok', code: 'OK' };
    const { outcome, sink, changes } = await run(perNumber, keys(200), { rate: 400 });
    expect(outcome.stopped).toBeNull();
    expect([...sink.last().values()].every((r) => r.status === 'sent')).toBe(true);
    expect(changes.filter((c) => 'kind' in c && (c.kind === 'slowed' || c.kind === 'paused'))).toEqual([]);
  });

  it('the same share of run-wide throttles does slow the run (the governor at work)', async () => {
    const runWide: Script = (key, attempt) => (attempt === 1 && Number(key.slice(1)) % 2 === 0 ? { outcome: 'throttled', code: '429', retryAfterMs: 2000 } : { outcome: 'ok', code: '200' });
    const { changes, sink } = await run(runWide, keys(200), { rate: 400 });
    expect(changes.some((c) => 'kind' in c && (c.kind === 'slowed' || c.kind === 'paused'))).toBe(true);
    expect([...sink.last().values()].every((r) => r.status === 'sent')).toBe(true);
  });

  it('a row a gate defers waits without a record and without holding up the rows that may go', async () => {
    const opensAt = START + HOUR;
    const nightOwls: RowGate = { check: (row, now) => (row.key.startsWith('n') && now < opensAt ? { act: 'defer', until: opensAt } : { act: 'go' }) };
    const ids = ['n0', 'd0', 'n1', 'd1', 'd2'];
    const { outcome, channel, sink } = await run(() => ({ outcome: 'ok', code: '200' }), ids, { speed: 20_000, gates: [nightOwls], concurrency: 1 });
    expect(outcome.stopped).toBeNull();
    expect(channel.sent).toEqual(['d0', 'd1', 'd2', 'n0', 'n1']);
    // The deferred rows' first record is their pending one, written when their window opened.
    const firstNight = sink.rows().find((r) => r.key === 'n0')!;
    expect(firstNight.status).toBe('pending');
    expect(Date.parse(firstNight.at)).toBeGreaterThanOrEqual(opensAt);
  });

  it('a gate that pauses the run stops dispatching: rows not sent get no record, and the outcome says why', async () => {
    let dispatched = 0;
    const quota: RowGate = {
      check: () => ({ act: 'go' }),
      dispatched: () => void dispatched++,
      pauseReason: () => (dispatched >= 3 ? { kind: 'quota', detail: 'quota 3/h reached', resumeAt: START + HOUR } : null),
    };
    const { outcome, sink } = await run(() => ({ outcome: 'ok', code: '200' }), keys(10), { gates: [quota], concurrency: 1 });
    expect(outcome.stopped).toMatchObject({ kind: 'paused', pause: { kind: 'quota' } });
    expect(sink.last().size).toBe(3);
    expect([...sink.last().values()].every((r) => r.status === 'sent')).toBe(true);
  });
});
