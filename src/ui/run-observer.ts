/**
 * What a person sees while a run goes on: the progress display (a bar on a terminal, status lines
 * otherwise, nothing with --quiet) fed with live counts, and notices above it.
 */
import type { NoticeLevel, RunObserver } from '../campaign/run-campaign.js';
import { ExitCode } from '../exit-codes.js';
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
    started() {
      progress = createProgress(terminal, { quiet: options.quiet, total: options.total, label: options.label });
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
