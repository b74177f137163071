/** The end-of-run summary and `herald report` as text for people. */
import type { Paint } from '../ui/terminal.js';
import { formatDuration } from '../config/parse-duration.js';
import { formatRoughRate } from '../config/parse-rate.js';
import type { SummaryJson } from './summary.js';

/** How the run was paced, when the provider slowed it down. */
export interface PacingFacts {
  /** Answers that asked herald to slow down (run-wide throttles and per-recipient limits). */
  readonly throttledAnswers: number;
  /** The lowest rate the run slowed to (sends per second), or null when it never slowed. */
  readonly lowestRate: number | null;
}

/** Extra facts printed with a summary. */
export interface SummaryContext {
  readonly title: string;
  readonly durationMs: number | null;
  readonly throughput: number | null;
  readonly log: string | null;
  /** What sends the rows left waiting (status pending), e.g. "--resume sends them". */
  readonly waitingHint?: string;
  /** Input rows no run has reached yet (after --limit or a stop), when known. */
  readonly notReached?: number | null;
  readonly pacing?: PacingFacts | null;
  /** Lines printed after the counts, like ["", "3 recipients opted out: …"] (label, text). */
  readonly notes?: readonly (readonly [string, string])[];
  /** The one recommended next step: a command, and what it does. */
  readonly next: { readonly command: string; readonly what: string } | null;
}

/** Top reasons of invalid and failed rows shown as text. */
export const REASONS_SHOWN = 3;
/** Top codes shown as text. */
export const CODES_SHOWN = 5;

const STATUS_ORDER = ['sent', 'failed', 'invalid', 'skipped'] as const;
const CLASSES_BY_STATUS: Readonly<Record<string, readonly string[]>> = {
  failed: ['permanent', 'retryable', 'throttled', 'fatal', 'in-doubt'],
  skipped: ['duplicate', 'suppressed'],
};
/** What a class means where a count alone would leave people guessing. */
const CLASS_NOTES: Readonly<Record<string, string>> = { 'in-doubt': ' (may already be delivered)' };

function ms(value: number | null): string {
  return value === null ? '-' : formatDuration(value);
}

function label(text: string): string {
  return text.padEnd(10);
}

/** "permanent 3, in-doubt 2 (may already be delivered)" for the classes of one status. */
function classDetail(perClass: Readonly<Record<string, number>>, names: readonly string[]): string {
  return names
    .map((name) => [name, perClass[name] ?? 0] as const)
    .filter(([, n]) => n > 0)
    .map(([name, n]) => `${name} ${n}${CLASS_NOTES[name] ?? ''}`)
    .join(', ');
}

/** The line of rows left waiting: "waiting 7  to retry (throttled 5, retryable 2) — --resume sends them". */
function waitingLine(summary: SummaryJson, hint: string, color: Paint): string[] {
  const total = summary.status.pending ?? 0;
  if (total === 0) return [];
  const perClass = summary.breakdown.pending ?? {};
  const retry = classDetail(perClass, ['throttled', 'retryable']);
  const waiting = (perClass.throttled ?? 0) + (perClass.retryable ?? 0);
  const inDoubt = total - waiting;
  const both = waiting > 0 && inDoubt > 0;
  const parts: string[] = [];
  if (waiting > 0) parts.push(`${both ? `${waiting} ` : ''}waiting to retry (${retry})`);
  if (inDoubt > 0) parts.push(`${both ? `${inDoubt} ` : ''}in flight when the run stopped (may already be delivered)`);
  return [`  ${color.yellow(label('waiting'))} ${String(total).padStart(7)}  ${parts.join('; ')} — ${hint}`];
}

/** Up to REASONS_SHOWN lines: the most frequent reasons of invalid and failed rows, with counts. */
function reasonLines(summary: SummaryJson): string[] {
  return summary.reasons.slice(0, REASONS_SHOWN).map(({ status, reason, count }, i) => `  ${label(i === 0 ? 'reasons' : '')} ${String(count).padStart(7)}  ${status.padEnd(7)} ${reason}`);
}

/** Render a summary as lines (no trailing newline). */
export function summaryText(summary: SummaryJson, context: SummaryContext, color: Paint): string {
  const lines = [color.bold(context.title)];
  const paint: Readonly<Record<string, (s: string) => string>> = { sent: color.green, failed: color.red, invalid: color.yellow };
  for (const status of STATUS_ORDER) {
    const count = summary.status[status] ?? 0;
    if (count === 0 && status !== 'sent') continue;
    const detail = classDetail(summary.breakdown[status] ?? {}, CLASSES_BY_STATUS[status] ?? []);
    const name = (paint[status] ?? ((s: string) => s))(label(status));
    lines.push(`  ${name} ${String(count).padStart(7)}${detail ? `  ${detail}` : ''}`);
  }
  lines.push(...waitingLine(summary, context.waitingHint ?? '--resume sends them', color));
  if (context.notReached) lines.push(`  ${color.yellow(label('left'))} ${String(context.notReached).padStart(7)}  input rows not reached yet`);
  for (const [name, text] of context.notes ?? []) lines.push(`  ${label(name)} ${text}`);
  lines.push(...reasonLines(summary));
  const codes = summary.topCodes.slice(0, CODES_SHOWN);
  if (codes.length > 0) lines.push(`  ${label('top codes')} ${codes.map(({ code, count }) => `${code} ×${count}`).join(', ')}`);
  const pacing = context.pacing;
  if (pacing && pacing.throttledAnswers > 0) {
    const slowest = pacing.lowestRate === null ? '' : `; slowed to ${formatRoughRate(pacing.lowestRate)} at the slowest`;
    lines.push(`  ${label('throttled')} ${String(pacing.throttledAnswers).padStart(7)}  answers asked herald to slow down${slowest}`);
  }
  for (const [name, value] of Object.entries(summary.tally)) lines.push(`  ${label(name)} ${String(value).padStart(7)}`);
  const speed = context.throughput === null ? '' : `${context.throughput.toFixed(1)}/s   `;
  const { p50, p95, p99 } = summary.latencyMs;
  lines.push(`  ${label('speed')} ${speed}latency p50 ${ms(p50)}  p95 ${ms(p95)}  p99 ${ms(p99)}${context.durationMs === null ? '' : `   took ${formatDuration(context.durationMs)}`}`);
  if (context.log) lines.push(`  ${label('log')} ${context.log}`);
  if (context.next) lines.push(`  ${label('next')} ${color.cyan(context.next.command)}${context.next.what ? `   (${context.next.what})` : ''}`);
  return lines.join('\n');
}

/** "1 row", "2 rows" ("1 mailbox", "2 mailboxes" with the plural given). */
export function plural(count: number, noun: string, nouns = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : nouns}`;
}
