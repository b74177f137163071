/**
 * Sending politely, wired for one run: the row gates (--not-after, --window, --quota, asked in that
 * order; the quota last, as it must be) and the planners' row rules (--suppress, --tz-field), from
 * the run's settings, its clock and the result log it appends to.
 */
import { loadSuppression } from '../input/suppression-file.js';
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

/** The gates and rules of a run; `log` is the result log as it stood before the run (null: a new one). */
export async function politeRun(settings: RunSettings, clock: Clock, log: LogState | null): Promise<PoliteRun> {
  const { polite } = settings;
  const zone = zoneClock(polite.tz)!;
  const gates: RowGate[] = [];
  if (polite.notAfter) gates.push(deadlineGate(polite.notAfter, zone, clock.now()));
  if (polite.window) gates.push(new WindowGate(polite.window, polite.tz, polite.tzField));
  if (polite.quota) gates.push(new QuotaGate(polite.quota, zone, new LocalQuotaStore(sentTimes(log)), quotaLabel(polite.quota)));
  const waitingFor = polite.window ? (polite.quota ? 'their window or the quota' : 'their window') : polite.quota ? 'the quota' : null;
  return { gates, rules: await politeRules(settings), waitingFor, zone: polite.tz };
}

function deadlineGate(notAfter: NonNullable<RunSettings['polite']['notAfter']>, zone: ZoneClock, now: number): DeadlineGate {
  const at = notAfter.kind === 'instant' ? notAfter.at : nextLocalTime(zone, notAfter.minute, now);
  return new DeadlineGate(at, `--not-after ${notAfter.text} (${formatLocal(at, zone)} ${zone.zone})`);
}

/** Record times of the rows a log records as sent. */
function* sentTimes(log: LogState | null): Generator<number> {
  if (!log) return;
  for (const state of log.keys.values()) if (state.status === 'sent') yield state.at;
}
