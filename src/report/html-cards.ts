/** The summary cards at the top of the report page, rendered as plain HTML (no script needed). */
import { count, duration, esc, ms, pct, perSecond } from './html-format.js';
import type { PageData } from './page-data.js';

/** A card: a title, a big number (marked with data-metric for tools and tests) and a line under it. */
function card(title: string, metric: string, value: string, sub = '', tone = ''): string {
  return `<div class="card${tone ? ` ${tone}` : ''}"><h3>${esc(title)}</h3><p class="big" data-metric="${metric}">${value}</p><p class="sub">${sub}</p></div>`;
}

/** A number inside a card's sub line, marked for tools and tests. */
function part(metric: string, value: string): string {
  return `<span data-metric="${metric}">${value}</span>`;
}

function byClass(breakdown: Readonly<Record<string, number>> | undefined): string {
  const entries = Object.entries(breakdown ?? {}).sort((a, b) => b[1] - a[1]);
  return entries.length === 0 ? 'none' : entries.map(([name, n]) => `${esc(name)} ${part(`failed.${esc(name)}`, count(n))}`).join(' · ');
}

/** The summary cards. */
export function summaryCards(data: PageData): string {
  const r = data.report;
  const n = (status: string) => r.status[status] ?? 0;
  const share = (value: number) => (r.rows > 0 ? `${pct(value / r.rows)} of rows` : '');
  const latency = r.latencyMs;
  const cards = [
    card('Rows', 'rows', count(r.rows), `${count(r.runs)} run${r.runs === 1 ? '' : 's'}`),
    card('Sent', 'sent', count(n('sent')), share(n('sent')), 'good'),
    card('Failed', 'failed', count(n('failed')), byClass(r.breakdown.failed), n('failed') > 0 ? 'bad' : ''),
    card('Invalid', 'invalid', count(n('invalid')), n('invalid') > 0 ? 'rows herald could not send as they stand' : 'every row was well-formed', n('invalid') > 0 ? 'warn' : ''),
    card('Skipped', 'skipped', count(n('skipped')), `duplicates ${part('duplicates', count(data.duplicates))} · suppressed ${part('suppressed', count(data.suppressed))}`),
  ];
  if (n('pending') > 0) cards.push(card('In doubt', 'pending', count(n('pending')), 'in flight when a run stopped: --resume settles them', 'warn'));
  cards.push(
    card('Duration', 'duration', esc(duration(r.durationMs)), `sending time over ${count(r.runs)} run${r.runs === 1 ? '' : 's'}`),
    card('Average rate', 'throughput', perSecond(r.throughput), 'rows sent per second of sending'),
    card('Peak rate', 'peak', perSecond(data.peakPerSecond), 'attempts in the busiest second'),
    card('Latency p50', 'p50', ms(latency.p50), `p95 ${part('p95', ms(latency.p95))} · p99 ${part('p99', ms(latency.p99))}`),
    card('Throttled answers', 'throttled', count(data.throttledAnswers), `of ${part('attempts', count(data.attempts))} attempts: the provider asked herald to slow down`),
    card('To retry', 'retryable', count(r.retryable), r.retryable > 0 ? `<code>herald retry ${esc(data.name)}</code> sends them` : 'nothing to retry'),
  );
  const segments = r.tally.segments;
  if (segments !== undefined) cards.push(card('SMS segments', 'segments', count(segments), 'billed message parts'));
  return `<div class="cards">${cards.join('')}</div>`;
}
