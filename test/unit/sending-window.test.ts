/** Window, calendar and deadline arithmetic in real zones (Intl's data), across midnight, DST changes and half-hour zones. */
import { describe, expect, it } from 'vitest';
import { nextLocalTime, periodAt, type PeriodUnit } from '../../src/pacing/calendar.js';
import { parseWindow, windowState } from '../../src/pacing/sending-window.js';
import { zoneClock } from '../../src/pacing/zone-clock.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString().replace('.000Z', 'Z'));
const clock = (zone: string) => zoneClock(zone)!;

describe('windowState', () => {
  // [zone, window, instant (UTC), inside?, until when the answer changes (UTC)]
  const rows: [string, string, string, boolean, string | null][] = [
    // 19:59:50 in Shanghai: inside 09:00-20:00 for ten more seconds
    ['Asia/Shanghai', '09:00-20:00', '2026-06-01T11:59:50Z', true, '2026-06-01T12:00:00Z'],
    // 20:00 exactly is outside (the end is exclusive); it opens at 09:00 the next morning
    ['Asia/Shanghai', '09:00-20:00', '2026-06-01T12:00:00Z', false, '2026-06-02T01:00:00Z'],
    // across midnight: 23:00 is inside 22:00-06:00 until 06:00 the next day
    ['Asia/Shanghai', '22:00-06:00', '2026-06-01T15:00:00Z', true, '2026-06-01T22:00:00Z'],
    // across midnight: 02:00 is inside too (the part after midnight)
    ['Asia/Shanghai', '22:00-06:00', '2026-06-01T18:00:00Z', true, '2026-06-01T22:00:00Z'],
    // across midnight: 07:00 is outside until 22:00 that evening
    ['Asia/Shanghai', '22:00-06:00', '2026-06-01T23:00:00Z', false, '2026-06-02T14:00:00Z'],
    // a window ending at 24:00: 23:59 is inside until midnight
    ['Asia/Shanghai', '20:00-24:00', '2026-06-01T15:59:00Z', true, '2026-06-01T16:00:00Z'],
    // New York spring forward (8 March 2026, 02:00 EST → 03:00 EDT): 02:30 does not exist; the
    // window 02:30-04:00 opens when the clock jumps to 03:00 (07:00Z)
    ['America/New_York', '02:30-04:00', '2026-03-08T06:00:00Z', false, '2026-03-08T07:00:00Z'],
    // ... and closes at 04:00 EDT
    ['America/New_York', '02:30-04:00', '2026-03-08T07:00:00Z', true, '2026-03-08T08:00:00Z'],
    // a window wholly inside the gap never opens that day: the next opening is 02:00 EDT on 9 March
    ['America/New_York', '02:00-02:30', '2026-03-08T05:00:00Z', false, '2026-03-09T06:00:00Z'],
    // New York fall back (1 November 2026, 02:00 EDT → 01:00 EST): 09:00 is EST, 14:00Z
    ['America/New_York', '09:00-20:00', '2026-11-01T04:30:00Z', false, '2026-11-01T14:00:00Z'],
    // 01:00-01:30 happens twice: inside the first time (EDT) until 01:30 EDT …
    ['America/New_York', '01:00-01:30', '2026-11-01T05:00:00Z', true, '2026-11-01T05:30:00Z'],
    // … outside from 01:30 EDT until the clock goes back to 01:00 (EST, 06:00Z) …
    ['America/New_York', '01:00-01:30', '2026-11-01T05:30:00Z', false, '2026-11-01T06:00:00Z'],
    // … and inside again the second time, until 01:30 EST
    ['America/New_York', '01:00-01:30', '2026-11-01T06:00:00Z', true, '2026-11-01T06:30:00Z'],
    // 01:30-02:00 is left when the clock goes back from 01:59:59 EDT to 01:00 EST
    ['America/New_York', '01:30-02:00', '2026-11-01T05:45:00Z', true, '2026-11-01T06:00:00Z'],
    // Berlin spring forward (29 March 2026, 02:00 CET → 03:00 CEST): 02:30-03:30 opens at the jump (01:00Z)
    ['Europe/Berlin', '02:30-03:30', '2026-03-29T00:30:00Z', false, '2026-03-29T01:00:00Z'],
    // ... and is open for half an hour only, until 03:30 CEST
    ['Europe/Berlin', '02:30-03:30', '2026-03-29T01:00:00Z', true, '2026-03-29T01:30:00Z'],
    // Berlin the day before fall back: 08:00 CEST, opens at 09:00 CEST (07:00Z)
    ['Europe/Berlin', '09:00-20:00', '2026-10-24T06:00:00Z', false, '2026-10-24T07:00:00Z'],
    // Berlin on the fall-back day (25 October 2026): 07:00 CET, opens at 09:00 CET (08:00Z)
    ['Europe/Berlin', '09:00-20:00', '2026-10-25T06:00:00Z', false, '2026-10-25T08:00:00Z'],
    // Kolkata (+05:30): 08:59 IST, opens at 09:00 IST = 03:30Z
    ['Asia/Kolkata', '09:00-20:00', '2026-06-01T03:29:00Z', false, '2026-06-01T03:30:00Z'],
    // Kathmandu (+05:45): 08:59 NPT, opens at 09:00 NPT = 03:15Z
    ['Asia/Kathmandu', '09:00-20:00', '2026-06-01T03:14:00Z', false, '2026-06-01T03:15:00Z'],
    // Kathmandu: 19:59 NPT, closes at 20:00 NPT = 14:15Z
    ['Asia/Kathmandu', '09:00-20:00', '2026-06-01T14:14:00Z', true, '2026-06-01T14:15:00Z'],
    // the whole day: always inside, never changes
    ['Asia/Shanghai', '00:00-24:00', '2026-06-01T12:00:00Z', true, null],
  ];
  it.each(rows)('%s %s at %s: inside %s until %s', (zone, window, instant, inside, until) => {
    const state = windowState(parseWindow(window)!, clock(zone), at(instant));
    expect({ inside: state.inside, until: iso(state.until) }).toEqual({ inside, until });
  });
});

