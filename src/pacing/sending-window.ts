/**
 * A daily sending window (`--window 09:00-20:00`, or across midnight `22:00-06:00`) and where an
 * instant stands in it for a zone: inside or not, and until when that holds. Pure: the instant is
 * an argument, the zone's time comes from `ZoneClock` (Intl), daylight-saving changes included.
 */
import { DAY, MINUTE, mod, type ZoneClock } from './zone-clock.js';

/** A window of local time, each day: from `start` (inclusive) to `end` (exclusive), minutes since midnight. */
export interface DailyWindow {
  /** 0..1439. */
  readonly start: number;
  /** 1..1440; below `start` when the window crosses midnight. */
  readonly end: number;
}

/** Where an instant stands: inside the window or not, and the instant that changes (null: never). */
export interface WindowState {
  readonly inside: boolean;
  /** When the window next closes (inside) or opens (outside); null when it never changes (the whole day). */
  readonly until: number | null;
}

const WINDOW_TEXT = /^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$/;

/** How far ahead a change is looked for; past it the answer is "ask again then". */
const HORIZON_DAYS = 4;

/** Read `HH:MM-HH:MM` (24:00 allowed as an end); null when it is not one. */
export function parseWindow(text: string): DailyWindow | null {
  const match = WINDOW_TEXT.exec(text.trim());
  if (!match) return null;
  const [sh, sm, eh, em] = match.slice(1).map(Number) as [number, number, number, number];
  if (sh > 23 || sm > 59 || eh > 24 || em > 59 || (eh === 24 && em !== 0)) return null;
  return { start: sh * 60 + sm, end: eh * 60 + em };
}

/** `09:00-20:00`. */
export function formatWindow(window: DailyWindow): string {
  const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
  return `${hhmm(window.start)}-${hhmm(window.end)}`;
}

/** True when the window is the whole day (`00:00-24:00`). */
export function isWholeDay(window: DailyWindow): boolean {
  return window.start === 0 && window.end === 1440;
}

/** Whether a local minute of the day is inside the window. */
export function insideMinute(window: DailyWindow, minute: number): boolean {
  const { start, end } = window;
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

/** Where instant `t` stands in the window in the clock's zone, and until when. */
export function windowState(window: DailyWindow, clock: ZoneClock, t: number): WindowState {
  if (isWholeDay(window)) return { inside: true, until: null };
  const inside = insideMinute(window, clock.minuteOfDay(t));
  // Between two of these instants the local clock runs on without crossing a boundary of the
  // window or jumping (no offset change), so the answer can only change at one of them.
  const midnight = clock.wall(t) - mod(clock.wall(t), DAY);
  const horizon = t + HORIZON_DAYS * DAY;
  const candidates = clock.changesIn(t, horizon);
  for (let day = -1; day <= HORIZON_DAYS; day++) {
    for (const minute of [window.start, window.end]) candidates.push(...clock.instantsOf(midnight + day * DAY + minute * MINUTE));
  }
  const ahead = candidates.filter((c) => c > t && c <= horizon).sort((a, b) => a - b);
  for (const c of ahead) {
    if (insideMinute(window, clock.minuteOfDay(c)) !== inside) return { inside, until: c };
  }
  return { inside, until: horizon };
}
