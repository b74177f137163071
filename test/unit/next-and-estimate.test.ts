/** The one next step a summary recommends, a dry run's estimates, --sample's spread, and the command lines herald prints. */
import { describe, expect, it } from 'vitest';
import { estimateCost, estimateTime, parsePrice } from '../../src/campaign/estimate.js';
import { SlowCalls, slowCallLine } from '../../src/campaign/slow-calls.js';
import { SpreadSample } from '../../src/campaign/spread-sample.js';
import { resumeLineOf } from '../../src/commands/resume-line.js';
import { realSendLine } from '../../src/commands/test-send.js';
import { recommendNext } from '../../src/report/recommend.js';
import type { RunRecord } from '../../src/results/record.js';

const none = { retry: 0, withAll: 0, optedOut: 0, unknownMailboxes: 0, inDoubt: 0 };

describe('recommendNext', () => {
  it.each<[string, Parameters<typeof recommendNext>[0], string | null, number]>([
    // Rows left behind come first: a resume sends them (a retry would not).
    ['rows left and failures', { rowsLeft: 7, resumeCommand: 'herald send x --resume', retry: { ...none, retry: 3 }, retryCommand: 'herald retry l' }, 'herald send x --resume', 0],
    // Failures herald retry sends.
    ['retryable failures', { rowsLeft: 0, resumeCommand: 'r', retry: { ...none, retry: 3, withAll: 2 }, retryCommand: 'herald retry l' }, 'herald retry l', 0],
    // Only permanent failures: --all.
    ['permanent only', { rowsLeft: 0, resumeCommand: 'r', retry: { ...none, withAll: 2 }, retryCommand: 'herald retry l' }, 'herald retry l --all', 0],
    // Only recipients who opted out or do not exist: no step, two notes, never --all.
    ['opted out and unknown mailboxes', { rowsLeft: 0, resumeCommand: 'r', retry: { ...none, optedOut: 2, unknownMailboxes: 1 }, retryCommand: 'herald retry l' }, null, 2],
    // Only rows in doubt that herald retry leaves (WeChat): no step that would send nothing; a note naming --in-doubt resend.
    ['in doubt, left by retry', { rowsLeft: 0, resumeCommand: 'r', retry: { ...none, inDoubt: 2 }, retryCommand: 'herald retry l' }, null, 1],
  ])('%s', (_name, facts, command, notes) => {
    const recommendation = recommendNext(facts);
    expect(recommendation.next?.command ?? null).toBe(command);
    expect(recommendation.notes).toHaveLength(notes);
    expect(JSON.stringify(recommendation)).not.toMatch(/--all.*(opted|exist)|(opted|exist).*--all/);
  });
});

describe('dry-run estimates', () => {
  it.each<[string, number, number | null, number, string]>([
    ['at --rate', 3000, 50, 8, '~1m00s at 50/s (--rate)'],
    ['no --rate', 1000, null, 10, 'no --rate: as fast as the provider answers, 10 at a time (~10.0s if each answer takes 100 ms)'],
    ['nothing to send', 0, 50, 8, 'nothing to send'],
  ])('time %s', (_name, rows, rate, concurrency, text) => {
    expect(estimateTime(rows, rate, concurrency)).toBe(text);
  });

  it.each<[string, string, number, string]>([
    ['a bare number', '0.045', 1234, '~55.530 (1234 segments × 0.045)'],
    ['a currency after', '0.045USD', 1000, '~45.000 USD (1000 segments × 0.045 USD)'],
    ['a currency before', '¥0.04', 250, '~¥10.00 (250 segments × ¥0.04)'],
  ])('cost with %s', (_name, price, units, text) => {
    expect(estimateCost(units, 'segments', parsePrice(price))).toBe(text);
  });

  it('refuses a price that is not one, naming the flag', () => {
    expect(() => parsePrice('cheap')).toThrow(/--price 'cheap'/);
  });
});

describe('SpreadSample', () => {
  it('takes the first row offered in each of K stretches of the file', () => {
    const sample = new SpreadSample(100, 4);
    expect(sample.points).toEqual([1, 26, 51, 76]);
    // Rows 1-3 are in the first stretch: only the first offered is taken; row 30 opens the second, 80 the fourth.
    expect([1, 2, 3, 30, 31, 80].map((line) => sample.take(line))).toEqual([true, false, false, true, false, true]);
  });

  it('asks for more rows than the file has: each row is one stretch', () => {
    expect(new SpreadSample(2, 5).points).toEqual([1, 2]);
  });
});

describe('slowCallLine', () => {
  it.each<[string, { kind: 'send' | 'batch' | 'reconcile'; rows: number }[], string | null]>([
    ['nothing slow', [], null],
    ['a batch', [{ kind: 'batch', rows: 100 }], "a batch of 100 rows waited over 5.0s for aliyun-sms's answer (still waiting)"],
    ['sends and a reconciliation', [{ kind: 'send', rows: 1 }, { kind: 'send', rows: 1 }, { kind: 'reconcile', rows: 1 }], "2 sends waited over 5.0s for aliyun-sms's answer; asking aliyun-sms about 1 row in doubt took over 5.0s (still waiting)"],
  ])('%s', (_name, calls, line) => {
    expect(slowCallLine('aliyun-sms', calls, 5000)).toBe(line);
  });
});

describe('SlowCalls', () => {
  it('tells each call once, when it has waited the threshold; a call that answered is forgotten', async () => {
    const calls = new SlowCalls('aliyun-sms', 5000);
    let answer!: () => void;
    const batch = calls.timed('batch', 100, 0, () => new Promise<void>((resolve) => (answer = resolve)));
    void calls.timed('reconcile', 1, 3000, () => new Promise(() => undefined));
    expect(calls.check(4999)).toBeNull();
    expect(calls.check(5000)).toBe("a batch of 100 rows waited over 5.0s for aliyun-sms's answer (still waiting)");
    expect(calls.check(7000)).toBeNull();
    expect(calls.check(8000)).toBe('asking aliyun-sms about 1 row in doubt took over 5.0s (still waiting)');
    answer();
    await batch;
    expect(calls.check(60_000)).toBeNull();
  });
});

describe('command lines', () => {
  it('the resume command of a run, rebuilt from its run record: the flags that matter, none of the run-only ones', () => {
    const run: RunRecord = {
      type: 'run', v: 1, at: '2026-01-01T00:00:00Z', herald: '0', runId: 'r', campaign: 'c', command: 'send', channel: 'webhook', input: '/data/list.csv',
      settings: { channel: 'webhook', url: 'https://x/{{id}}', header: ['A: 1', 'B: ${TOKEN}'], retries: '3', rate: '50/s', limit: '10', json: true, concurrency: 16, key: 'id', to: null, cwd: '/data', method: 'POST', encoding: 'auto' },
    };
    expect(resumeLineOf(run, 'list.log')).toBe("herald send /data/list.csv --channel webhook --rate 50/s --url 'https://x/{{id}}' --header 'A: 1' --header 'B: ${TOKEN}' --out list.log --resume");
    expect(resumeLineOf({ ...run, settings: { ...run.settings, concurrency: 4 } }, 'l')).toContain('--concurrency 4');
    expect(resumeLineOf({ ...run, input: '-' }, 'l')).toBeNull();
  });

  it('the real send after a test send: the command without --test-to, --sample and --limit', () => {
    expect(realSendLine(['send', 'list.csv', '--channel', 'email', '--test-to', 'me@x.example', '--sample=5', '--limit', '2', '--rate', '5/s'])).toBe('herald send list.csv --channel email --rate 5/s');
  });
});
