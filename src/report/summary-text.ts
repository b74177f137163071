/** The end-of-run summary and `herald report` as text for people. */
import type { Paint } from '../ui/terminal.js';
import { formatDuration } from '../config/parse-duration.js';
import type { SummaryJson } from './summary.js';

/** Extra facts printed with a summary. */
export interface SummaryContext {
  readonly title: string;
  readonly durationMs: number | null;
  readonly throughput: number | null;
  readonly log: string | null;
  /** Lines like ["retry", "herald retry x.results.jsonl"]. */
  readonly hints: readonly (readonly [string, string])[];
  /** Lines printed after the counts, like ["waiting", "12 rows left waiting for their window"]. */
  readonly notes?: readonly (readonly [string, string])[];
}

const STATUS_ORDER = ['sent', 'failed', 'invalid', 'skipped', 'pending'] as const;
const CLASSES_BY_STATUS: Readonly<Record<string, readonly string[]>> = {
  failed: ['permanent', 'retryable', 'throttled', 'fatal', 'in-doubt'],
  skipped: ['duplicate', 'suppressed'],
  pending: ['retryable', 'throttled', 'in-doubt'],
};

function ms(value: number | null): string {
  return value === null ? '-' : formatDuration(value);
}

/** Render a summary as lines (no trailing newline). */
export function summaryText(summary: SummaryJson, context: SummaryContext, color: Paint): string {
  const lines = [color.bold(context.title)];
  const paint: Readonly<Record<string, (s: string) => string>> = { sent: color.green, failed: color.red, invalid: color.yellow, pending: color.yellow };
  for (const status of STATUS_ORDER) {
    const count = summary.status[status] ?? 0;
    if (count === 0 && status !== 'sent') continue;
    const perClass = summary.breakdown[status] ?? {};
    const detail = (CLASSES_BY_STATUS[status] ?? [])
      .map((name) => [name, perClass[name] ?? 0] as const)
      .filter(([, n]) => n > 0)
      .map(([name, n]) => `${name} ${n}`)
      .join(', ');
    const label = (paint[status] ?? ((s: string) => s))(status.padEnd(10));
    lines.push(`  ${label} ${String(count).padStart(7)}${detail ? `  ${detail}` : ''}`);
  }
  for (const [label, text] of context.notes ?? []) lines.push(`  ${label.padEnd(10)} ${text}`);
  const codes = Object.entries(summary.codes).slice(0, 5);
  if (codes.length > 0) lines.push(`  ${'top codes'.padEnd(10)} ${codes.map(([code, n]) => `${code} ×${n}`).join(', ')}`);
  for (const [name, value] of Object.entries(summary.tally)) lines.push(`  ${name.padEnd(10)} ${String(value).padStart(7)}`);
  const speed = context.throughput === null ? '' : `${context.throughput.toFixed(1)}/s   `;
  const { p50, p95, p99 } = summary.latencyMs;
  lines.push(`  ${'speed'.padEnd(10)} ${speed}latency p50 ${ms(p50)}  p95 ${ms(p95)}  p99 ${ms(p99)}${context.durationMs === null ? '' : `   took ${formatDuration(context.durationMs)}`}`);
  if (context.log) lines.push(`  ${'log'.padEnd(10)} ${context.log}`);
  for (const [label, text] of context.hints) lines.push(`  ${label.padEnd(10)} ${color.cyan(text)}`);
  return lines.join('\n');
}

/** "1 row", "2 rows". */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
