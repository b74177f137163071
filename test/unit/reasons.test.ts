/** Why rows ended invalid or failed: reasons grouped, bounded and ranked; the summary fold that carries them. */
import { describe, expect, it } from 'vitest';
import { MAX_DISTINCT_REASONS, OTHER_REASONS, ReasonTally, normalizeReason } from '../../src/results/reason-tally.js';
import { SummaryFold } from '../../src/report/summary.js';

describe('normalizeReason', () => {
  it.each<[string, string | null, string | null, string]>([
    // The send planner's record prefix goes, so equal reasons group.
    ['send planner prefix', "record 12 (line 13): the row has no field 'nmae'", null, "the row has no field 'nmae'"],
    // The retry planner's shorter prefix goes too.
    ['retry planner prefix', "record 7: the row has no field 'nmae'", null, "the row has no field 'nmae'"],
    // An address in an SMTP answer is taken out: every unknown mailbox groups.
    ['address', '550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown', '550', '550 5.1.1 <…>: Recipient address rejected: User unknown'],
    // A phone number in a Twilio answer is taken out.
    ['phone', "The 'To' number +15550001234 is not a valid phone number", '21211', "21211: The 'To' number … is not a valid phone number"],
    // The code is put first when the text does not carry it.
    ['code first', '非法手机号', 'isv.MOBILE_NUMBER_ILLEGAL', 'isv.MOBILE_NUMBER_ILLEGAL: 非法手机号'],
    // No text at all: the code alone, else a placeholder.
    ['code only', null, 'ETIMEDOUT', 'ETIMEDOUT'],
    ['nothing', null, null, '(no reason recorded)'],
  ])('%s', (_name, error, code, expected) => {
    expect(normalizeReason(error, code)).toBe(expected);
  });

  it('keeps a long reason short', () => {
    expect(normalizeReason('x'.repeat(1000)).length).toBeLessThanOrEqual(160);
  });
});

describe('ReasonTally', () => {
  it('ranks reasons most frequent first, and groups rows whose reasons differ only by record number', () => {
    const tally = new ReasonTally();
    for (let i = 1; i <= 5; i++) tally.add('invalid', `record ${i} (line ${i + 1}): the row has no field 'nmae'`);
    for (let i = 0; i < 9; i++) tally.add('failed', 'answered 404: not found', '404');
    tally.add('failed', 'answered 500', '500');
    expect(tally.top(3)).toEqual([
      { status: 'failed', reason: 'answered 404: not found', count: 9 },
      { status: 'invalid', reason: "the row has no field 'nmae'", count: 5 },
      { status: 'failed', reason: 'answered 500', count: 1 },
    ]);
  });

  it('keeps at most MAX_DISTINCT_REASONS reasons; the rest count together', () => {
    const tally = new ReasonTally();
    for (let i = 0; i < MAX_DISTINCT_REASONS + 50; i++) tally.add('failed', `reason number ${String.fromCharCode(65 + (i % 26))}${i}`, 'X');
    expect(tally.entries()).toHaveLength(MAX_DISTINCT_REASONS + 1);
    expect(tally.entries().find((entry) => entry.reason === OTHER_REASONS)?.count).toBe(50);
    // Taking one away that was counted among the others takes it from there.
    tally.remove('failed', `reason number ${String.fromCharCode(65 + ((MAX_DISTINCT_REASONS + 1) % 26))}${MAX_DISTINCT_REASONS + 1}`, 'X');
    expect(tally.entries().find((entry) => entry.reason === OTHER_REASONS)?.count).toBe(49);
  });
});

describe('SummaryFold', () => {
  it('lists codes most frequent first (numeric codes too), reasons, and what retry would do', () => {
    const fold = new SummaryFold();
    const failed = (code: string, rowClass: 'permanent' | 'retryable', error: string) => ({ status: 'failed' as const, class: rowClass, code, latencyMs: 5, error });
    fold.add(failed('500', 'retryable', 'answered 500'));
    for (let i = 0; i < 3; i++) fold.add(failed('404', 'permanent', 'answered 404'));
    fold.add(failed('21610', 'permanent', 'unsubscribed'));
    fold.add(failed('550', 'permanent', '550 5.1.1 <a@b.example>: User unknown'));
    fold.add({ status: 'invalid', class: 'invalid', code: null, latencyMs: null, error: 'record 3 (line 4): bad' });
    const json = fold.toJSON();
    expect(json.topCodes.map((c) => c.code)).toEqual(['404', '21610', '500', '550']);
    expect(json.reasons[0]).toEqual({ status: 'failed', reason: 'answered 404', count: 3 });
    expect(json.retry).toEqual({ retry: 1, withAll: 3, optedOut: 1, unknownMailboxes: 1, inDoubt: 0 });
  });

  it('reclassify moves a row from one class to another without counting it twice', () => {
    const fold = new SummaryFold();
    const before = { status: 'failed' as const, class: 'permanent' as const, code: '404', latencyMs: 10, error: 'answered 404' };
    fold.add(before);
    fold.reclassify(before, { ...before, class: 'fatal' });
    const json = fold.toJSON();
    expect(json.rows).toBe(1);
    expect(json.breakdown).toEqual({ failed: { fatal: 1 } });
    expect(json.reasons).toEqual([{ status: 'failed', reason: 'answered 404', count: 1 }]);
    expect(json.retry).toEqual({ retry: 1, withAll: 0, optedOut: 0, unknownMailboxes: 0, inDoubt: 0 });
  });
});
