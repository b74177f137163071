/**
 * Sending politely, wired for one run: the row gates (--not-after, --window, --quota, asked in that
 * order; the quota last, as it must be) and the planners' row rules (--suppress, --tz-field), from
 * the run's settings, its clock and the result log it appends to.
 */
import { nextLocalTime } from '../pacing/calendar.js';
import type { Clock } from '../pacing/clock.js';
import { DeadlineGate } from '../pacing/deadline-gate.js';
import { LocalQuotaStore, QuotaGate } from '../pacing/quota-gate.js';
import type { RowGate } from '../pacing/row-gate.js';
import { rowZone, WindowGate } from '../pacing/window-gate.js';
import { formatLocal, isTimeZone, zoneClock, type ZoneClock } from '../pacing/zone-clock.js';
import type { RowRules } from '../pipeline/row-rules.js';
import type { LogState } from '../results/log-state.js';
import { quotaLabel } from './polite-settings.js';
import type { RunSettings } from './settings.js';

/** What a run's politeness adds to it. */
export interface PoliteRun {
  readonly gates: readonly RowGate[];
  readonly rules: RowRules;
  /** What rows deferred by a gate wait for, as people read it; null when no gate defers rows. */
  readonly waitingFor: string | null;
  /** The zone waiting times are shown in (--tz). */
  readonly zone: string;
}

/** The row rules alone (what --dry-run checks). */
export async function politeRules(settings: RunSettings): Promise<RowRules> {
  const { polite, toField } = settings;
  const rules: { suppressed?: RowRules['suppressed']; checkRow?: RowRules['checkRow'] } = {};
  if (polite.suppress.length > 0) {
    // Loaded only with --suppress: phone normalisation brings libphonenumber's metadata.
    const { loadSuppression } = await import('../input/suppression-file.js');
    const suppression = await loadSuppression(polite.suppress, toField);
    rules.suppressed = (key, fields) => suppression.reason(key, toField === null ? undefined : fields[toField]);
  }
  const tzField = polite.tzField;
  if (tzField !== null) {
    rules.checkRow = (fields) => {
      const zone = rowZone(fields, tzField, polite.tz);
      return isTimeZone(zone) ? null : `--tz-field '${tzField}': '${zone}' is not an IANA time zone name (like Asia/Shanghai); leave it empty to use --tz`;
    };
  }
  return rules;
}

/** Which gates a process applies: all of them in one process; across machines, the send process
 * holds the campaign-wide ones (the deadline and the quota, at enqueue) and workers the per-row
 * window (and the deadline again, so no send starts after it whatever they hear). */
export interface GateChoice {
  readonly deadline: boolean;
  readonly window: boolean;
  readonly quota: boolean;
}

/** Every gate (a run on one machine). */
export const ALL_GATES: GateChoice = { deadline: true, window: true, quota: true };

/**
 * The gates and rules of a run; `log` is the result log as it stood before the run (null: a new
 * one); `deadline` the --not-after instant when another process computed it already.
 */
export async function politeRun(settings: RunSettings, clock: Clock, log: LogState | null, choice: GateChoice = ALL_GATES, deadline?: number): Promise<PoliteRun> {
  const { polite } = settings;
  const zone = zoneClock(polite.tz)!;
  const gates: RowGate[] = [];
  if (polite.notAfter && choice.deadline) gates.push(deadlineGate(polite.notAfter, zone, deadline ?? notAfterInstant(settings, clock.now())!));
  if (polite.window && choice.window) gates.push(new WindowGate(polite.window, polite.tz, polite.tzField));
  if (polite.quota && choice.quota) gates.push(new QuotaGate(polite.quota, zone, new LocalQuotaStore(sentTimes(log)), quotaLabel(polite.quota)));
  const waitingFor = polite.window ? (polite.quota ? 'their window or the quota' : 'their window') : polite.quota ? 'the quota' : null;
  return { gates, rules: await politeRules(settings), waitingFor, zone: polite.tz };
}

/** The --not-after instant of a run started at `now` (HH:MM: its next occurrence in --tz), or null. */
export function notAfterInstant(settings: RunSettings, now: number): number | null {
  const { notAfter, tz } = settings.polite;
  if (!notAfter) return null;
  return notAfter.kind === 'instant' ? notAfter.at : nextLocalTime(zoneClock(tz)!, notAfter.minute, now);
}

function deadlineGate(notAfter: NonNullable<RunSettings['polite']['notAfter']>, zone: ZoneClock, at: number): DeadlineGate {
  return new DeadlineGate(at, `--not-after ${notAfter.text} (${formatLocal(at, zone)} ${zone.zone})`);
}

/** Record times of the rows a log records as sent. */
function* sentTimes(log: LogState | null): Generator<number> {
  if (!log) return;
  for (const state of log.keys.values()) if (state.status === 'sent') yield state.at;
}
