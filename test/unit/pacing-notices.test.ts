/** Pacing notices coalesced and rounded: a table of changes at given times, and the lines people see. */
import { describe, expect, it } from 'vitest';
import { PacingNotices, THROTTLE_NOTICE_EVERY_MS } from '../../src/campaign/pacing-notices.js';
import type { BreakerChange } from '../../src/pacing/circuit-breaker.js';
import type { GovernorChange } from '../../src/pacing/throttle-governor.js';
import { formatRoughRate } from '../../src/config/parse-rate.js';

type Step = [at: number, change: GovernorChange | BreakerChange | 'tick'];

function play(steps: Step[], failure: string | null = null): (string | null)[] {
  let now = 0;
  const notices = new PacingNotices(() => now, () => failure, 300_000);
  return steps.map(([at, change]) => {
    now = at;
    const notice = change === 'tick' ? notices.tick() : notices.change(change);
    return notice === null ? null : `${notice.level}: ${notice.text}`;
  });
}

describe('PacingNotices', () => {
  it('says a slow-down once, rounded, then at most one line per window with the latest limit', () => {
    expect(
      play([
        [0, { kind: 'slowed', limit: 212.37 }], // told at once
        [1000, { kind: 'slowed', limit: 187.12 }], // held: too soon
        [2000, { kind: 'slowed', limit: 151.9 }], // held
        [3000, { kind: 'rising', limit: 160 }], // a recovery step: never told
        [THROTTLE_NOTICE_EVERY_MS + 10, 'tick'], // the held slow-down, with the latest limit
        [THROTTLE_NOTICE_EVERY_MS + 20, 'tick'], // nothing new
        [20_000, { kind: 'recovered', limit: 500 }], // recovery is told
        [21_000, { kind: 'recovered', limit: 500 }], // once
      ]),
    ).toEqual([
      'info: provider is throttling: slowing to ~210/s',
      null,
      null,
      null,
      'info: provider is throttling: slowing to ~150/s',
      null,
      'info: throttling over: back to ~500/s',
      null,
    ]);
  });

  it('coalesces storm pauses into one line per window', () => {
    expect(
      play([
        [0, { kind: 'paused', limit: 50, pauseMs: 500 }],
        [1000, { kind: 'paused', limit: 25, pauseMs: 1000 }],
        [2000, { kind: 'paused', limit: 12.5, pauseMs: 2000 }],
        [6000, 'tick'],
      ]),
    ).toEqual(['info: provider is throttling most sends: pausing, slowing to ~50/s', null, null, 'info: provider is throttling most sends: paused 2 times, slowing to ~13/s']);
  });

  it('names the dominant failure when the breaker opens, and says a failing probe once per 30 s', () => {
    const open: BreakerChange = { state: 'open', failures: 12, window: 20, cooldownMs: 1000 };
    const probe = (cooldownMs: number): BreakerChange => ({ state: 'open', failures: 12, window: 20, cooldownMs, probeFailed: true });
    expect(play([[0, open], [1000, probe(2000)], [3000, probe(4000)], [7000, probe(8000)], [31_000, probe(16000)], [40_000, { state: 'closed', failures: 0, window: 0 }]], '503 (upstream down)')).toEqual([
      'warning: 12 of the last 20 sends failed: pausing 1.0s, then one probe; most failed with 503 (upstream down)',
      'warning: still failing: the probe failed too; next probe in 2.0s, giving up after 5m00s of failures; most failed with 503 (upstream down)',
      null,
      null,
      'warning: still failing: 4 probes failed; next probe in 16.0s, giving up after 5m00s of failures; most failed with 503 (upstream down)',
      'info: sends succeed again: circuit closed',
    ]);
  });
});

describe('formatRoughRate', () => {
  it.each([
    [1234.5, '~1200/s'],
    [199.6, '~200/s'],
    [37.3, '~37/s'],
    [5.55, '~5.5/s'],
    [0.5, '~30/min'],
    [0.01, '~36/h'],
  ])('%s/s is %s', (rate, text) => {
    expect(formatRoughRate(rate)).toBe(text);
  });
});
