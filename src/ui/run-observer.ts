/**
 * What a person sees while a run goes on: the progress display (a bar on a terminal, status lines
 * otherwise, nothing with --quiet) fed with live counts, and notices above it.
 */
import type { NoticeLevel, RunObserver, RunStatus } from '../campaign/run-campaign.js';
import { ExitCode } from '../exit-codes.js';
import { formatLocalTime, zoneClock } from '../pacing/zone-clock.js';
import type { RowRecord } from '../results/record.js';
import { createProgress, type ProgressCounts, type ProgressView } from './progress.js';
import type { Terminal } from './terminal.js';

/** Settings of the live display. */
export interface ObserverOptions {
  readonly quiet: boolean;
  /** Rows expected, for the progress bar (null: unknown). */
  readonly total: number | null;
  /** "send" or "retry", shown on the bar. */
  readonly label: string;
  /** Printed when a second Ctrl-C stops the run at once. */
  readonly resumeCommand: string;
  /** What rows deferred by a gate wait for ("their window") and the zone their time is shown in; absent: no gate defers rows. */
  readonly waiting?: { readonly for: string; readonly zone: string } | null;
  /** Leave the process with this status once output has drained. */
  exit(code: number): void;
}

/** Counts shown by the progress display. */
class LiveCounts implements ProgressCounts {
  done = 0;
  sent = 0;
  failed = 0;
  other = 0;

  add(record: RowRecord): void {
    this.done++;
    if (record.status === 'sent') this.sent++;
    else if (record.status === 'failed') this.failed++;
    else this.other++;
  }
}

/** The observer of a run on this terminal. */
export function terminalObserver(terminal: Terminal, options: ObserverOptions): RunObserver {
  const counts = new LiveCounts();
  let progress: ProgressView | null = null;
  const print = (line: string) => (progress ? progress.notice(line) : terminal.err.write(`${line}\n`));
  return {
    started(status?: () => RunStatus) {
      const waiting = options.waiting;
      const extra = status ? () => waitingNow(status(), waiting ?? null) : undefined;
      progress = createProgress(terminal, { quiet: options.quiet, total: options.total, label: options.label, ...(extra ? { extra } : {}) });
    },
    record(record) {
      counts.add(record);
      progress?.update(counts);
    },
    notice(text: string, level: NoticeLevel) {
      if (level === 'warning') print(`${terminal.color.yellow('herald: warning:')} ${text}`);
      else if (level === 'always' || !options.quiet) print(`herald: ${text}`);
    },
    stopped() {
      progress?.stop();
      progress = null;
    },
    leaveNow() {
      terminal.err.write(`herald: stopped at once; the log is consistent. Resume with:\n  ${options.resumeCommand}\n`);
      options.exit(ExitCode.Interrupted);
    },
  };
}

/** What the status line adds about rows that wait: for a gate, and to retry; null when none waits. */
export function waitingNow(status: RunStatus, gate: { readonly for: string; readonly zone: string } | null): string | null {
  const parts = [gate ? waitingText(status.waitingForGate, gate.for, gate.zone) : null, status.waitingToRetry ? `${status.waitingToRetry} waiting to retry` : null];
  const said = parts.filter((part) => part !== null).join('; ');
  return said === '' ? null : said;
}

/** "12 waiting for their window until 09:00 Asia/Shanghai", or null when no row waits. */
export function waitingText(waiting: RunStatus['waitingForGate'], waitsFor: string, zone: string): string | null {
  if (waiting.rows === 0) return null;
  const clock = zoneClock(zone);
  const until = waiting.until !== null && clock ? ` until ${formatLocalTime(waiting.until, clock)} ${zone}` : '';
  return `${waiting.rows} waiting for ${waitsFor}${until}`;
}
