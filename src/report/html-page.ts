/**
 * The report page: one self-contained HTML file. Cards and tables are plain HTML; the charts are
 * drawn by an inline script with uPlot inline too; the data travels as inline JSON. A
 * Content-Security-Policy forbids every request, so the page works offline and cannot leak.
 */
import { createHash } from 'node:crypto';
import { VERSION } from '../version.js';
import { CHART_SCRIPT } from './chart-script.js';
import { summaryCards } from './html-cards.js';
import { count, esc } from './html-format.js';
import { attemptsTable, codesTable, domainsTable, runsTable } from './html-tables.js';
import { LINE_COLORS, OUTCOME_COLORS } from './palette.js';
import type { PageData } from './page-data.js';
import { PAGE_STYLE } from './page-style.js';
import { OUTCOMES } from './time-series.js';
import { uplotAssets, type UplotAssets } from './uplot-assets.js';

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** JSON safe inside a <script> element: no "</script", no HTML comment openers. */
function inlineJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** The policy: nothing may be fetched; only these exact inline scripts and styles run. */
function contentSecurityPolicy(scripts: readonly string[], styles: readonly string[]): string {
  return [
    "default-src 'none'",
    `script-src ${scripts.map(sha256).join(' ')}`,
    `style-src ${styles.map(sha256).join(' ')}`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

function key(items: readonly (readonly [string, string])[]): string {
  return `<p class="note">${items.map(([label, color]) => `<svg width="12" height="12" aria-hidden="true"><rect width="12" height="12" rx="2" fill="${color}"/></svg> ${esc(label)}`).join(' &nbsp; ')}</p>`;
}

function chartSection(id: string, title: string, caption: string, extra = ''): string {
  return `<section id="${id}"><h2>${esc(title)}</h2><p class="note">${caption}</p>${extra}<div class="chart" id="chart-${id}"></div><noscript><p class="empty">This chart needs JavaScript; the numbers above and the tables below do not.</p></noscript></section>`;
}

function header(data: PageData): string {
  const r = data.report;
  const when = r.firstRunAt ? `${esc(r.firstRunAt)}${r.lastRunAt && r.lastRunAt !== r.firstRunAt ? ` to ${esc(r.lastRunAt)}` : ''}` : 'no run record';
  return `<header><h1>herald report: ${esc(data.name)}</h1><p>${esc(r.channel ?? 'unknown channel')} · ${count(r.runs)} run${r.runs === 1 ? '' : 's'} · ${when} · <code>${esc(r.log)}</code></p></header>`;
}

function body(data: PageData): string {
  const outcomes = OUTCOMES.filter((o) => data.runs.some((run) => run.attempts[o] > 0)).map((o) => [o, OUTCOME_COLORS[o]!] as const);
  const sections = [
    summaryCards(data),
    chartSection(
      'rate',
      'Attempts per second, by outcome',
      `Every attempt herald made, by how the provider answered. The dashed black line is the configured <code>--rate</code>; triangles along the top mark seconds with <em>throttled</em> answers (herald slows the whole run down); dashed grey lines mark where a run (resume, retry) starts.${data.chart.series.width > 1 ? ` Each point covers ${data.chart.series.width} s.` : ''}`,
      key(outcomes),
    ),
    chartSection('latency', 'Latency over time', 'How long attempts took: median (p50), p95 and p99 of the attempts in each point of time.'),
    chartSection('histogram', 'Latency histogram', 'Attempts by latency; each bar is a quarter of a doubling wide (log-width buckets), so fast and slow answers both show.'),
    `<section id="codes-section"><h2>Top error codes</h2><p class="note">Provider codes of the rows that ended <em>failed</em>, with a few of their keys. Export them with <code>herald report ${esc(data.name)} --rows failed &gt; failed.csv</code>.</p>${codesTable(data.codes)}</section>`,
  ];
  if (data.domains) sections.push(`<section id="domains-section"><h2>E-mail by recipient domain</h2><p class="note">Rows sent or failed per domain, share failed, and the p95 latency of their last attempt.</p>${domainsTable(data.domains, data.domainCount)}</section>`);
  sections.push(
    `<section id="attempts-section"><h2>Attempts per row</h2><p class="note">How many attempts the rows that were sent or failed took (retries included, across runs).</p>${attemptsTable(data.attemptsTable)}</section>`,
    `<section id="runs-section"><h2>Runs</h2><p class="note">Each <code>herald send</code>, <code>--resume</code> and <code>herald retry</code> that wrote to this log, with its attempts by outcome.</p>${runsTable(data.runs)}</section>`,
  );
  return sections.join('\n');
}

/** The whole page for `data`, with uPlot inline. */
export function renderPage(data: PageData, assets: UplotAssets = uplotAssets()): string {
  const style = assets.style + PAGE_STYLE;
  const json = inlineJson({ chart: data.chart, outcomes: OUTCOMES, colors: OUTCOME_COLORS, lines: LINE_COLORS });
  const csp = contentSecurityPolicy([assets.script, CHART_SCRIPT], [style]);
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="referrer" content="no-referrer"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="generator" content="herald ${esc(VERSION)}"><link rel="icon" href="data:,">`,
    `<title>herald report: ${esc(data.name)}</title>`,
    `<style>${style}</style></head><body>`,
    header(data),
    `<main>${body(data)}</main>`,
    `<script type="application/json" id="herald-data">${json}</script>`,
    `<script>${assets.script}</script>`,
    `<script>${CHART_SCRIPT}</script>`,
    '</body></html>',
    '',
  ].join('\n');
}
