/**
 * What a run watches in its answers: the first answers all the same permanent failure (a setting,
 * not the rows), the recent failures' dominant code, throttled answers and rows left waiting, and
 * the campaign's counts across runs. Tables with a comment per row; no clock, no I/O.
 */
import { describe, expect, it } from 'vitest';
import { AnswerStats, describeFailure } from '../../src/campaign/answer-stats.js';
import { CampaignTally } from '../../src/campaign/campaign-tally.js';
import { SAME_ANSWER_ROWS, SameAnswerStop, sameAnswerMessage } from '../../src/campaign/same-answer-stop.js';
import type { LogState } from '../../src/results/log-state.js';
import type { RowClass, RowRecord, RowStatus } from '../../src/results/record.js';
import { rowRecord } from '../../src/results/row-record.js';

function rec(key: string, status: RowStatus, rowClass: RowClass | null, code: string | null = null, error: string | null = null): RowRecord {
  return rowRecord({ key, status, class: rowClass, code, error, line: 1, row: {} }, 0);
}
const perm = (i: number, code = '404') => rec(`k${i}`, 'failed', 'permanent', code, `answered ${code}`);

describe('SameAnswerStop', () => {
  /** Feed records; the verdicts' acts, in order. */
  function feed(records: RowRecord[], threshold = 3): string[] {
    const watch = new SameAnswerStop(threshold);
    return records.map((record) => watch.observe(record).act);
  }

  it.each<[string, RowRecord[], string[]]>([
    // Three 404s in a row trip it on the third; a fourth 404 (in flight at the stop) is corrected.
    ['same permanent answer', [perm(1), perm(2), perm(3), perm(4)], ['none', 'none', 'stop', 'correct']],
    // After the trip, a different answer is left as it is.
    ['after the trip, another answer', [perm(1), perm(2), perm(3), perm(4, '410')], ['none', 'none', 'stop', 'none']],
    // One success among the first answers: the list is fine, the watcher disarms for good.
    ['a success disarms', [perm(1), rec('k2', 'sent', 'ok', '200'), perm(3), perm(4), perm(5)], ['none', 'none', 'none', 'none', 'none']],
    // Two different permanent codes: the rows differ, not a setting.
    ['different codes disarm', [perm(1), perm(2, '410'), perm(3), perm(4)], ['none', 'none', 'none', 'none']],
    // A transient failure (retries used up) is not the same answer.
    ['a retryable failure disarms', [perm(1), rec('k2', 'failed', 'retryable', '503'), perm(3), perm(4)], ['none', 'none', 'none', 'none']],
  ])('%s', (_name, records, acts) => {
    expect(feed(records)).toEqual(acts);
  });

  it('hands back the first rows when it stops, and says what to check', () => {
    const watch = new SameAnswerStop();
    let verdict = watch.observe(perm(0));
    for (let i = 1; i < SAME_ANSWER_ROWS; i++) verdict = watch.observe(perm(i));
    expect(verdict.act).toBe('stop');
    if (verdict.act !== 'stop') return;
    expect(verdict.rows.map((r) => r.key)).toEqual(Array.from({ length: SAME_ANSWER_ROWS }, (_, i) => `k${i}`));
    const message = sameAnswerMessage('webhook', verdict, verdict.rows.length);
    expect(message).toContain(`the first ${SAME_ANSWER_ROWS} sends all got the same permanent answer (answered 404)`);
    expect(message).toContain('--url');
    expect(message).toContain('--keep-going');
  });
});

describe('AnswerStats', () => {
  it('counts throttled answers, keeps the rows waiting by class, and names the dominant recent failure', () => {
    const stats = new AnswerStats();
    const records = [
      rec('a', 'pending', null),
      rec('a', 'pending', 'throttled', '429', 'slow down'), // a throttled answer; a waits
      rec('b', 'pending', 'retryable', '503', 'http://x answered 503'), // b waits
      rec('c', 'failed', 'retryable', '503', 'http://x answered 503'),
      rec('d', 'failed', 'in-doubt', 'ETIMEDOUT', 'no answer in 10s'),
      rec('a', 'pending', null), // a is sent again: no longer waiting
      rec('a', 'sent', 'ok', '200'),
    ];
    for (const record of records) stats.observe(record);
    stats.noteLimit(120);
    stats.noteLimit(45.5);
    stats.noteLimit(null);
    expect(stats.throttledAnswers).toBe(1);
    expect(stats.lowestRate).toBe(45.5);
    expect(stats.waitingByClass()).toEqual({ retryable: 1 });
    const dominant = stats.dominantFailure()!;
    expect(dominant).toMatchObject({ code: '503', count: 2, of: 3 });
    expect(describeFailure(dominant)).toBe('503 (http://x answered 503)');
  });
});

describe('CampaignTally', () => {
  it('replaces a resumed row\'s earlier state once, and counts new rows as recorded', () => {
    const keys = new Map([
      ['a', { status: 'sent' as const }],
      ['b', { status: 'failed' as const }],
      ['c', { status: 'pending' as const }],
    ]);
    const prior = { keys, duplicates: 1, keylessInvalid: 2, keylessLines: new Set([8, 9]), settledLines: new Set([7, 8, 9]) } as unknown as LogState;
    const tally = new CampaignTally(prior);
    expect(tally.continued).toBe(true);
    tally.add(rec('b', 'sent', 'ok')); // was failed
    tally.add(rec('c', 'failed', 'in-doubt')); // was pending
    tally.add(rec('d', 'sent', 'ok')); // a new row
    tally.add(rec('a', 'skipped', 'duplicate')); // a repeat of a's key: a new line
    tally.add({ ...rec('e', 'sent', 'ok'), line: 8 }); // recorded invalid without a key before, fixed since
    expect(tally.counts(2)).toEqual({ sent: 4, failed: 1, invalid: 1, skipped: 2, pending: 2, recorded: 6 + 2 + 2 });
  });

  it('a failed row suppressed by a later run (retry --suppress) replaces its state: counted once, as skipped', () => {
    const prior = { keys: new Map([['x', { status: 'failed' as const }]]), duplicates: 0, keylessInvalid: 0, keylessLines: new Set(), settledLines: new Set() } as unknown as LogState;
    const tally = new CampaignTally(prior);
    tally.add(rec('x', 'skipped', 'suppressed'));
    expect(tally.counts()).toEqual({ sent: 0, failed: 0, invalid: 0, skipped: 1, pending: 0, recorded: 1 });
  });
});
