/**
 * The progress bar's one line, fitted to the terminal's width: the counts (done/total, sent,
 * failed) are never cut; when the line is too long the bar shrinks first, then the extra text,
 * the ETA and the rate go, then the bar itself. Colour codes are counted as characters (what
 * cli-progress cuts by), so the line fits with colour on too. Pure.
 */
import { formatDuration } from '../config/parse-duration.js';
import type { Paint } from './terminal.js';

/** What the line shows. */
export interface LineState {
  readonly label: string;
  readonly done: number;
  /** Rows expected (0 or less: unknown). */
  readonly total: number;
  readonly sent: number;
  readonly failed: number;
  readonly other: number;
  /** Rows per second so far. */
  readonly rate: number;
  /** Time left, or null when it cannot be told. */
  readonly etaMs: number | null;
  /** More to say (rows waiting for their window), or null. */
  readonly extra: string | null;
}

/** Narrowest bar drawn; below it the bar goes. */
export const MIN_BAR = 6;
/** Widest bar drawn. */
export const MAX_BAR = 40;

interface Part {
  readonly text: string;
  readonly paint?: (text: string) => string;
}

function rateText(rate: number): string {
  return rate >= 100 ? `${Math.round(rate)}/s` : `${rate.toFixed(1)}/s`;
}

function bar(width: number, done: number, total: number): string {
  const filled = total > 0 ? Math.min(width, Math.round((width * done) / total)) : 0;
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}

/**
 * The width of parts joined by single spaces, colour codes counted as characters: cli-progress
 * cuts its last line at that many (string) characters, so a line that fits by this measure is
 * never cut, with colour on or off.
 */
function width(parts: readonly Part[]): number {
  return parts.reduce((sum, part) => sum + [...part.text].length + (part.paint ? codesOf(part.paint) : 0), 0) + Math.max(0, parts.length - 1);
}

/** How many characters a paint's colour codes add (0 with colour off). */
function codesOf(paint: (text: string) => string): number {
  return paint('x').length - 1;
}

/** What a layout keeps besides the counts, richest first: the first that fits is drawn. */
const LAYOUTS: readonly { readonly label: boolean; readonly bar: boolean; readonly rate: boolean; readonly eta: boolean; readonly extra: boolean }[] = [
  { label: true, bar: true, rate: true, eta: true, extra: true },
  { label: true, bar: true, rate: true, eta: true, extra: false },
  { label: true, bar: true, rate: false, eta: true, extra: false },
  { label: true, bar: false, rate: true, eta: true, extra: false },
  { label: true, bar: false, rate: false, eta: true, extra: false },
  { label: false, bar: false, rate: false, eta: true, extra: false },
  { label: false, bar: false, rate: false, eta: false, extra: false },
];

/**
 * The line for `columns` columns: its visible width stays below `columns` whenever the counts fit,
 * and the counts are always whole (a line too narrow for them wraps rather than lies).
 */
export function progressLine(state: LineState, columns: number, paint: Paint): string {
  const room = Math.max(1, columns - 1);
  const done: Part = { text: state.total > 0 ? `${state.done}/${state.total}` : `${state.done}` };
  const counts: Part[] = [
    { text: `sent ${state.sent}`, paint: paint.green },
    { text: `failed ${state.failed}`, ...(state.failed > 0 ? { paint: paint.red } : {}) },
    ...(state.other > 0 ? [{ text: `other ${state.other}` }] : []),
  ];
  const eta: Part | null = state.etaMs === null ? null : { text: `ETA ${formatDuration(state.etaMs)}` };
  const extra: Part | null = state.extra === null ? null : { text: `| ${state.extra}` };
  for (const layout of LAYOUTS) {
    const before = [...(layout.label ? [{ text: state.label }] : [])];
    const after = [done, ...(layout.rate ? [{ text: rateText(state.rate) }] : []), ...(layout.eta && eta ? [eta] : []), ...counts, ...(layout.extra && extra ? [extra] : [])];
    const spare = room - width([...before, ...after]);
    if (spare < 0) continue;
    if (!layout.bar) return paintParts([...before, ...after]);
    // The bar's own colour codes take room too.
    const barWidth = Math.min(MAX_BAR, spare - 1 - codesOf(paint.cyan));
    if (barWidth >= MIN_BAR) return paintParts([...before, { text: bar(barWidth, state.done, state.total), paint: paint.cyan }, ...after]);
  }
  return paintParts([done, ...counts]);
}

function paintParts(parts: readonly Part[]): string {
  return parts.map((part) => (part.paint ? part.paint(part.text) : part.text)).join(' ');
}
