/** The quota and window gates, the suppression lists and the log fold of suppressed rows, with time passed in. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolvePolite } from '../../src/campaign/polite-settings.js';
import { checkPhone } from '../../src/channels/sms/phone.js';
import { loadList } from '../../src/input/suppression-file.js';
import { LocalQuotaStore, QuotaGate } from '../../src/pacing/quota-gate.js';
import { parseWindow } from '../../src/pacing/sending-window.js';
import { WindowGate } from '../../src/pacing/window-gate.js';
import { zoneClock } from '../../src/pacing/zone-clock.js';
import { normalPhone, normalRecipient, Suppression } from '../../src/pipeline/suppression.js';
import { foldLog } from '../../src/results/log-state.js';
import { rowRecord } from '../../src/results/row-record.js';
import { statusLine } from '../../src/ui/progress.js';
import { waitingNow, waitingText } from '../../src/ui/run-observer.js';
import { tempDir } from '../helpers/cli.js';

const at = (iso: string) => Date.parse(iso);
const row = { key: 'k', row: {} };

describe('QuotaGate', () => {
  const shanghai = zoneClock('Asia/Shanghai')!;

  it('lets rows go while sent + in flight < N, holds at N, pauses once N are sent, and starts over next hour', () => {
    // Two rows of the log were sent earlier this hour (09:xx Shanghai), one in the hour before.
    const store = new LocalQuotaStore([at('2026-06-01T01:10:00Z'), at('2026-06-01T01:20:00Z'), at('2026-06-01T00:59:00Z')]);
    const gate = new QuotaGate({ limit: 4, unit: 'hour' }, shanghai, store, '--quota 4/h');
    const now = at('2026-06-01T01:30:00Z');
    expect(gate.check(row, now)).toEqual({ act: 'go' }); // 2 sent + 0 in flight
    expect(gate.check(row, now)).toEqual({ act: 'go' }); // 2 sent + 1 in flight
    expect(gate.check(row, now)).toEqual({ act: 'hold' }); // 2 sent + 2 in flight = 4
    expect(gate.pauseReason(now)).toBeNull(); // in flight may still fail
    gate.settled(row, false, now); // one failed: its place is free again
    expect(gate.check(row, now)).toEqual({ act: 'go' });
    gate.settled(row, true, now);
    gate.settled(row, true, now);
    const pause = gate.pauseReason(now)!;
    expect(pause.kind).toBe('quota');
    expect(pause.resumeAt).toBe(at('2026-06-01T02:00:00Z'));
    expect(pause.detail).toBe('--quota 4/h reached: 4 sent in the hour from 09:00 Asia/Shanghai; the next hour starts at 10:00 Asia/Shanghai (2026-06-01T02:00:00.000Z)');
    // 10:00 Shanghai: a new hour, nothing sent in it yet.
    const next = at('2026-06-01T02:00:00Z');
    expect(gate.pauseReason(next)).toBeNull();
    expect(gate.check(row, next)).toEqual({ act: 'go' });
  });

  it('counts per calendar day in the zone: a send at 23:59 and one at 00:01 are in different days', () => {
    const store = new LocalQuotaStore([at('2026-06-01T15:59:00Z')]); // 23:59 Shanghai
    const gate = new QuotaGate({ limit: 1, unit: 'day' }, shanghai, store, '--quota 1/d');
    expect(gate.pauseReason(at('2026-06-01T15:59:30Z'))?.resumeAt).toBe(at('2026-06-01T16:00:00Z'));
    expect(gate.pauseReason(at('2026-06-01T16:01:00Z'))).toBeNull();
  });
});

describe('WindowGate', () => {
  it("defers a row to its own zone's opening; an empty zone field uses --tz", () => {
    const gate = new WindowGate(parseWindow('09:00-20:00')!, 'Asia/Shanghai', 'tz');
    const now = at('2026-06-01T12:30:00Z'); // 20:30 Shanghai, 08:30 New York, 18:00 Kolkata
    expect(gate.check({ key: 'a', row: { tz: '' } }, now)).toEqual({ act: 'defer', until: at('2026-06-02T01:00:00Z') });
    expect(gate.check({ key: 'b', row: { tz: 'America/New_York' } }, now)).toEqual({ act: 'defer', until: at('2026-06-01T13:00:00Z') });
    expect(gate.check({ key: 'c', row: { tz: 'Asia/Kolkata' } }, now)).toEqual({ act: 'go' });
    // The cached answer for New York holds until it opens; then it goes.
    expect(gate.check({ key: 'd', row: { tz: 'America/New_York' } }, at('2026-06-01T13:00:00Z'))).toEqual({ act: 'go' });
  });
});

describe('suppression', () => {
  it('normalises e-mail case and phone formats the way the SMS channels read numbers', () => {
    expect(normalRecipient('  Alice@Example.COM ')).toBe('alice@example.com');
    for (const phone of ['+86 138 0013 8000', '13800138000', '0086 13800138000', '+86-138-0013-8000', '(+86) 138 0013 8000', '8613800138000']) {
      expect(normalRecipient(phone), phone).toBe('+8613800138000');
    }
    expect(normalRecipient('+1 (415) 555-2671')).toBe('+14155552671');
    expect(normalRecipient('+44 (0)7911 123456')).toBe('+447911123456'); // the trunk 0 dropped (libphonenumber)
    expect(normalRecipient('u-123')).toBe('u-123'); // not a phone: exactly as written
    // The fast path agrees with the SMS channels' own parse.
    for (const phone of ['+86 138 0013 8000', '0086 13800138000', '+1 415 555 2671', '+852 9123 4567']) {
      expect(normalPhone(phone)).toBe((checkPhone(phone, { mainlandByDefault: true }) as { number: { e164: string } }).number.e164);
    }
  });

  it('reads plain lists (comments, blank lines, BOM) and CSV lists by their --to field, else the first field', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const plain = join(dir, 'optout.txt');
      writeFileSync(plain, '\uFEFF# people who unsubscribed\nBob@Example.com\n\n  +86 139 0000 0000  \nkey-7\n');
      const csv = join(dir, 'complaints.csv');
      writeFileSync(csv, 'name,email\nCarol,CAROL@example.com\n');
      const headless = join(dir, 'phones.csv');
      writeFileSync(headless, 'mobile,note\n0086 13700000000,complained\n');
      const suppression = new Suppression([await loadList(plain, 'email'), await loadList(csv, 'email'), await loadList(headless, 'email')]);
      expect(suppression.reason('x', 'bob@EXAMPLE.com')).toBe(`recipient 'bob@example.com' is on the suppression list ${plain}`);
      expect(suppression.reason('x', '13900000000')).toContain(plain);
      expect(suppression.reason('key-7', 'someone@else.com')).toBe(`key 'key-7' is on the suppression list ${plain}`);
      expect(suppression.reason('x', 'carol@example.com')).toContain(csv);
      expect(suppression.reason('x', 'Carol')).toBeNull(); // the name column is not the --to field
      expect(suppression.reason('x', '+86 137 0000 0000')).toContain(headless);
      expect(suppression.reason('x', 'dave@example.com')).toBeNull();
      expect(suppression.reason('# people who unsubscribed', undefined)).toBeNull();
    } finally {
      cleanup();
    }
  });

  it('a suppressed row is its key\'s state in the log (done on resume), duplicates are not', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const log = join(dir, 'log.jsonl');
      const run = { type: 'run', v: 1, at: '2026-06-01T00:00:00.000Z', herald: 'x', runId: 'r', campaign: 'c', command: 'send', channel: 'webhook', input: null, settings: {} };
      const records = [
        run,
        rowRecord({ key: 'a', status: 'failed', class: 'permanent', line: 1, row: {} }),
        rowRecord({ key: 'a', status: 'skipped', class: 'suppressed', line: 1, row: {} }),
        rowRecord({ key: 'b', status: 'sent', class: 'ok', line: 2, row: {} }),
        rowRecord({ key: 'b', status: 'skipped', class: 'duplicate', line: 3, row: {} }),
      ];
      writeFileSync(log, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
      const state = await foldLog(log);
      expect(state.keys.get('a')).toMatchObject({ status: 'skipped', class: 'suppressed' });
      expect(state.keys.get('b')).toMatchObject({ status: 'sent' });
      expect(state.duplicates).toBe(1);
    } finally {
      cleanup();
    }
  });
});

describe('progress while rows wait', () => {
  it('the status line says how many rows wait for their window and until when, in --tz', () => {
    const waiting = waitingText({ rows: 12, until: at('2026-06-02T01:00:00Z') }, 'their window', 'Asia/Shanghai');
    expect(waiting).toBe('12 waiting for their window until 09:00 Asia/Shanghai');
    expect(statusLine('send', { done: 40, sent: 38, failed: 2, other: 0 }, 20_000, waiting)).toBe(
      'herald: send 40 rows done (sent 38, failed 2, other 0), 2.0/s, 20.0s elapsed; 12 waiting for their window until 09:00 Asia/Shanghai',
    );
    expect(waitingText({ rows: 0, until: null }, 'their window', 'Asia/Shanghai')).toBeNull();
  });

  it('and how many rows wait to retry (a number\'s flow control, Retry-After), with or without a gate', () => {
    const gate = { for: 'their window', zone: 'Asia/Shanghai' };
    const none = { rows: 0, until: null };
    expect(waitingNow({ waitingForGate: none, waitingToRetry: 1 }, null)).toBe('1 waiting to retry');
    expect(waitingNow({ waitingForGate: { rows: 12, until: at('2026-06-02T01:00:00Z') }, waitingToRetry: 3 }, gate)).toBe('12 waiting for their window until 09:00 Asia/Shanghai; 3 waiting to retry');
    expect(waitingNow({ waitingForGate: none, waitingToRetry: 0 }, gate)).toBeNull();
    expect(waitingNow({ waitingForGate: none }, null)).toBeNull();
  });
});

describe('resolvePolite', () => {
  it('reads every form the flags take', () => {
    const polite = resolvePolite({ window: '22:00-06:00', tz: 'Asia/Kathmandu', notAfter: '2026-06-01T20:00:00+0800', quota: '2000/d', suppress: ['/a.txt'] });
    expect(polite).toEqual({
      window: { start: 1320, end: 360 },
      tz: 'Asia/Kathmandu',
      tzField: null,
      notAfter: { kind: 'instant', at: at('2026-06-01T12:00:00Z'), text: '2026-06-01T20:00:00+0800' },
      quota: { limit: 2000, unit: 'day' },
      suppress: ['/a.txt'],
    });
    expect(resolvePolite({ notAfter: '7:30' }).notAfter).toEqual({ kind: 'local', minute: 450, text: '7:30' });
  });

  it('refuses each bad value with the flag, the rule and the value', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ window: '09:00-09:00' }, "--window '09:00-09:00': the start and the end must differ (00:00-24:00 is the whole day)"],
      [{ notAfter: '2026-06-01T20:00' }, "--not-after '2026-06-01T20:00': an ISO 8601 time needs an offset"],
      [{ notAfter: '25:00' }, "--not-after '25:00': expected an ISO 8601 time with an offset"],
      [{ quota: '0/h' }, "--quota '0/h': expected N/h or N/d with N a whole number above zero"],
      [{ quota: '10/min' }, "--quota '10/min': expected N/h or N/d"],
      [{ suppress: 42 }, '--suppress 42: expected file paths'],
    ];
    for (const [raw, message] of cases) expect(() => resolvePolite(raw), message).toThrow(message);
  });
});
