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

/** What the display shows. */
export interface ProgressOptions {
  readonly quiet: boolean;
  readonly total: number | null;
  readonly label: string;
  /** More to say about the run now (rows waiting for their window), or null. */
  readonly extra?: () => string | null;
}

/** How often the bar re-reads `extra` when no row finishes. */
const EXTRA_EVERY_MS = 1000;

/** Pick the display for this terminal and these flags. */
export function createProgress(terminal: Terminal, options: ProgressOptions): ProgressView {
  const extra = options.extra ?? (() => null);
  if (options.quiet) return quietProgress(terminal);
  if (terminal.err.isTTY) return barProgress(terminal, options.total, options.label, extra);
  return statusLines(terminal, options.label, extra);
}

function quietProgress(terminal: Terminal): ProgressView {
  return { update() {}, notice: (line) => terminal.err.write(`${line}\n`), stop() {} };
}

function rateOf(done: number, startedAt: number): number {
  const seconds = (Date.now() - startedAt) / 1000;
  return seconds > 0 ? done / seconds : 0;
}

/** One status line (what a non-terminal stderr gets every 10 s). */
export function statusLine(label: string, counts: ProgressCounts, elapsedMs: number, extra: string | null): string {
  const rate = elapsedMs > 0 ? counts.done / (elapsedMs / 1000) : 0;
  const more = extra === null ? '' : `; ${extra}`;
  return `herald: ${label} ${counts.done} rows done (sent ${counts.sent}, failed ${counts.failed}, other ${counts.other}), ${rate.toFixed(1)}/s, ${formatDuration(elapsedMs)} elapsed${more}`;
}

function statusLines(terminal: Terminal, label: string, extra: () => string | null): ProgressView {
  const startedAt = Date.now();
  let last: ProgressCounts = { done: 0, sent: 0, failed: 0, other: 0 };
  const print = () => terminal.err.write(`${statusLine(label, last, Date.now() - startedAt, extra())}\n`);
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

function barProgress(terminal: Terminal, total: number | null, label: string, extra: () => string | null): ProgressView {
  const c = terminal.color;
  const multibar = new cliProgress.MultiBar(
    {
      stream: terminal.err,
      format: `${label} ${c.cyan('{bar}')} {value}/{total} | {speed}/s | ETA {eta_formatted} | ${c.green('sent {sent}')} ${c.red('failed {failed}')} {other}{waiting}`,
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
  const waiting = () => {
    const text = extra();
    return text === null ? '' : ` | ${text}`;
  };
  const bar = multibar.create(barTotal, 0, { sent: 0, failed: 0, other: '', speed: '0.0', waiting: waiting() });
  const startedAt = Date.now();
  // Rows waiting for their window finish nothing for hours: the bar still says so, and until when.
  const refresh = setInterval(() => bar.update({ waiting: waiting() }), EXTRA_EVERY_MS);
  refresh.unref();
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
        waiting: waiting(),
      });
    },
    notice: (line) => multibar.log(`${line}\n`),
    stop: () => {
      clearInterval(refresh);
      multibar.stop();
    },
  };
}
