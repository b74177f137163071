/**
 * Wall-clock time in an IANA time zone, from the platform's own time-zone data (`Intl`, full ICU
 * in Node 20), never from a hand-written offset table. A "wall" time is written as milliseconds
 * too: the UTC instant whose calendar fields equal the local ones (`Date.UTC(y, m, d, h, mi)`), so
 * local dates and times are plain arithmetic. One `Intl.DateTimeFormat` per zone, created once.
 *
 * Daylight-saving changes: a wall time in a spring-forward gap (02:30 that does not exist) maps to
 * the instant of the change (the first moment the clock reads later than it); a wall time that
 * happens twice (01:30 on a fall-back night) maps to both instants, earliest first. The search
 * assumes a zone changes its offset at most once in any two days, which every zone in use does.
 */

/** One minute, hour and day in ms. */
export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** How far apart offsets are sampled when looking for a change (no zone changes twice within it). */
const SAMPLE_MS = 12 * HOUR;

/** The local time of one zone. */
export class ZoneClock {
  private readonly format: Intl.DateTimeFormat;

  /** @param zone an IANA zone name (checked by `isTimeZone` first: an unknown name throws RangeError) */
  constructor(readonly zone: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** The wall time at instant `t`, as wall ms. */
  wall(t: number): number {
    const fields = { year: 0, month: 1, day: 1, hour: 0, minute: 0, second: 0 };
    for (const part of this.format.formatToParts(t)) {
      if (part.type in fields) fields[part.type as keyof typeof fields] = Number(part.value);
    }
    const whole = Date.UTC(fields.year, fields.month - 1, fields.day, fields.hour, fields.minute, fields.second);
    return whole + (((t % 1000) + 1000) % 1000);
  }

  /** The zone's offset from UTC at instant `t`, in ms (+08:00 is 28,800,000). */
  offset(t: number): number {
    return this.wall(t) - t;
  }

  /** Minutes since local midnight at instant `t` (0..1439). */
  minuteOfDay(t: number): number {
    return Math.floor(mod(this.wall(t), DAY) / MINUTE);
  }

  /**
   * The instants at which the local clock reads wall time `w`: one; two when it happens twice
   * (fall-back), earliest first; or, when it does not happen (spring-forward gap), the instant of
   * the change, when the clock jumps past it.
   */
  instantsOf(w: number): number[] {
    const before = this.offset(w - DAY);
    const after = this.offset(w + DAY);
    if (before === after) return [w - before];
    const found = [w - before, w - after].filter((t, i) => this.offset(t) === (i === 0 ? before : after));
    if (found.length > 0) return [...new Set(found)].sort((a, b) => a - b);
    return [this.changeBetween(w - DAY, w + DAY)];
  }

  /** The first instant at which the clock reads wall time `w` (or jumps past it). */
  firstInstantOf(w: number): number {
    return this.instantsOf(w)[0]!;
  }

  /** The instants in (from, to] at which the zone's offset changes, earliest first. */
  changesIn(from: number, to: number): number[] {
    const changes: number[] = [];
    let at = from;
    let offset = this.offset(at);
    while (at < to) {
      const next = Math.min(to, at + SAMPLE_MS);
      const nextOffset = this.offset(next);
      if (nextOffset !== offset) changes.push(this.changeBetween(at, next));
      at = next;
      offset = nextOffset;
    }
    return changes;
  }

  /** The first instant after `from` (whose offset differs from `to`'s) at which the offset is `to`'s: one change assumed between them. */
  private changeBetween(from: number, to: number): number {
    const target = this.offset(to);
    let lo = from;
    let hi = to;
    // Offsets change on whole seconds: narrow to one second, then take its start.
    while (hi - lo > 1000) {
      const mid = Math.floor((lo + hi) / 2000) * 1000;
      if (mid <= lo) break;
      if (this.offset(mid) === target) hi = mid;
      else lo = mid;
    }
    return hi;
  }
}

/** A modulo that is never negative. */
export function mod(value: number, by: number): number {
  return ((value % by) + by) % by;
}

const clocks = new Map<string, ZoneClock>();
const invalid = new Set<string>();
/** Distinct bad zone names remembered (they come from rows: bounded). */
const MAX_INVALID_REMEMBERED = 1000;

/** The clock of a zone, created once per name; null when the name is not a time zone `Intl` knows. */
export function zoneClock(zone: string): ZoneClock | null {
  const known = clocks.get(zone);
  if (known) return known;
  if (zone === '' || invalid.has(zone)) return null;
  try {
    const clock = new ZoneClock(zone);
    clocks.set(zone, clock);
    return clock;
  } catch {
    if (invalid.size < MAX_INVALID_REMEMBERED) invalid.add(zone);
    return null;
  }
}

/** Whether `zone` is an IANA time zone name (or an alias) `Intl` knows. */
export function isTimeZone(zone: string): boolean {
  return zoneClock(zone) !== null;
}

/** The machine's time zone (UTC when the platform names none it knows). */
export function machineZone(): string {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return zone && isTimeZone(zone) ? zone : 'UTC';
}

/** `2026-06-01 20:00` (local to the clock's zone). */
export function formatLocal(t: number, clock: ZoneClock): string {
  return new Date(clock.wall(t)).toISOString().slice(0, 16).replace('T', ' ');
}

/** `20:00` (local to the clock's zone). */
export function formatLocalTime(t: number, clock: ZoneClock): string {
  return new Date(clock.wall(t)).toISOString().slice(11, 16);
}
