/**
 * Calendar arithmetic in a zone, for quotas and deadlines: the calendar hour or day an instant
 * falls in, and the next time the local clock reads HH:MM. Pure; daylight-saving days are 23 or 25
 * hours long, and a repeated hour (fall-back night) is two hours of sending.
 */
import { DAY, HOUR, MINUTE, mod, type ZoneClock } from './zone-clock.js';

/** A quota's period. */
export type PeriodUnit = 'hour' | 'day';

/** A calendar period: [start, end) in ms since the epoch. */
export interface Period {
  readonly start: number;
  readonly end: number;
}

/** The calendar hour or day in the clock's zone that instant `t` falls in. */
export function periodAt(clock: ZoneClock, unit: PeriodUnit, t: number): Period {
  const wall = clock.wall(t);
  if (unit === 'day') {
    const midnight = wall - mod(wall, DAY);
    return { start: clock.firstInstantOf(midnight), end: clock.firstInstantOf(midnight + DAY) };
  }
  // An hour of the local clock with one offset: where the offset changes, a new hour starts
  // (03:00 after a spring-forward gap, the second 01:00 of a fall-back night).
  const offset = clock.offset(t);
  const hourStart = wall - mod(wall, HOUR) - offset;
  const hourEnd = hourStart + HOUR;
  const before = clock.changesIn(hourStart, t).at(-1);
  const after = clock.changesIn(t, hourEnd)[0];
  return { start: before ?? hourStart, end: after ?? hourEnd };
}

/**
 * The next instant after `after` at which the clock reads `minute` (minutes since midnight), or
 * jumps past it (a spring-forward gap).
 */
export function nextLocalTime(clock: ZoneClock, minute: number, after: number): number {
  const wall = clock.wall(after);
  const midnight = wall - mod(wall, DAY);
  for (let day = 0; day <= 2; day++) {
    const next = clock.instantsOf(midnight + day * DAY + minute * MINUTE).find((t) => t > after);
    if (next !== undefined) return next;
  }
  // Unreachable for real zones (every day has the time or the jump past it); never wait forever.
  return after + DAY;
}