describe('parseWindow', () => {
  it('reads HH:MM-HH:MM with 24:00 as an end, and nothing else', () => {
    expect(parseWindow('09:00-20:00')).toEqual({ start: 540, end: 1200 });
    expect(parseWindow('22:00-06:00')).toEqual({ start: 1320, end: 360 });
    expect(parseWindow('00:00-24:00')).toEqual({ start: 0, end: 1440 });
    for (const bad of ['9-17', '09:00', '24:00-06:00', '09:60-10:00', '09:00-24:30', '09:00–20:00']) expect(parseWindow(bad), bad).toBeNull();
  });
});

describe('periodAt', () => {
  // [zone, unit, instant (UTC), period start, period end (UTC)]
  const rows: [string, PeriodUnit, string, string, string][] = [
    // New York's spring-forward day has 23 hours
    ['America/New_York', 'day', '2026-03-08T12:00:00Z', '2026-03-08T05:00:00Z', '2026-03-09T04:00:00Z'],
    // New York's fall-back day has 25 hours
    ['America/New_York', 'day', '2026-11-01T12:00:00Z', '2026-11-01T04:00:00Z', '2026-11-02T05:00:00Z'],
    // the first 01:00 hour of the fall-back night (EDT) …
    ['America/New_York', 'hour', '2026-11-01T05:30:00Z', '2026-11-01T05:00:00Z', '2026-11-01T06:00:00Z'],
    // … and the second (EST) are two hours of sending
    ['America/New_York', 'hour', '2026-11-01T06:30:00Z', '2026-11-01T06:00:00Z', '2026-11-01T07:00:00Z'],
    // Berlin: the hour after the spring-forward jump is 03:00 CEST
    ['Europe/Berlin', 'hour', '2026-03-29T01:30:00Z', '2026-03-29T01:00:00Z', '2026-03-29T02:00:00Z'],
    // Kolkata's hours start at half past in UTC
    ['Asia/Kolkata', 'hour', '2026-06-01T04:00:00Z', '2026-06-01T03:30:00Z', '2026-06-01T04:30:00Z'],
    // Kathmandu's day starts at 18:15Z the day before
    ['Asia/Kathmandu', 'day', '2026-06-01T12:00:00Z', '2026-05-31T18:15:00Z', '2026-06-01T18:15:00Z'],
  ];
  it.each(rows)('%s %s at %s: [%s, %s)', (zone, unit, instant, start, end) => {
    const period = periodAt(clock(zone), unit, at(instant));
    expect({ start: iso(period.start), end: iso(period.end) }).toEqual({ start, end });
  });
});

describe('nextLocalTime (--not-after HH:MM)', () => {
  // [zone, HH:MM, after (UTC), next (UTC)]
  const rows: [string, string, string, string][] = [
    // 19:00 in Shanghai: 20:00 is today
    ['Asia/Shanghai', '20:00', '2026-06-01T11:00:00Z', '2026-06-01T12:00:00Z'],
    // 20:00:30: the next 20:00 is tomorrow
    ['Asia/Shanghai', '20:00', '2026-06-01T12:00:30Z', '2026-06-02T12:00:00Z'],
    // 02:30 does not exist on New York's spring-forward day: the clock jumps past it at 07:00Z
    ['America/New_York', '02:30', '2026-03-08T05:00:00Z', '2026-03-08T07:00:00Z'],
    // 01:30 happens twice on the fall-back night: first the EDT one …
    ['America/New_York', '01:30', '2026-11-01T04:00:00Z', '2026-11-01T05:30:00Z'],
    // … then, once past it, the EST one
    ['America/New_York', '01:30', '2026-11-01T05:30:00Z', '2026-11-01T06:30:00Z'],
    // Kathmandu 20:00 is 14:15Z
    ['Asia/Kathmandu', '20:00', '2026-06-01T00:00:00Z', '2026-06-01T14:15:00Z'],
  ];
  it.each(rows)('%s %s after %s: %s', (zone, hhmm, after, next) => {
    const [h, m] = hhmm.split(':').map(Number) as [number, number];
    expect(iso(nextLocalTime(clock(zone), h * 60 + m, at(after)))).toBe(next);
  });
});
