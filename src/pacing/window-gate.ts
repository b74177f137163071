/**
 * The `--window` gate: a row goes only while its recipient's local time is inside the window (the
 * zone in its `--tz-field`, else `--tz`); outside, it is deferred to the moment the window opens.
 * Each zone's answer is kept until the instant it changes, so a row costs a map lookup.
 */
import type { RowFields } from '../input/row.js';
import { GO, type GatedRow, type GateVerdict, type RowGate } from './row-gate.js';
import { windowState, type DailyWindow } from './sending-window.js';
import { zoneClock, type ZoneClock } from './zone-clock.js';

/** A zone's answer and the span of time it holds for: [from, until). */
interface Cached {
  readonly clock: ZoneClock;
  from: number;
  until: number;
  inside: boolean;
}

/** The zone a row's window is read in: its own field's value, or the default when that is empty. */
export function rowZone(row: RowFields, tzField: string | null, fallback: string): string {
  if (tzField === null) return fallback;
  const value = row[tzField];
  const text = typeof value === 'string' ? value.trim() : value === undefined || value === null ? '' : String(value);
  return text === '' ? fallback : text;
}

/** Defers rows whose recipient is outside the sending window until it opens. */
export class WindowGate implements RowGate {
  private readonly zones = new Map<string, Cached>();

  /**
   * @param window the daily window
   * @param zone --tz: the zone of rows without one of their own
   * @param tzField --tz-field, or null
   */
  constructor(
    private readonly window: DailyWindow,
    private readonly zone: string,
    private readonly tzField: string | null,
  ) {}

  check(row: GatedRow, nowMs: number): GateVerdict {
    const state = this.state(rowZone(row.row, this.tzField, this.zone), nowMs);
    return state.inside ? GO : { act: 'defer', until: state.until };
  }

  private state(zone: string, now: number): Cached {
    let cached = this.zones.get(zone);
    if (cached && now >= cached.from && now < cached.until) return cached;
    // A zone the planner did not check (it checks --tz-field values) falls back to --tz.
    const clock = cached?.clock ?? zoneClock(zone) ?? zoneClock(this.zone)!;
    const answer = windowState(this.window, clock, now);
    cached = { clock, from: now, until: answer.until ?? Infinity, inside: answer.inside };
    this.zones.set(zone, cached);
    return cached;
  }
}
