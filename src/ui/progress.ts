/**
 * Live progress while sending: a bar on stderr when it is a terminal (done/total, rate, ETA,
 * sent/failed), otherwise one status line every 10 s; nothing with --quiet. Notices (slow-downs,
 * pauses) go above the bar.
 */
import cliProgress from 'cli-progress';
import { formatDuration } from '../config/parse-duration.js';
import type { Terminal } from './terminal.js';

/** Counts shown while sending. */
export interface ProgressCounts {
  readonly done: number;
  readonly sent: number;
  readonly failed: number;
  readonly other: number;
}

/** A progress display. */
export interface ProgressView {
  update(counts: ProgressCounts): void;
  /** A line worth seeing now (printed even with --quiet when it is a warning). */
  notice(line: string): void;
  stop(): void;
}

/** Interval of status lines when stderr is not a terminal. */
export const STATUS_EVERY_MS = 10_000;

/** Pick the display for this terminal and these flags. */
export function createProgress(terminal: Terminal, options: { quiet: boolean; total: number | null; label: string }): ProgressView {
  if (options.quiet) return quietProgress(terminal);
  if (terminal.err.isTTY) return barProgress(terminal, options.total, options.label);
  return statusLines(terminal, options.label);
}

function quietProgress(terminal: Terminal): ProgressView {
  return { update() {}, notice: (line) => terminal.err.write(`${line}\n`), stop() {} };
}

function rateOf(done: number, startedAt: number): number {
  const seconds = (Date.now() - startedAt) / 1000;
  return seconds > 0 ? done / seconds : 0;
}

function statusLines(terminal: Terminal, label: string): ProgressView {
  const startedAt = Date.now();
  let last: ProgressCounts = { done: 0, sent: 0, failed: 0, other: 0 };
  const print = () => {
    const rate = rateOf(last.done, startedAt);
    terminal.err.write(
      `herald: ${label} ${last.done} rows done (sent ${last.sent}, failed ${last.failed}, other ${last.other}), ${rate.toFixed(1)}/s, ${formatDuration(Date.now() - startedAt)} elapsed\n`,
    );
  };
  const timer = setInterval(print, STATUS_EVERY_MS);
  timer.unref();
  return {
    update(counts) {
      last = counts;
    },
    notice: (line) => terminal.err.write(`${line}\n`),
    stop: () => clearInterval(timer),
  };
}

function barProgress(terminal: Terminal, total: number | null, label: string): ProgressView {
  const c = terminal.color;
  const multibar = new cliProgress.MultiBar(
    {
      stream: terminal.err,
      format: `${label} ${c.cyan('{bar}')} {value}/{total} | {speed}/s | ETA {eta_formatted} | ${c.green('sent {sent}')} ${c.red('failed {failed}')} {other}`,
      barCompleteChar: '█',
      barIncompleteChar: '░',
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 200,
      fps: 8,
      noTTYOutput: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let barTotal = total ?? 0;
  const bar = multibar.create(barTotal, 0, { sent: 0, failed: 0, other: '', speed: '0.0' });
  const startedAt = Date.now();
  return {
    update(counts) {
      if (counts.done > barTotal) {
        barTotal = counts.done;
        bar.setTotal(barTotal);
      }
      bar.update(counts.done, {
        sent: counts.sent,
        failed: counts.failed,
        other: counts.other > 0 ? `other ${counts.other}` : '',
        speed: rateOf(counts.done, startedAt).toFixed(1),
      });
    },
    notice: (line) => multibar.log(`${line}\n`),
    stop: () => multibar.stop(),
  };
}
