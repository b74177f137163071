/**
 * The "Sending politely" flags checked and resolved: --window, --tz, --tz-field, --not-after,
 * --quota, --suppress. Every problem is one UsageError naming the flag, the rule and the value.
 */
import { UsageError } from '../errors.js';
import type { PeriodUnit } from '../pacing/calendar.js';
import type { QuotaLimit } from '../pacing/quota-gate.js';
import { formatWindow, parseWindow, type DailyWindow } from '../pacing/sending-window.js';
import { isTimeZone, machineZone } from '../pacing/zone-clock.js';

/** --not-after: a fixed instant, or a local time whose next occurrence is taken when the run starts. */
export type NotAfter =
  | { readonly kind: 'instant'; readonly at: number; readonly text: string }
  | { readonly kind: 'local'; readonly minute: number; readonly text: string };

/** The checked settings of sending politely. */
export interface PoliteSettings {
  readonly window: DailyWindow | null;
  /** --tz, else the machine's zone. */
  readonly tz: string;
  readonly tzField: string | null;
  readonly notAfter: NotAfter | null;
  readonly quota: QuotaLimit | null;
  /** --suppress files (absolute paths). */
  readonly suppress: readonly string[];
}

const HH_MM = /^(\d{1,2}):(\d{2})$/;
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:?\d{2})$/;
const ISO_WITHOUT_OFFSET = /^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$/;
const QUOTA = /^(\d+)\/(h|d)$/;
const UNITS: Readonly<Record<string, PeriodUnit>> = { h: 'hour', d: 'day' };

function text(value: unknown): string | undefined {
  return value === undefined || value === null ? undefined : String(value);
}

/** Resolve the polite flags of a run (raw values from the command line or a stored run record). */
export function resolvePolite(raw: Readonly<Record<string, unknown>>): PoliteSettings {
  const tzText = text(raw.tz);
  if (tzText !== undefined && !isTimeZone(tzText)) throw new UsageError(`--tz '${tzText}': expected an IANA time zone name, like Asia/Shanghai or America/New_York`);
  const window = windowOf(text(raw.window));
  const tzField = text(raw.tzField) ?? null;
  if (tzField !== null && window === null) throw new UsageError(`--tz-field '${tzField}': a row's zone is only used for its sending window; add --window HH:MM-HH:MM`);
  return {
    window,
    tz: tzText ?? machineZone(),
    tzField,
    notAfter: notAfterOf(text(raw.notAfter)),
    quota: quotaOf(text(raw.quota)),
    suppress: suppressOf(raw.suppress),
  };
}

function windowOf(given: string | undefined): DailyWindow | null {
  if (given === undefined) return null;
  const window = parseWindow(given);
  if (window === null) {
    throw new UsageError(`--window '${given}': expected HH:MM-HH:MM in 24-hour time, like 09:00-20:00 (a window may cross midnight, 22:00-06:00; 00:00-24:00 is the whole day)`);
  }
  if (window.start === window.end) throw new UsageError(`--window '${given}': the start and the end must differ (00:00-24:00 is the whole day)`);
  return window;
}

function notAfterOf(given: string | undefined): NotAfter | null {
  if (given === undefined) return null;
  const local = HH_MM.exec(given.trim());
  if (local) {
    const [hours, minutes] = [Number(local[1]), Number(local[2])];
    if (hours < 24 && minutes < 60) return { kind: 'local', minute: hours * 60 + minutes, text: given.trim() };
  }
  if (ISO_WITH_OFFSET.test(given.trim())) {
    const at = Date.parse(given.trim().replace(' ', 'T').replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
    if (!Number.isNaN(at)) return { kind: 'instant', at, text: given.trim() };
  }
  if (ISO_WITHOUT_OFFSET.test(given.trim())) {
    throw new UsageError(`--not-after '${given}': an ISO 8601 time needs an offset (Z or +08:00), like 2026-06-01T20:00:00+08:00; or give HH:MM for the next such time in --tz`);
  }
  throw new UsageError(`--not-after '${given}': expected an ISO 8601 time with an offset, like 2026-06-01T20:00:00+08:00, or HH:MM for the next such time in --tz`);
}

function quotaOf(given: string | undefined): QuotaLimit | null {
  if (given === undefined) return null;
  const match = QUOTA.exec(given.trim());
  const limit = match ? Number(match[1]) : 0;
  if (!match || !Number.isSafeInteger(limit) || limit < 1) {
    throw new UsageError(`--quota '${given}': expected N/h or N/d with N a whole number above zero, like 500/h or 2000/d`);
  }
  return { limit, unit: UNITS[match[2]!]! };
}

function suppressOf(given: unknown): string[] {
  if (given === undefined || given === null) return [];
  const paths = Array.isArray(given) ? given : [given];
  if (!paths.every((path) => typeof path === 'string' && path !== '')) {
    throw new UsageError(`--suppress ${JSON.stringify(given)}: expected file paths (repeat --suppress for several lists)`);
  }
  return paths as string[];
}

/** `--quota 500/h`: how a quota is named to people. */
export function quotaLabel(quota: QuotaLimit): string {
  return `--quota ${quota.limit}/${quota.unit === 'hour' ? 'h' : 'd'}`;
}

/** `--window 09:00-20:00`. */
export function windowLabel(window: DailyWindow): string {
  return `--window ${formatWindow(window)}`;
}
