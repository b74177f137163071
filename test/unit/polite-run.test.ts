/**
 * The polite gates driven through the engine in-process, with a clock 600 times faster than real
 * time: a deadline ends a run whose rows wait for a later window, and a quota reached stops a run
 * without pulling the rest of the input into the delay queue.
 */
import { describe, expect, it } from 'vitest';
import type { InputItem } from '../../src/input/row.js';
import { scaledClock } from '../../src/pacing/clock.js';
import { DeadlineGate } from '../../src/pacing/deadline-gate.js';
import { RunPacer } from '../../src/pacing/pacer.js';
import { LocalQuotaStore, QuotaGate } from '../../src/pacing/quota-gate.js';
import type { RowGate } from '../../src/pacing/row-gate.js';
import { parseWindow } from '../../src/pacing/sending-window.js';
import { WindowGate } from '../../src/pacing/window-gate.js';
import { zoneClock } from '../../src/pacing/zone-clock.js';
import { planRows } from '../../src/pipeline/plan-rows.js';
import { retryPolicy } from '../../src/pipeline/retry-policy.js';
import { planSource } from '../../src/pipeline/row-source.js';
import { SendLoop } from '../../src/pipeline/send-loop.js';
import { MemorySink, ScriptedChannel, type Script } from '../helpers/scripted-stages.js';

const at = (iso: string) => Date.parse(iso);

async function* zoned(rows: readonly (readonly [string, string])[]): AsyncGenerator<InputItem[]> {
  let line = 0;
  for (const [id, tz] of rows) {
    line++;
    yield [{ kind: 'row', line, sourceLine: line + 1, fields: { id, tz } }];
  }
}

async function run(rows: readonly (readonly [string, string])[], gates: RowGate[], start: number, script: Script = () => ({ outcome: 'ok', code: '200' }), concurrency = 4) {
  const clock = scaledClock(start, 600);
  const channel = new ScriptedChannel(script, 0);
  const sink = new MemorySink();
  const loop = new SendLoop<string>({
    source: planSource(planRows(zoned(rows), { keyField: 'id', channel, campaign: 'c', prior: null, inDoubt: 'auto', limit: null })),
    channel,
    pacer: new RunPacer({ rate: null, clock, gates }),
    sink,
    concurrency,
    batchSize: 1,
    policy: retryPolicy(0),
    resendWindowMs: 0,
    timeoutMs: 5000,
    clock,
  });
  const outcome = await loop.run();
  return { outcome, channel, sink, endedAt: clock.now() };
}

describe('polite gates in the engine', () => {
  it('--not-after ends the run at the deadline when every row left waits for a window opening after it', async () => {
    // 19:50 in Shanghai (ten minutes of this clock are one real second); New York's window opens
    // at 09:00 there (13:00Z), after the 20:00:30 deadline.
    const start = at('2026-06-01T11:50:00Z');
    const window = new WindowGate(parseWindow('09:00-20:00')!, 'Asia/Shanghai', 'tz');
    const deadline = new DeadlineGate(at('2026-06-01T12:00:30Z'), '--not-after 20:00:30');
    const rows = [['s0', ''], ['n0', 'America/New_York'], ['s1', 'Asia/Shanghai'], ['n1', 'America/New_York']] as const;
    const { outcome, channel, sink, endedAt } = await run(rows, [deadline, window], start);
    expect(outcome.stopped).toMatchObject({ kind: 'paused', pause: { kind: 'not-after' } });
    expect(channel.sent.sort()).toEqual(['s0', 's1']);
    expect(outcome.deferred).toBe(2);
    expect(sink.rows().filter((r) => r.key?.startsWith('n'))).toEqual([]); // rows not sent get no record
    expect(endedAt).toBeLessThan(at('2026-06-01T13:00:00Z')); // it did not wait for New York's window
  });

  it('--quota stops at N sent with at most one row held, not the rest of the input', async () => {
    const start = at('2026-06-01T01:30:00Z');
    const quota = new QuotaGate({ limit: 10, unit: 'hour' }, zoneClock('Asia/Shanghai')!, new LocalQuotaStore([]), '--quota 10/h');
    const slow: Script = async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return { outcome: 'ok', code: '200' };
    };
    const rows = Array.from({ length: 200 }, (_, i) => [`k${i}`, ''] as const);
    const { outcome, sink } = await run(rows, [quota], start, slow);
    expect(outcome.stopped).toMatchObject({ kind: 'paused', pause: { kind: 'quota', resumeAt: at('2026-06-01T02:00:00Z') } });
    expect(sink.rows().filter((r) => r.status === 'sent')).toHaveLength(10);
    expect(outcome.deferred).toBeLessThanOrEqual(1);
  });

  it('a quota reached by the last rows is no pause: nothing is left for a --resume', async () => {
    const quota = new QuotaGate({ limit: 3, unit: 'hour' }, zoneClock('Asia/Shanghai')!, new LocalQuotaStore([]), '--quota 3/h');
    // One slot: the quota is reached before the loop has read that the input is over.
    const { outcome, sink } = await run([['a', ''], ['b', ''], ['c', '']], [quota], at('2026-06-01T01:30:00Z'), undefined, 1);
    expect(outcome.stopped).toBeNull();
    expect(sink.rows().filter((r) => r.status === 'sent')).toHaveLength(3);
  });
});
