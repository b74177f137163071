/**
 * Live progress while sending: a bar on stderr when it is a terminal (done/total, rate, ETA,
 * sent/failed), fitted to the terminal's width on every redraw, otherwise one status line every
 * 10 s; nothing with --quiet. Notices (slow-downs, pauses) go above the bar.
 */
import cliProgress from 'cli-progress';
import { formatDuration } from '../config/parse-duration.js';
import { progressLine } from './progress-line.js';
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

/** What the display shows. */
export interface ProgressOptions {
  readonly quiet: boolean;
  readonly total: number | null;
  readonly label: string;
  /** More to say about the run now (rows waiting for their window), or null. */
  readonly extra?: () => string | null;
}

/** Interval of status lines when stderr is not a terminal. */
export const STATUS_EVERY_MS = 10_000;
/** How often the bar is redrawn. */
const REDRAW_EVERY_MS = 125;
/** The span the bar's rate and ETA are measured over (recent pace, not the whole run's). */
const RATE_SPAN_MS = 10_000;

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

/** The recent pace: rows done per second over the last RATE_SPAN_MS. */
class RecentRate {
  private readonly samples: { at: number; done: number }[] = [];

  constructor(startedAt: number) {
    this.samples.push({ at: startedAt, done: 0 });
  }

  rate(now: number, done: number): number {
    this.samples.push({ at: now, done });
    while (this.samples.length > 2 && now - this.samples[1]!.at >= RATE_SPAN_MS) this.samples.shift();
    const first = this.samples[0]!;
    const seconds = (now - first.at) / 1000;
    return seconds > 0 ? (done - first.done) / seconds : 0;
  }
}

/**
 * The bar, drawn by cli-progress: the line it draws is herald's own (progressLine), fitted to the
 * terminal's width measured without colour codes, so cli-progress never has to cut it.
 */
function barProgress(terminal: Terminal, total: number | null, label: string, extra: () => string | null): ProgressView {
  const stream = terminal.err;
  const pace = new RecentRate(Date.now());
  let counts: ProgressCounts = { done: 0, sent: 0, failed: 0, other: 0 };
  let barTotal = total ?? 0;
  const format = (): string => {
    const rate = pace.rate(Date.now(), counts.done);
    const etaMs = barTotal > 0 && rate > 0 ? ((barTotal - counts.done) / rate) * 1000 : null;
    return progressLine({ label, ...counts, total: barTotal, rate, etaMs, extra: extra() }, stream.columns ?? 80, terminal.color);
  };
  const bars = new cliProgress.MultiBar({ stream, format, hideCursor: true, clearOnComplete: false, fps: 1000 / REDRAW_EVERY_MS, noTTYOutput: false, forceRedraw: true });
  const bar = bars.create(Math.max(1, barTotal), 0);
  let stopped = false;
  return {
    update(next) {
      counts = next;
      if (next.done > barTotal && total !== null) barTotal = next.done;
      bar.update(next.done);
    },
    notice(line) {
      bars.log(`${line}\n`);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      bar.update(counts.done);
      bars.stop();
    },
  };
}
