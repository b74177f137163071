/** The report page's tables (runs, error codes, attempts, e-mail domains), rendered as plain HTML. */
import type { DomainRow } from './domain-stats.js';
import type { AttemptsRow, CodeRow } from './final-summary.js';
import { bar, count, duration, esc, ms, pct } from './html-format.js';
import type { RunStat } from './log-stats.js';
import { OUTCOME_COLORS } from './palette.js';
import { OUTCOMES } from './time-series.js';

/** Longest error message shown in the codes table. */
const ERROR_CHARS = 160;

function table(id: string, head: readonly string[], rows: readonly string[], numeric: ReadonlySet<number>): string {
  const th = head.map((h, i) => `<th${numeric.has(i) ? ' class="num"' : ''}>${esc(h)}</th>`).join('');
  return `<table id="${id}"><thead><tr>${th}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function tr(cells: readonly string[], numeric: ReadonlySet<number>): string {
  return `<tr>${cells.map((c, i) => `<td${numeric.has(i) ? ' class="num"' : ''}>${c}</td>`).join('')}</tr>`;
}

/** One line per run: when, how long, at what --rate, attempts by outcome. */
export function runsTable(runs: readonly RunStat[]): string {
  const numeric = new Set([4, 5, 6, 7, 8, 9, 10]);
  const rows = runs.map((run, i) =>
    tr(
      [
        String(i + 1),
        `${esc(run.command)}${run.newCampaign ? ' <em>(new campaign: --force)</em>' : ''}`,
        `<time>${esc(run.at)}</time>`,
        esc(duration(run.durationMs)),
        esc(run.rateText ?? 'unpaced'),
        ...OUTCOMES.map((o) => count(run.attempts[o])),
      ],
      numeric,
    ),
  );
  return table('runs', ['#', 'command', 'started (UTC)', 'duration', '--rate', ...OUTCOMES], rows, numeric);
}

/** The failed rows' codes, most frequent first, with example keys and one error message. */
export function codesTable(codes: readonly CodeRow[]): string {
  if (codes.length === 0) return '<p class="empty">No row failed.</p>';
  const numeric = new Set([1]);
  const rows = codes.map((c) => {
    const error = c.error !== null && c.error.length > ERROR_CHARS ? `${c.error.slice(0, ERROR_CHARS)}…` : c.error;
    return tr([`<code>${esc(c.code)}</code>`, count(c.count), esc(c.class ?? ''), c.examples.map((k) => `<code>${esc(k)}</code>`).join(', '), esc(error ?? '')], numeric);
  });
  return table('codes', ['code', 'rows', 'class', 'example keys', 'example error'], rows, numeric);
}

/** Rows by the number of attempts they took. */
export function attemptsTable(attempts: readonly AttemptsRow[]): string {
  if (attempts.length === 0) return '<p class="empty">No row was sent or failed.</p>';
  const total = attempts.reduce((sum, a) => sum + a.sent + a.failed, 0);
  const numeric = new Set([1, 2]);
  const rows = attempts.map((a) =>
    tr([`${a.attempts}${a.orMore ? ' or more' : ''}`, count(a.sent), count(a.failed), `${bar((a.sent + a.failed) / total, OUTCOME_COLORS.ok!)} ${pct((a.sent + a.failed) / total)}`], numeric),
  );
  return table('attempts', ['attempts', 'sent', 'failed', 'share of rows'], rows, numeric);
}

/** E-mail rows by recipient domain. */
export function domainsTable(domains: readonly DomainRow[], distinct: number): string {
  if (domains.length === 0) return '<p class="empty">No e-mail was sent or failed.</p>';
  const numeric = new Set([1, 2, 3, 4]);
  const rows = domains.map((d) =>
    tr([esc(d.domain), count(d.rows), count(d.failed), `${bar(d.failureRate, OUTCOME_COLORS.permanent!, 60)} ${pct(d.failureRate)}`, ms(d.p95)], numeric),
  );
  const more = distinct > domains.length ? `<p class="note">The ${domains.length} domains with the most rows, of ${count(distinct)}.</p>` : '';
  return table('domains', ['domain', 'rows', 'failed', 'failure rate', 'p95 latency'], rows, numeric) + more;
}
